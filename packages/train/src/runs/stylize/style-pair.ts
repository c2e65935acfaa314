// The built-in pair of images for style transfer, drawn procedurally: a disc as content, diagonal stripes as style.
import { assertNumber } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';

/**
 * The built-in content and style images of `stylize`, so that it runs with no files: the content
 * is a light disc of radius `0.3·size` on a vertical blue gradient, the style diagonal orange and
 * dark stripes with a period of `size/4` pixels. Both are `[size, size, 3]` RGB in `[0, 1]`.
 *
 * @param size - Side in pixels, an integer ≥ 8; default 32.
 * @returns `{ content, style }`, new tensors owned by the caller.
 * @throws {@link @runge/tensor-ops!ValueError} for a size below 8 or not an integer.
 * @example
 * ```ts
 * const { content, style } = builtInStylePair(32);
 * content.shape; // [32, 32, 3]
 * ```
 */
export function builtInStylePair(size = 32): { content: tf.Tensor3D; style: tf.Tensor3D } {
  const n = assertNumber(size, 'size', { min: 8, integer: true });
  const content = new Float32Array(n * n * 3);
  const style = new Float32Array(n * n * 3);
  const period = n / 4;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const k = 3 * (i * n + j);
      const dy = (i + 0.5) / n - 0.5;
      const dx = (j + 0.5) / n - 0.5;
      const inside = dx * dx + dy * dy < 0.09;
      const shade = i / (n - 1);
      content[k] = inside ? 0.95 : 0.1;
      content[k + 1] = inside ? 0.9 : 0.2 + 0.3 * shade;
      content[k + 2] = inside ? 0.8 : 0.5 + 0.4 * shade;
      const band = Math.floor((i + j) / period) % 2 === 0;
      style[k] = band ? 0.95 : 0.15;
      style[k + 1] = band ? 0.55 : 0.1;
      style[k + 2] = band ? 0.1 : 0.1;
    }
  }
  return {
    content: tf.tensor3d(content, [n, n, 3]),
    style: tf.tensor3d(style, [n, n, 3]),
  };
}

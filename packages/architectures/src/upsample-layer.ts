// The nearest-neighbour upsampling layer: every pixel of a feature map repeated into a factor × factor block.
import { ConfigError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { checkKeys, readNumber } from './internal/config-values.js';
import { COMMON_KEYS, type LayerType, requireImage } from './internal/layer-type.js';
import type { Layer } from './layer.js';

/**
 * Nearest-neighbour upsampling by an integer `factor` `s` on NHWC feature maps:
 * `y[b, i, j, c] = x[b, ⌊i/s⌋, ⌊j/s⌋, c]`, `[H, W, C] → [s·H, s·W, C]`. Its adjoint (the
 * gradient) sums each `s × s` block. It is TF.js's `resizeNearestNeighbor` without corner
 * alignment or half-pixel centres, whose forward and gradient kernels exist on the cpu, wasm and
 * native backends. A DCGAN generator follows each upsampling with a 3×3 convolution.
 *
 * @param x - `[batch, H, W, C]`.
 * @param factor - The integer `s ≥ 1`.
 * @returns `[batch, s·H, s·W, C]`, a new tensor (intermediates in the caller's scope).
 * @throws {@link @runge/tensor-ops!ConfigError} when `factor` is not a positive integer.
 * @example
 * ```ts
 * upsampleNearest(tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]), 2);
 * // [[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]] as [1, 4, 4, 1]
 * ```
 */
export function upsampleNearest(x: tf.Tensor4D, factor: number): tf.Tensor4D {
  if (!Number.isInteger(factor) || factor < 1) {
    throw new ConfigError(`upsampleNearest: factor must be a positive integer, got ${factor}`);
  }
  if (factor === 1) return tf.clone(x);
  const [, h, w] = x.shape;
  // With alignCorners and halfPixelCenters off, output pixel i reads input ⌊i·h/(s·h)⌋ = ⌊i/s⌋.
  return tf.image.resizeNearestNeighbor(x, [factor * h, factor * w], false, false);
}

/**
 * Nearest-neighbour upsampling of feature maps by an integer factor (see
 * {@link upsampleNearest}): `[H, W, C] → [s·H, s·W, C]`. No parameters.
 *
 * @example
 * ```json
 * { "type": "upsample", "factor": 2 }
 * ```
 */
export interface UpsampleLayerConfig {
  readonly type: 'upsample';
  /** Layer name (default `upsample_<index>`). */
  readonly name?: string;
  /** The integer factor `s`; default 2. */
  readonly factor?: number;
}

/** The `'upsample'` layer type. */
export const upsampleLayerType: LayerType = {
  type: 'upsample',
  keys: ['factor'],
  build(raw, input, name, where): Layer {
    const config = checkKeys(raw, [...COMMON_KEYS, 'factor'], where);
    const [h, w, c] = requireImage(input, where, 'an upsample layer');
    const factor = readNumber(config, 'factor', where, { min: 1, integer: true }, 2);
    return {
      name,
      type: 'upsample',
      config: { type: 'upsample', name, factor },
      inputShape: input.shape,
      outputShape: [factor * h, factor * w, c],
      params: [],
      state: [],
      stochastic: false,
      apply(_p, x) {
        return { y: upsampleNearest(x as tf.Tensor4D, factor) };
      },
    };
  },
};

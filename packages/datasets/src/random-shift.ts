import { assertNumber, assertRank, type Rng } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Random translation of a batch of images (data augmentation): example `n` is moved by its own
 * integer offsets `(dyₙ, dxₙ)` drawn uniformly from `{−s, …, s}`, and the pixels that enter from
 * outside are 0:
 *
 * `out[n, i, j, c] = x[n, i + dyₙ, j + dxₙ, c]` where the index is inside the image, else 0.
 *
 * Offsets come from `rng`, so a training run that draws them from its checkpointed generator
 * stays reproducible (and resumes exactly). The crop is one `cropAndResize` on the zero-padded batch
 * (boxes at integer pixel positions, so the bilinear sampling returns the pixels themselves).
 *
 * @param x - Images `[n, H, W, C]`.
 * @param maxShift - Largest offset `s ≥ 0` in pixels along each axis (0 returns a copy).
 * @param rng - Seeded generator the offsets are drawn from (advanced by `2n` draws).
 * @returns The shifted images `[n, H, W, C]` (float32), a new tensor.
 * @throws {@link @runge/tensor-ops!ShapeError} when `x` is not rank 4.
 * @throws {@link @runge/tensor-ops!ValueError} when `maxShift` is not an integer ≥ 0.
 * @example
 * ```ts
 * const rng = Rng.fromSeed(1);
 * const moved = randomShift(batch.x, 2, rng); // each digit moved by up to 2 pixels
 * ```
 */
export function randomShift(x: tf.Tensor4D, maxShift: number, rng: Rng): tf.Tensor4D {
  assertRank(x, 4, 'x');
  const s = assertNumber(maxShift, 'maxShift', { min: 0, integer: true });
  const [n, h, w] = x.shape;
  if (s === 0) return tf.tidy(() => (x.dtype === 'float32' ? tf.clone(x) : tf.cast(x, 'float32')));
  // Sampling on a zero border one pixel wider than the largest shift keeps every sample point
  // strictly inside the padded image, where round-off in the box corners cannot push it out.
  const pad = s + 1;
  const hp = h + 2 * pad;
  const wp = w + 2 * pad;
  const boxes = new Float32Array(4 * n);
  for (let k = 0; k < n; k++) {
    const dy = rng.nextInt(-s, s + 1);
    const dx = rng.nextInt(-s, s + 1);
    // Normalised corners: the crop samples padded rows pad + dy + i, i = 0 … H − 1 (and columns).
    boxes[4 * k] = (pad + dy) / (hp - 1);
    boxes[4 * k + 1] = (pad + dx) / (wp - 1);
    boxes[4 * k + 2] = (pad + dy + h - 1) / (hp - 1);
    boxes[4 * k + 3] = (pad + dx + w - 1) / (wp - 1);
  }
  return tf.tidy(() => {
    const corners = tf.tensor2d(boxes, [n, 4]);
    const index = tf.range(0, n, 1, 'int32') as tf.Tensor1D;
    const image = x.dtype === 'float32' ? x : tf.cast(x, 'float32');
    const padded = tf.pad(image, [
      [0, 0],
      [pad, pad],
      [pad, pad],
      [0, 0],
    ]);
    return tf.image.cropAndResize(padded, corners, index, [h, w], 'bilinear', 0);
  });
}

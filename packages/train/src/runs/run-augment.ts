// The augmentation of training images a run configuration asks for: random shifts, by a physical length at every level.
import { randomShift } from '@runge/datasets';
import { ConfigError, type Rng } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import type { RunConfig } from './run-config.js';

/**
 * The shift of `data.shift` for inputs of rank `rank` (batch included): default 2 pixels for
 * images, none for feature vectors; images read row by row (`imageRows`) are shifted only when
 * `data.shift` asks for it.
 *
 * @throws {@link @runge/tensor-ops!ConfigError} when a shift is asked for feature vectors.
 */
export function shiftOf(config: RunConfig, rank: number, imageRows = false): number {
  const shift = config.data.shift;
  if (rank === 4) return shift ?? 2;
  if (imageRows) return shift ?? 0;
  if (shift !== undefined && shift > 0) {
    throw new ConfigError(
      `data.shift applies to image data; '${config.data.source}' gives feature vectors. Remove data.shift`,
    );
  }
  return 0;
}

/**
 * The augmentation of training batches a run configuration asks for, if any: every image moved
 * by random integer offsets in `{−s, …, s}` pixels along each axis (zero fill). With
 * `fullHeight`, the shift is a physical length: images of height `H` (a coarser level of a
 * multilevel run) move by up to `round(s · H / fullHeight)` pixels. With `imageRows`, batches
 * `[b, T, d]` are one-channel images `[b, T, d, 1]` read row by row, shifted as images.
 *
 * @param config - The run configuration (`data.shift`).
 * @param rank - Rank of the input batches (4 for images).
 * @param fullHeight - The full-resolution height, for multilevel runs.
 * @param imageRows - Whether rank-3 batches are images read row by row (`RunData.imageRows`).
 * @returns `(x, rng) => shifted x`, or `undefined` for no augmentation.
 * @example
 * ```ts
 * const augment = augmentOf(config, 4); // random 2-pixel shifts of MNIST batches
 * ```
 */
export function augmentOf(
  config: RunConfig,
  rank: number,
  fullHeight?: number,
  imageRows = false,
): ((x: tf.Tensor, rng: Rng) => tf.Tensor) | undefined {
  const shift = shiftOf(config, rank, imageRows);
  if (shift === 0) return undefined;
  if (rank === 3 && imageRows) {
    return (x, rng) =>
      tf.tidy(() => {
        const [b, t, d] = x.shape as [number, number, number];
        return tf.reshape(randomShift(tf.reshape(x, [b, t, d, 1]), shift, rng), [b, t, d]);
      });
  }
  if (fullHeight === undefined) return (x, rng) => randomShift(x as tf.Tensor4D, shift, rng);
  return (x, rng) =>
    randomShift(x as tf.Tensor4D, Math.round((shift * (x.shape[1] as number)) / fullHeight), rng);
}

import { assertNumber, assertTensor, formatShape, ShapeError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Per-channel statistics for {@link standardize}: plain numbers, so they can be stored with a
 * model (JSON) and applied to test or inference data later.
 */
export interface Standardization {
  /** Mean of each channel (the last axis). */
  readonly mean: readonly number[];
  /** Standard deviation of each channel, floored at `epsilon` (> 0). */
  readonly std: readonly number[];
}

/**
 * Per-channel mean and standard deviation of `x` over every axis but the last:
 * `μ_c = mean(x[..., c])`, `s_c = max(√(mean((x[..., c] − μ_c)²)), ε)` (population variance).
 * For images `[n, H, W, C]` the channels are the colour channels; for features `[n, d]` each
 * feature is a channel. Compute them on the training set only, then apply them to every split.
 *
 * @param x - A tensor of rank ≥ 1 (not disposed).
 * @param options - `epsilon`: floor of the standard deviation (default `1e-7`), so a constant
 *   channel maps to 0 instead of dividing by zero.
 * @returns `{ mean, std }` as arrays of numbers, one entry per channel (no tensors to dispose).
 * @throws {@link @runge/tensor-ops!ShapeError} when `x` is a scalar.
 * @example
 * ```ts
 * const stats = fitStandardization(train.x);         // on train only
 * const trainZ = mapInputs(train, (x) => standardize(x, stats));
 * const testZ = mapInputs(test, (x) => standardize(x, stats));
 * ```
 */
export function fitStandardization(
  x: tf.Tensor,
  options: { epsilon?: number } = {},
): Standardization {
  assertTensor(x, 'x');
  if (x.rank < 1)
    throw new ShapeError('x: expected rank >= 1 (channels on the last axis), got a scalar');
  const epsilon = assertNumber(options.epsilon ?? 1e-7, 'epsilon', { min: 0, exclusiveMin: true });
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
  const [mean, variance] = tf.tidy(() => {
    const m = tf.moments(tf.cast(x, 'float32'), axes);
    return [m.mean, m.variance];
  });
  const meanValues = Array.from(mean.dataSync());
  const stdValues = Array.from(variance.dataSync(), (v) =>
    Math.max(Math.sqrt(Math.max(v, 0)), epsilon),
  );
  tf.dispose([mean, variance]);
  return { mean: meanValues, std: stdValues };
}

/**
 * Standardises each channel: `z[..., c] = (x[..., c] − μ_c) / s_c` with statistics from
 * {@link fitStandardization}.
 *
 * @param x - `[..., C]` with `C` the number of channels in `stats` (not disposed).
 * @param stats - `{ mean, std }` with `C` entries each, `std > 0`.
 * @returns A new float32 tensor of the shape of `x`, owned by the caller.
 * @throws {@link @runge/tensor-ops!ShapeError} when the last dimension of `x` is not the number of channels.
 * @throws {@link @runge/tensor-ops!ValueError} when a statistic is not finite or a std is not positive.
 * @example
 * ```ts
 * const z = standardize(test.x, stats); // test standardised with the training statistics
 * z.dispose();
 * ```
 */
export function standardize(x: tf.Tensor, stats: Standardization): tf.Tensor {
  assertTensor(x, 'x');
  const channels = x.shape[x.rank - 1];
  if (x.rank < 1 || stats.mean.length !== channels || stats.std.length !== channels) {
    throw new ShapeError(
      `standardize: x ${formatShape(x.shape)} has ${channels ?? 0} channel(s) on its last axis, but stats has ${stats.mean.length} mean(s) and ${stats.std.length} std(s); fit them on data with the same channels`,
    );
  }
  stats.mean.forEach((m, i) => {
    assertNumber(m, `stats.mean[${i}]`);
  });
  stats.std.forEach((s, i) => {
    assertNumber(s, `stats.std[${i}]`, { min: 0, exclusiveMin: true });
  });
  return tf.tidy(() =>
    tf.div(
      tf.sub(tf.cast(x, 'float32'), tf.tensor1d(stats.mean as number[], 'float32')),
      tf.tensor1d(stats.std as number[], 'float32'),
    ),
  );
}

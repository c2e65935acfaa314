import { assertNumber, assertTensor, ShapeError, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Per-channel range for {@link normalize}: plain numbers (one per channel, or one for all).
 */
export interface MinMax {
  /** Smallest value of each channel (the last axis), or one number for every channel. */
  readonly min: number | readonly number[];
  /** Largest value of each channel, or one number for every channel. */
  readonly max: number | readonly number[];
}

/**
 * Per-channel minimum and maximum of `x` over every axis but the last.
 *
 * @param x - A tensor of rank ≥ 1 (not disposed).
 * @returns `{ min, max }` as arrays of numbers, one entry per channel (no tensors to dispose).
 * @throws {@link @runge/tensor-ops!ShapeError} when `x` is a scalar.
 * @example
 * ```ts
 * const range = fitMinMax(train.x);
 * const test01 = normalize(test.x, range); // test mapped with the training range
 * ```
 */
export function fitMinMax(x: tf.Tensor): { min: number[]; max: number[] } {
  assertTensor(x, 'x');
  if (x.rank < 1)
    throw new ShapeError('x: expected rank >= 1 (channels on the last axis), got a scalar');
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
  const [lo, hi] = tf.tidy(() => {
    const v = tf.cast(x, 'float32');
    return [tf.min(v, axes), tf.max(v, axes)];
  });
  const min = Array.from(lo.dataSync() as Float32Array);
  const max = Array.from(hi.dataSync() as Float32Array);
  tf.dispose([lo, hi]);
  return { min, max };
}

function perChannel(value: number | readonly number[], channels: number, name: string): number[] {
  const values = typeof value === 'number' ? new Array<number>(channels).fill(value) : [...value];
  if (values.length !== channels) {
    throw new ShapeError(
      `normalize: ${name} has ${values.length} entries but x has ${channels} channel(s) on its last axis`,
    );
  }
  values.forEach((v, i) => {
    assertNumber(v, `${name}[${i}]`);
  });
  return values;
}

/**
 * Maps each channel affinely to `[0, 1]`: `u[..., c] = (x[..., c] − min_c) / (max_c − min_c)`.
 * A channel with `max_c = min_c` maps to 0. Without `range`, the range is `fitMinMax(x)`, so the
 * result spans exactly `[0, 1]` per channel; pass the training range to map other splits
 * consistently (their values may then fall outside `[0, 1]`).
 *
 * @param x - `[..., C]` (not disposed).
 * @param range - `{ min, max }`, per channel or one number each (e.g. `{ min: 0, max: 255 }`
 *   for raw bytes); default the range of `x` itself.
 * @returns A new float32 tensor of the shape of `x`, owned by the caller.
 * @throws {@link @runge/tensor-ops!ShapeError} when per-channel arrays do not match the last dimension of `x`.
 * @throws {@link @runge/tensor-ops!ValueError} when a bound is not finite or `max_c < min_c`.
 * @example
 * ```ts
 * const pixels = normalize(rawBytes, { min: 0, max: 255 });
 * ```
 */
export function normalize(x: tf.Tensor, range?: MinMax): tf.Tensor {
  assertTensor(x, 'x');
  if (x.rank < 1)
    throw new ShapeError('x: expected rank >= 1 (channels on the last axis), got a scalar');
  const channels = x.shape[x.rank - 1] as number;
  const r = range ?? fitMinMax(x);
  const min = perChannel(r.min, channels, 'min');
  const max = perChannel(r.max, channels, 'max');
  const scale = max.map((hi, i) => {
    const width = hi - (min[i] as number);
    if (width < 0) {
      throw new ValueError(`normalize: max[${i}] = ${hi} is below min[${i}] = ${min[i]}`);
    }
    return width === 0 ? 1 : width;
  });
  return tf.tidy(() =>
    tf.div(
      tf.sub(tf.cast(x, 'float32'), tf.tensor1d(min, 'float32')),
      tf.tensor1d(scale, 'float32'),
    ),
  );
}

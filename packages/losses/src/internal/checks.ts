import {
  assertDtype,
  assertTensor,
  formatShape,
  type Rng,
  ShapeError,
  ValueError,
} from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';

/** Throws unless `x` is a live float32 tensor of rank ≥ `minRank`. */
export function assertFloat(x: unknown, name: string, minRank = 0): asserts x is tf.Tensor {
  assertTensor(x, name);
  assertDtype(x, 'float32', name);
  if (x.rank < minRank) {
    throw new ShapeError(
      `${name}: expected rank >= ${minRank}${minRank >= 2 ? ' with the batch on axis 0' : ''}, got rank ${x.rank} with shape ${formatShape(x.shape)}`,
    );
  }
}

/** Throws unless `a` and `b` (already checked tensors) have identical shapes. */
export function assertSameShapeNamed(
  a: tf.Tensor,
  b: tf.Tensor,
  nameA: string,
  nameB: string,
): void {
  const same = a.rank === b.rank && a.shape.every((d, i) => d === b.shape[i]);
  if (!same) {
    throw new ShapeError(
      `${nameB}: expected shape ${formatShape(a.shape)} (the shape of ${nameA}), got ${formatShape(b.shape)}`,
    );
  }
}

/** Throws unless `rng` looks like an `Rng` (duck-typed, so another copy's Rng works). */
export function assertRng(rng: unknown, name: string): asserts rng is Rng {
  const r = rng as Partial<Rng> | null | undefined;
  if (typeof r?.normal !== 'function' || typeof r?.uniform !== 'function') {
    throw new ValueError(
      `${name}: expected an Rng from @runge/tensor-ops, got ${rng === null ? 'null' : typeof rng}; create one with Rng.fromSeed(seed)`,
    );
  }
}

/** The axes `1, …, rank − 1`: everything but the batch axis. */
export function nonBatchAxes(rank: number): number[] {
  return Array.from({ length: rank - 1 }, (_, i) => i + 1);
}

/** Sum over every axis but the batch axis; a rank-1 tensor is returned as it is. */
export function sumPerSample(x: tf.Tensor): tf.Tensor1D {
  return (x.rank <= 1 ? x : tf.sum(x, nonBatchAxes(x.rank))) as tf.Tensor1D;
}

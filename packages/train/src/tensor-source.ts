import { assertTensor, ShapeError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import type { DataSource } from './problem.js';

/** A supervised batch: inputs and targets (labels or values). */
export interface Batch {
  /** Inputs, first axis the batch (e.g. `[b, 28, 28, 1]`). */
  readonly x: tf.Tensor;
  /** Targets, first axis the batch (e.g. labels `[b]`). */
  readonly y: tf.Tensor;
}

/**
 * A {@link DataSource} over in-memory tensors: `take(indices)` gathers the rows of `x` and `y`.
 * The source does not own `x` and `y`; dispose them when training is over.
 *
 * @param data - `x: [n, ...]` and `y: [n, ...]` with the same first dimension.
 * @returns The data source.
 * @throws {@link @runge/tensor-ops!ShapeError} when the first dimensions differ.
 * @example
 * ```ts
 * const train = tensorSource({ x: images, y: labels });
 * const batch = train.take(Int32Array.from([0, 1, 2])); // x: [3, 28, 28, 1], y: [3]
 * train.disposeBatch(batch);
 * ```
 */
export function tensorSource(data: { x: tf.Tensor; y: tf.Tensor }): DataSource<Batch> {
  assertTensor(data.x, 'x');
  assertTensor(data.y, 'y');
  const n = data.x.shape[0] ?? 0;
  if (data.y.shape[0] !== n) {
    throw new ShapeError(
      `x and y must have the same number of examples, got ${n} and ${data.y.shape[0]}`,
    );
  }
  return {
    size: n,
    take(indices) {
      return tf.tidy(() => {
        const idx = tf.tensor1d(indices, 'int32');
        return { x: tf.gather(data.x, idx), y: tf.gather(data.y, idx) };
      });
    },
    disposeBatch(batch) {
      tf.dispose([batch.x, batch.y]);
    },
  };
}

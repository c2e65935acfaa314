import { ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { assertDataset, type Dataset, withTensors } from './dataset.js';

/**
 * The examples of `dataset` at `indices`, in that order:
 * `x' = x[indices]`, `y' = y[indices]` (a gather along the first axis; an index may repeat).
 *
 * @param dataset - The source dataset (not modified, not disposed).
 * @param indices - Integers in `[0, size)`.
 * @param name - Name of the result; default the source's name.
 * @returns A new dataset of `indices.length` examples, owned by the caller
 *   (dispose with {@link disposeDataset}).
 * @throws {@link @runge/tensor-ops!ValueError} when an index is not an integer in `[0, size)`.
 * @example
 * ```ts
 * const first100 = subset(train, Int32Array.from({ length: 100 }, (_, i) => i));
 * ```
 */
export function subset(
  dataset: Dataset,
  indices: Int32Array | readonly number[],
  name: string = dataset.name,
): Dataset {
  assertDataset(dataset);
  const idx = Int32Array.from(indices);
  for (let i = 0; i < idx.length; i++) {
    const k = indices[i] as number;
    if (!Number.isInteger(k) || k < 0 || k >= dataset.size) {
      throw new ValueError(
        `indices[${i}]: expected an integer in [0, ${dataset.size}) for ${dataset.name}, got ${k}`,
      );
    }
  }
  const { x, y } = tf.tidy(() => {
    const t = tf.tensor1d(idx, 'int32');
    return { x: tf.gather(dataset.x, t), y: tf.gather(dataset.y, t) };
  });
  return withTensors(dataset, x, y, name);
}

import { assertTensor, formatShape, ShapeError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { assertDataset, type Dataset, withTensors } from './dataset.js';

/**
 * A dataset with the same targets and transformed inputs: `x' = f(x)`, `y' = y` (a clone, which
 * shares the data buffer). Use it to apply {@link standardize}, {@link normalize} or any tensor
 * function to a whole dataset.
 *
 * @param dataset - The source dataset (not modified, not disposed).
 * @param f - A function of the inputs returning a tensor with the same first dimension. It runs
 *   inside `tf.tidy`, so its intermediates are freed; its result is owned by the new dataset.
 * @param name - Name of the result; default the source's name.
 * @returns A new dataset owned by the caller (dispose with {@link disposeDataset}).
 * @throws {@link @runge/tensor-ops!ShapeError} when `f` changes the number of examples.
 * @example
 * ```ts
 * const stats = fitStandardization(train.x);
 * const testZ = mapInputs(test, (x) => standardize(x, stats));
 * ```
 */
export function mapInputs(
  dataset: Dataset,
  f: (x: tf.Tensor) => tf.Tensor,
  name: string = dataset.name,
): Dataset {
  assertDataset(dataset);
  const { x, y } = tf.tidy(() => {
    const out = f(dataset.x);
    assertTensor(out, 'mapInputs: the result of f');
    if (out.shape[0] !== dataset.size) {
      throw new ShapeError(
        `mapInputs: f must keep the ${dataset.size} examples on the first axis, got ${formatShape(out.shape)}`,
      );
    }
    // A clone makes the result independent even when f returns its input unchanged.
    return { x: tf.clone(out), y: tf.clone(dataset.y) };
  });
  return withTensors(dataset, x, y, name);
}

import { assertNumber, type Rng, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { assertDataset, type Dataset } from './dataset.js';
import { subset } from './subset.js';

/**
 * Splits a dataset at random into a training and a validation part. With
 * `p = rng.permutation(n)` and `m = round(fraction · n)`, the validation set holds the examples
 * `p[0 … m−1]` and the training set the rest `p[m … n−1]`, each in permutation order.
 *
 * @param dataset - The dataset to split (not modified, not disposed).
 * @param fraction - Share of examples for validation, in `(0, 1)`; both parts must be non-empty.
 * @param rng - The generator; advanced by one permutation.
 * @returns `{ train, validation }`: two new datasets owned by the caller (dispose each with
 *   {@link disposeDataset}), named `<name>/train` and `<name>/validation`.
 * @throws {@link @runge/tensor-ops!ValueError} when `fraction` is outside `(0, 1)` or leaves a part empty.
 * @example
 * ```ts
 * const { train, validation } = trainValidationSplit(all, 0.1, Rng.fromSeed(3));
 * ```
 */
export function trainValidationSplit(
  dataset: Dataset,
  fraction: number,
  rng: Rng,
): { train: Dataset; validation: Dataset } {
  assertDataset(dataset);
  assertNumber(fraction, 'fraction', { min: 0, max: 1, exclusiveMin: true, exclusiveMax: true });
  const n = dataset.size;
  const m = Math.round(fraction * n);
  if (m < 1 || m > n - 1) {
    throw new ValueError(
      `fraction: ${fraction} of ${n} examples gives ${m} for validation and ${n - m} for training; both must be at least 1`,
    );
  }
  const order = rng.permutation(n);
  const validation = subset(dataset, order.subarray(0, m), `${dataset.name}/validation`);
  try {
    const train = subset(dataset, order.subarray(m), `${dataset.name}/train`);
    return { train, validation };
  } catch (error) {
    tf.dispose([validation.x, validation.y]);
    throw error;
  }
}

import type { Rng } from '@runge/tensor-ops';
import { assertDataset, type Dataset } from './dataset.js';
import { subset } from './subset.js';

/**
 * The dataset in a seeded random order: `subset(dataset, rng.permutation(size))`. The same seed
 * gives the same order on every backend.
 *
 * @param dataset - The source dataset (not modified, not disposed).
 * @param rng - The generator; advanced by one permutation.
 * @returns A new dataset owned by the caller (dispose with {@link disposeDataset}).
 * @example
 * ```ts
 * const mixed = shuffle(train, Rng.fromSeed(7));
 * ```
 */
export function shuffle(dataset: Dataset, rng: Rng): Dataset {
  assertDataset(dataset);
  return subset(dataset, rng.permutation(dataset.size));
}

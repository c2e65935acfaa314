// The first examples of a data set: how `data.limit` and `data.testLimit` cap a run's training and test sets.
import { type Dataset, disposeDataset, subset } from '@runge/datasets';

/**
 * The first `n` examples of a dataset, `x' = x[0:n]`, `y' = y[0:n]` (all of it when `n` is absent
 * or at least its size, returned as it is); takes ownership of `ds`.
 *
 * @param ds - The dataset, `[size, …]` (disposed when a new one is returned).
 * @param n - The number of examples kept (`data.limit`, `data.testLimit`), or `undefined`.
 * @returns A dataset of `min(n, size)` examples, owned by the caller.
 * @example
 * ```ts
 * const train = firstExamples(parts.train, config.data.limit);
 * ```
 */
export function firstExamples(ds: Dataset, n: number | undefined): Dataset {
  if (n === undefined || n >= ds.size) return ds;
  const out = subset(
    ds,
    Int32Array.from({ length: n }, (_, i) => i),
  );
  disposeDataset(ds);
  return out;
}

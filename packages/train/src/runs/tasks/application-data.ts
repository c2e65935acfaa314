// The run data of the application tasks: a generated set split into training, validation and test parts from the run's seed.
import { type Dataset, disposeDataset, trainValidationSplit } from '@runge/datasets';
import type { Rng } from '@runge/tensor-ops';
import type { RunConfig } from '../run-config.js';
import type { RunData } from '../run-data.js';

/**
 * Splits a generated set as synthetic run data is split: a seeded fifth is the test set, and
 * `data.validation` of the rest is held out for validation (none when it is 0). Takes ownership
 * of `all`.
 *
 * @param config - The resolved run configuration (`data.validation`).
 * @param all - Every generated example, real-valued targets `[n, k]`.
 * @param rng - The generator of the splits.
 * @returns The run data, owned by the caller (`dispose()`).
 * @example
 * ```ts
 * const data = splitGenerated(config, noisyCurve({ n: 2000, rng }), rng.split());
 * ```
 */
export function splitGenerated(config: RunConfig, all: Dataset, rng: Rng): RunData {
  const { train: rest, validation: test } = trainValidationSplit(all, 0.2, rng.split());
  disposeDataset(all);
  let train = rest;
  let validation: Dataset | undefined;
  if (config.data.validation > 0) {
    const split = trainValidationSplit(rest, config.data.validation, rng.split());
    disposeDataset(rest);
    train = split.train;
    validation = split.validation;
  }
  return {
    train,
    ...(validation ? { validation } : {}),
    test,
    inputShape: train.x.shape.slice(1),
    outputs: (train.y.shape[1] as number | undefined) ?? 1,
    dispose() {
      disposeDataset(train);
      if (validation) disposeDataset(validation);
      disposeDataset(test);
    },
  };
}

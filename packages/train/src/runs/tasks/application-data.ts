// The run data of the application tasks: a generated set drawn from the run's seed and split into training, validation and test parts.
import { type Dataset, disposeDataset, trainValidationSplit } from '@runge/datasets';
import { Rng } from '@runge/tensor-ops';
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

/**
 * Draws the generated set of a run: `draw(data.points, g)` with `g` the first child of the run's
 * data generator `Rng.fromSeed(seed).split()`, which is returned to split the set (the same
 * draws every time it is asked for).
 *
 * @param config - The resolved run configuration (`seed`, `data.points`).
 * @param draw - `(n, rng) ↦` the `n` generated examples (and whatever else the task needs of them).
 * @returns What `draw` returned and the generator for {@link splitGenerated}.
 * @example
 * ```ts
 * const { drawn, rng } = drawGenerated(config, (n, rng) => sparseRegression({ n, rng, features: 20, relevant: 3 }));
 * ```
 */
export function drawGenerated<T>(
  config: RunConfig,
  draw: (n: number, rng: Rng) => T,
): { drawn: T; rng: Rng } {
  const rng = Rng.fromSeed(config.seed).split();
  return { drawn: draw(config.data.points, rng.split()), rng };
}

/**
 * The run data of a generated set: {@link drawGenerated} then {@link splitGenerated}.
 *
 * @param config - The resolved run configuration (`seed`, `data.points`, `data.validation`).
 * @param draw - `(n, rng) ↦` the `n` generated examples, real-valued targets `[n, k]`.
 * @returns The run data, owned by the caller (`dispose()`).
 * @example
 * ```ts
 * const data = generatedRunData(config, (n, rng) => noisyCurve({ n, rng, noise: 0.1 }));
 * ```
 */
export function generatedRunData(
  config: RunConfig,
  draw: (n: number, rng: Rng) => Dataset,
): RunData {
  const { drawn, rng } = drawGenerated(config, draw);
  return splitGenerated(config, drawn, rng);
}

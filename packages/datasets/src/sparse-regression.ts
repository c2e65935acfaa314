// A linear regression with many irrelevant features: the data on which an L1 input-selection layer must find the few that matter.
import { assertNumber, type Rng, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { createDataset, type Dataset } from './dataset.js';

/** Options of {@link sparseRegression}. */
export interface SparseRegressionOptions {
  /** Number of examples, an integer ≥ 1. */
  readonly n: number;
  /** The generator of the features, the choice of the relevant ones, their weights and the noise. */
  readonly rng: Rng;
  /** Features per example, F ≥ 1; default 20. */
  readonly features?: number;
  /** How many features the target depends on, 1 ≤ k ≤ F; default 3. */
  readonly relevant?: number;
  /** Standard deviation of the additive noise; default 0.1. */
  readonly noise?: number;
}

/** The data of {@link sparseRegression} and the truth behind it. */
export interface SparseRegression {
  /** `x: [n, F]` standard normal features, `y: [n, 1]` targets. */
  readonly dataset: Dataset;
  /** The indices of the relevant features, ascending. */
  readonly relevant: readonly number[];
  /** The weight `β_j` of every feature (zero for irrelevant ones), length F. */
  readonly coefficients: readonly number[];
}

/**
 * A sparse linear regression, `y = Σ_{j∈S} β_j x_j + s·z`: the features `x_j` and the noise `z`
 * are standard normal, the relevant set `S` is `k` features chosen at random among `F`, and each
 * relevant weight has magnitude uniform in `[1, 2]` and a random sign. Every other feature is
 * irrelevant, so a method that selects inputs (the `'input-selection'` layer of
 * @runge/architectures with an L1 penalty) should rank exactly `S` first.
 *
 * @param options - Size, generator, `features` F, `relevant` k, `noise` s.
 * @returns The dataset, the relevant indices and the weights; the caller owns the dataset.
 * @throws {@link @runge/tensor-ops!ValueError} for sizes out of range or negative noise.
 * @example
 * ```ts
 * const { dataset, relevant } = sparseRegression({ n: 1000, rng: Rng.fromSeed(1), features: 20 });
 * relevant.length; // 3
 * ```
 */
export function sparseRegression(options: SparseRegressionOptions): SparseRegression {
  const n = assertNumber(options.n, 'n', { min: 1, integer: true });
  const features = assertNumber(options.features ?? 20, 'features', { min: 1, integer: true });
  const k = assertNumber(options.relevant ?? 3, 'relevant', { min: 1, integer: true });
  if (k > features) {
    throw new ValueError(
      `relevant: ${k} relevant features among ${features}; use at most as many as there are features`,
    );
  }
  const noise = assertNumber(options.noise ?? 0.1, 'noise', { min: 0 });
  const { rng } = options;
  const relevant = Array.from(rng.permutation(features).slice(0, k)).sort((a, b) => a - b);
  const coefficients = new Array<number>(features).fill(0);
  for (const j of relevant) {
    coefficients[j] = (1 + rng.nextFloat()) * (rng.nextFloat() < 0.5 ? -1 : 1);
  }
  const x = new Float32Array(n * features);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let target = 0;
    for (let j = 0; j < features; j++) {
      const v = rng.nextNormal();
      x[i * features + j] = v;
      target += (coefficients[j] as number) * v;
    }
    y[i] = target + noise * rng.nextNormal();
  }
  return {
    dataset: createDataset({
      x: tf.tensor2d(x, [n, features], 'float32'),
      y: tf.tensor2d(y, [n, 1], 'float32'),
      name: 'sparse-regression',
    }),
    relevant,
    coefficients,
  };
}

// The data of the GBM generative tasks: log-returns of geometric Brownian motion paths, standardised by their exact law.
import {
  createDataset,
  type Dataset,
  disposeDataset,
  gbmPaths,
  trainValidationSplit,
} from '@runge/datasets';
import { Rng } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { firstExamples } from '../first-examples.js';
import type { GenerativeConfig } from '../generative-config.js';
import type { RunConfig } from '../run-config.js';
import type { RunData } from '../run-data.js';

/**
 * The exact law of one GBM log-return, `r ~ N(m, s²)` with `m = (μ − σ²/2)Δ` and `s = σ√Δ`
 * (docs: /math/generative#gbm): the standardisation `x = (r − m)/s` the GAN tasks learn in.
 *
 * @param gbm - The `generative.gbm` settings.
 * @returns `{ mean: m, std: s }`.
 * @example
 * ```ts
 * gbmReturnLaw({ paths: 100, steps: 16, dt: 0.25, mu: 0.3, sigma: 0.2 }); // { mean: 0.07, std: 0.1 }
 * ```
 */
export function gbmReturnLaw(gbm: GenerativeConfig['gbm']): { mean: number; std: number } {
  return {
    mean: (gbm.mu - 0.5 * gbm.sigma * gbm.sigma) * gbm.dt,
    std: gbm.sigma * Math.sqrt(gbm.dt),
  };
}

/**
 * Draws `generative.gbm.paths` GBM paths from the run's seed (`S₀ = 1`), takes their log-returns
 * `r_t = log(S_{t+1}/S_t)` and standardises them by the exact law ({@link gbmReturnLaw}), so each
 * example is a vector of `steps` values that are i.i.d. `N(0, 1)` in law. A fifth of the paths is
 * the test set and `data.validation` of the rest the validation set (`data.limit` and
 * `data.testLimit` keep the first examples of the training and test sets). The targets `y` are zeros
 * `[n, 1]` (a generative task has none).
 *
 * @param config - The resolved run configuration.
 * @returns The run data (`inputShape [steps]`), owned by the caller.
 * @example
 * ```ts
 * const data = await loadGbmData(resolveRunConfig({ task: 'wgan-gbm' }));
 * data.train.x.shape; // [2880, 16]
 * data.dispose();
 * ```
 */
export async function loadGbmData(config: RunConfig): Promise<RunData> {
  const gbm = config.generative.gbm;
  const rng = Rng.fromSeed(config.seed).split();
  const { mean, std } = gbmReturnLaw(gbm);
  const x = tf.tidy(() => {
    const S = gbmPaths({ ...gbm, s0: 1, rng: rng.split() });
    const logS = tf.log(S);
    const returns = tf.sub(
      tf.slice(logS, [0, 1], [gbm.paths, gbm.steps]),
      tf.slice(logS, [0, 0], [gbm.paths, gbm.steps]),
    );
    return tf.div(tf.sub(returns, mean), std);
  });
  const all = createDataset({ x, y: tf.zeros([gbm.paths, 1]), name: 'gbm' });
  let parts: { train: Dataset; validation: Dataset };
  try {
    parts = trainValidationSplit(all, 0.2, rng.split());
  } finally {
    disposeDataset(all);
  }
  const test = firstExamples(parts.validation, config.data.testLimit);
  let train = firstExamples(parts.train, config.data.limit);
  let validation: Dataset | undefined;
  if (config.data.validation > 0) {
    try {
      const split = trainValidationSplit(train, config.data.validation, rng.split());
      disposeDataset(train);
      train = split.train;
      validation = split.validation;
    } catch (e) {
      disposeDataset(train);
      disposeDataset(test);
      throw e;
    }
  }
  return {
    train,
    ...(validation ? { validation } : {}),
    test,
    inputShape: [gbm.steps],
    outputs: gbm.steps,
    dispose() {
      disposeDataset(train);
      if (validation) disposeDataset(validation);
      disposeDataset(test);
    },
  };
}

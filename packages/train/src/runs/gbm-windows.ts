// The data of the quantile-gbm task: simulated GBM paths cut into windows of past log-returns and the next return, split by path.
import { createDataset, type Dataset, gbmPaths } from '@runge/datasets';
import { ConfigError, Rng } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { firstExamples } from './first-examples.js';
import type { RunConfig } from './run-config.js';

/**
 * The market the GBM paths are drawn from: daily steps `Δ = 1/252`, drift `μ = 0.05`, volatility
 * `σ = 0.2`, start `S₀ = 100`. The log-returns are i.i.d. `N((μ − σ²/2)Δ, σ²Δ)`, so the exact
 * α-quantile of the next value is `S_t exp((μ − σ²/2)Δ + σ√Δ Φ⁻¹(α))`.
 *
 * @example
 * ```ts
 * GBM_MARKET.sigma; // 0.2
 * ```
 */
export const GBM_MARKET = Object.freeze({ dt: 1 / 252, mu: 0.05, sigma: 0.2, s0: 100 });

/** The windows of the quantile-gbm task and what turns them back into prices. */
export interface GbmWindows {
  /** Training windows: `x: [n, window, 1]` standardised log-returns, `y: [n, 1]` the next one. */
  readonly train: Dataset;
  /** Validation windows (a share of the training paths), when `data.validation > 0`. */
  readonly validation?: Dataset;
  /** Windows of the held-out test paths. */
  readonly test: Dataset;
  /** Mean and standard deviation of the training log-returns (`r = mean + std · z`). */
  readonly mean: number;
  /** See `mean`. */
  readonly std: number;
  /** The test paths' prices `[paths][pathSteps + 1]`, for plots. */
  readonly testPaths: readonly (readonly number[])[];
}

/** Windows of every path in `rows` (standardised returns `z[p][j]`), in path order. */
function windowsOf(
  z: readonly Float64Array[],
  rows: readonly number[],
  window: number,
  name: string,
): Dataset {
  const steps = (z[0] as Float64Array).length;
  const per = steps - window;
  const x = new Float32Array(rows.length * per * window);
  const y = new Float32Array(rows.length * per);
  let k = 0;
  for (const p of rows) {
    const zp = z[p] as Float64Array;
    for (let j = window; j < steps; j++) {
      for (let i = 0; i < window; i++) x[k * window + i] = zp[j - window + i] as number;
      y[k] = zp[j] as number;
      k++;
    }
  }
  return createDataset({
    x: tf.tensor3d(x, [k, window, 1]),
    y: tf.tensor2d(y, [k, 1]),
    name,
  });
}

/**
 * Simulates `data.points` GBM paths of `sequence.pathSteps` steps ({@link GBM_MARKET}) from the
 * run's seed and cuts every path into examples: the `sequence.window` past log-returns, and the
 * next one as the target, all standardised by the training returns' mean and standard
 * deviation. The last fifth of the paths is the test set (held-out paths, never seen in
 * training); `data.validation` of the rest validates. `data.limit` and `data.testLimit` keep the
 * first training and test windows (path by path).
 *
 * @param config - The run configuration.
 * @returns The datasets (owned by the caller) and the standardisation.
 * @throws {@link @runge/tensor-ops!ConfigError} when the paths are too short for the window or
 *   too few to split.
 * @example
 * ```ts
 * const w = gbmWindows(resolveRunConfig({ task: 'quantile-gbm', data: { source: 'gbm' } }));
 * w.train.x.shape; // [n, 10, 1]
 * ```
 */
export function gbmWindows(config: RunConfig): GbmWindows {
  const { window, pathSteps } = config.sequence;
  const paths = config.data.points;
  if (pathSteps <= window) {
    throw new ConfigError(
      `sequence.pathSteps ${pathSteps} leaves no target after a window of ${window} returns; use sequence.pathSteps > sequence.window`,
    );
  }
  const nTest = Math.floor(paths / 5);
  const nVal = Math.round(config.data.validation * (paths - nTest));
  if (nTest < 1 || paths - nTest - nVal < 1) {
    throw new ConfigError(
      `data.points ${paths} GBM paths are too few to hold out a fifth for testing and train on the rest; use at least 5`,
    );
  }
  const S = gbmPaths({
    paths,
    steps: pathSteps,
    ...GBM_MARKET,
    rng: Rng.fromSeed(config.seed).split(),
  });
  const prices = S.arraySync();
  S.dispose();
  const returns = prices.map((row) =>
    Float64Array.from({ length: pathSteps }, (_, j) =>
      Math.log((row[j + 1] as number) / (row[j] as number)),
    ),
  );
  const trainRows = Array.from({ length: paths - nTest - nVal }, (_, i) => i);
  const valRows = Array.from({ length: nVal }, (_, i) => paths - nTest - nVal + i);
  const testRows = Array.from({ length: nTest }, (_, i) => paths - nTest + i);
  let sum = 0;
  let sumSq = 0;
  for (const p of trainRows) {
    for (const r of returns[p] as Float64Array) {
      sum += r;
      sumSq += r * r;
    }
  }
  const count = trainRows.length * pathSteps;
  const mean = sum / count;
  const std = Math.sqrt(Math.max(sumSq / count - mean * mean, 1e-300));
  const z = returns.map((r) => r.map((v) => (v - mean) / std));
  return {
    train: firstExamples(windowsOf(z, trainRows, window, 'gbm/train'), config.data.limit),
    ...(nVal > 0 ? { validation: windowsOf(z, valRows, window, 'gbm/validation') } : {}),
    test: firstExamples(windowsOf(z, testRows, window, 'gbm/test'), config.data.testLimit),
    mean,
    std,
    testPaths: testRows.map((p) => prices[p] as number[]),
  };
}

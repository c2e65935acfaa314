// The mc-dropout task: a regressor with dropout kept on at prediction gives predictive intervals by Monte-Carlo sampling; the coverage of its 90 % interval on held-out targets is its calibration.
import { applyForward } from '@runge/architectures';
import { noisyCurve } from '@runge/datasets';
import { Rng } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { regression } from '../../regression.js';
import type { RunConfig } from '../run-config.js';
import type { RunData } from '../run-data.js';
import { generatedRunData } from './application-data.js';
import { networkOptions } from './network-options.js';
import { mainNetwork, type RunTask, type TaskNetwork } from './run-task.js';

/** The standard normal quantile of 0.95: `μ ± Z₉₀·s` holds 90 % of `N(μ, s²)`. */
const Z90 = 1.6448536269514722;

/** Monte-Carlo predictive figures of a dataset. */
interface Predictive {
  /** Gaussian negative log-likelihood of the targets under `N(μ̄, v)`. */
  readonly nll: number;
  /** Root mean squared error of the predictive mean `μ̄`. */
  readonly rmse: number;
  /** Share of targets inside the calibrated interval `μ̄ ± κ Z₉₀ √v`. */
  readonly coverage: number;
  /** Share of targets inside the interval `μ̄ ± Z₉₀ √v` before the scale κ. */
  readonly rawCoverage: number;
  /** Mean width `2 κ Z₉₀ √v` of the calibrated 90 % interval. */
  readonly width: number;
  /** The scale κ of the interval, from the calibration set. */
  readonly scale: number;
  /** The noise variance `s²` (aleatoric part of `v`). */
  readonly aleatoric: number;
  /** Mean spread of the sampled predictions `Var_t[μ_t]` (epistemic part of `v`). */
  readonly epistemic: number;
}

/** Examples: inputs and targets. */
type Examples = { readonly x: tf.Tensor; readonly y: tf.Tensor };

/**
 * `T` forward passes with fresh dropout masks: the mean `μ̄ = mean_t μ_t` and the spread
 * `var_t μ_t` per example, with the targets.
 */
function sample(
  net: TaskNetwork,
  data: Examples,
  samples: number,
  seed: number,
): { mean: Float32Array; spread: Float32Array; y: Float32Array } {
  const rng = Rng.fromSeed(seed);
  const [m, v] = tf.tidy(() => {
    const mus: tf.Tensor[] = [];
    for (let t = 0; t < samples; t++) {
      const { y, state } = applyForward(net.model.apply, net.params, data.x, {
        training: false,
        rng: rng.split(),
        state: net.state,
      });
      if (state) tf.dispose(Object.values(state as Record<string, tf.Tensor>));
      mus.push(tf.reshape(y, [-1]));
    }
    const mu = tf.stack(mus);
    const mean = tf.mean(mu, 0);
    return [mean, tf.mean(tf.square(tf.sub(mu, mean)), 0)];
  }) as [tf.Tensor, tf.Tensor];
  const out = {
    mean: m.dataSync() as Float32Array,
    spread: v.dataSync() as Float32Array,
    y: data.y.dataSync() as Float32Array,
  };
  tf.dispose([m, v]);
  return out;
}

/** What a calibration set fixes: the noise variance and the interval's scale. */
interface Calibration {
  readonly noise: number;
  readonly scale: number;
}

/**
 * Calibrates the predictive distribution on held-out data: the noise variance
 * `s² = mean (y − μ̄)² − mean var_t μ_t` (at least 1e-12), so that `v = s² + var_t μ_t` matches the
 * squared error on average (the model precision of Monte-Carlo dropout chosen on held-out data),
 * and the scale `κ = q₀.₉ / Z₉₀` with `q₀.₉` the 90 % quantile of `|y − μ̄| / √v`, so that
 * `μ̄ ± κ Z₉₀ √v` holds 90 % of the calibration targets (κ = 1 when the residuals are normal
 * with variance `v`).
 */
function calibrate(net: TaskNetwork, data: Examples, samples: number, seed: number): Calibration {
  const { mean, spread, y } = sample(net, data, samples, seed);
  let sq = 0;
  let sp = 0;
  for (let i = 0; i < y.length; i++) {
    sq += ((y[i] as number) - (mean[i] as number)) ** 2;
    sp += spread[i] as number;
  }
  const noise = Math.max((sq - sp) / y.length, 1e-12);
  const z = Array.from(
    y,
    (v, i) => Math.abs(v - (mean[i] as number)) / Math.sqrt(noise + (spread[i] as number)),
  );
  z.sort((a, b) => a - b);
  const q = z[Math.min(z.length - 1, Math.ceil(0.9 * z.length) - 1)] as number;
  return { noise, scale: q / Z90 };
}

/**
 * The Monte-Carlo predictive distribution `N(μ̄, v)`, `v = s² + var_t μ_t`, judged against the
 * targets of `data`.
 */
function predictive(
  net: TaskNetwork,
  data: Examples,
  samples: number,
  seed: number,
  { noise, scale }: Calibration,
): Predictive {
  const { mean, spread, y } = sample(net, data, samples, seed);
  const n = y.length;
  let inside = 0;
  let insideRaw = 0;
  let sq = 0;
  let nll = 0;
  let width = 0;
  let epistemic = 0;
  for (let i = 0; i < n; i++) {
    const e = (y[i] as number) - (mean[i] as number);
    const vi = noise + (spread[i] as number);
    if (Math.abs(e) <= scale * Z90 * Math.sqrt(vi)) inside++;
    if (Math.abs(e) <= Z90 * Math.sqrt(vi)) insideRaw++;
    sq += e * e;
    nll += 0.5 * (Math.log(2 * Math.PI * vi) + (e * e) / vi);
    width += 2 * scale * Z90 * Math.sqrt(vi);
    epistemic += spread[i] as number;
  }
  return {
    nll: nll / n,
    rmse: Math.sqrt(sq / n),
    coverage: inside / n,
    rawCoverage: insideRaw / n,
    width: width / n,
    scale,
    aleatoric: noise,
    epistemic: epistemic / n,
  };
}

/** The run data of the task: the noisy curve split by the run's seed. */
function curveData(config: RunConfig): RunData {
  const { noise } = config.application.mcDropout;
  return generatedRunData(config, (n, rng) => noisyCurve({ n, rng, noise }));
}

/** Calibrates on the validation set (the training set without one), then judges `data`. */
function judge(net: TaskNetwork, run: RunData, data: Examples, config: RunConfig): Predictive {
  const { samples } = config.application.mcDropout;
  const calibration = calibrate(net, run.validation ?? run.train, samples, config.seed);
  return predictive(net, data, samples, config.seed + 1, calibration);
}

/**
 * Predictive intervals by Monte-Carlo dropout on a noisy curve (`noisyCurve` of @runge/datasets,
 * `y = sin(πx) + x/2 + s z`, `s = application.mcDropout.noise`): a network of two
 * `model.channels`-wide relu layers, each followed by dropout at `application.mcDropout.rate`
 * that stays on at prediction (`mcDropout: true`), trained on the mean squared error. Prediction
 * averages `samples` stochastic passes: `μ̄ = mean_t μ_t` and `v = s² + var_t μ_t` (noise plus the
 * model's own uncertainty), with the noise variance `s²` chosen on the validation set (the
 * training set without one) so that `v` matches the squared error there on average; the 90 %
 * interval is `μ̄ ± κ·1.645 √v`, its scale κ set on the same set so that it holds 90 % of those
 * targets. Its `coverage` of the held-out test targets (0.9 when calibrated) is reported with
 * `rawCoverage` (κ = 1), the interval's mean width, κ and the two parts of `v`. `data.source` is not used; `data.points` is the size of the set.
 * docs: /guide/applications#mc-dropout
 */
export const mcDropoutTask: RunTask = {
  name: 'mc-dropout',
  description:
    'Monte-Carlo dropout predictive intervals on a noisy curve; the coverage of the 90 % interval on held-out targets',
  targets: 'values',
  sources: [],
  headline: 'rmse',
  stepCycle: true,
  defaults: {
    data: { points: 6000, validation: 0.3 },
    model: { channels: 32 },
    train: { epochs: 4, batchSize: 128, optimizer: 'adam', lr: 0.02 },
  },
  async loadData(config: RunConfig) {
    return curveData(config);
  },
  networks(config) {
    const { rate } = config.application.mcDropout;
    const units = config.model.channels;
    return {
      model: {
        name: 'mc-dropout',
        input: [1],
        layers: [
          { type: 'dense', units, activation: 'relu' },
          { type: 'dropout', rate, mcDropout: true },
          { type: 'dense', units, activation: 'relu' },
          { type: 'dropout', rate, mcDropout: true },
          { type: 'dense', units: 1 },
        ],
      },
    };
  },
  problem(ctx) {
    return regression(networkOptions(ctx));
  },
  evaluate(nets, data, { config }) {
    const run = curveData(config);
    try {
      const r = judge(mainNetwork(nets), run, data, config);
      return {
        loss: r.nll,
        metrics: {
          rmse: r.rmse,
          coverage: r.coverage,
          rawCoverage: r.rawCoverage,
          width: r.width,
          scale: r.scale,
          aleatoric: r.aleatoric,
          epistemic: r.epistemic,
        },
        examples: data.size,
      };
    } finally {
      run.dispose();
    }
  },
  async report({ config, data, nets }) {
    const r = judge(mainNetwork(nets), data, data.test, config);
    return {
      files: [],
      summary: {
        level: 0.9,
        coverage: r.coverage,
        rawCoverage: r.rawCoverage,
        width: r.width,
        scale: r.scale,
        noise: config.application.mcDropout.noise,
        aleatoric: r.aleatoric,
        epistemic: r.epistemic,
      },
    };
  },
};

// The GAN and WGAN tasks on GBM log-returns: generator and critic networks, their two players, and the moment table of generated against real paths.
import type { Model, ModelConfig, ModelParams, ModelState } from '@runge/architectures';
import type { Dataset } from '@runge/datasets';
import {
  criticLoss,
  discriminatorLoss,
  generatorLossNonSaturating,
  gradientPenalty,
  wassersteinGeneratorLoss,
} from '@runge/losses';
import { ConfigError, Rng, type TensorTree } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import type { Player, TrainingProblem } from '../../problem.js';
import type { Batch } from '../../tensor-source.js';
import { nodeFs } from '../node-fs.js';
import { renderSvg } from '../plots/render-svg.js';
import type { RunConfig } from '../run-config.js';
import { writeFileAtomic } from '../run-dir.js';
import { gbmReturnLaw, loadGbmData } from './gbm-data.js';
import { ksStatistic } from './ks-statistic.js';
import { type LogReturnMoments, logReturnMoments } from './log-return-moments.js';
import type { RunTask, TaskEvaluation, TaskNetworks } from './run-task.js';

/** The two kinds of adversarial training: the GAN game with a discriminator, or the WGAN one with a critic. */
type GanKind = 'gan' | 'wgan';

/** The networks' state as fit keeps it for several networks: one entry per network. */
type GanState = { readonly generator: ModelState; readonly critic: ModelState };

/**
 * The generator and critic of a GAN on vectors of `steps` values:
 * - generator `z ∈ ℝ^latent ↦ x ∈ ℝ^steps`: `depth` dense ReLU layers of `hidden` units, then a
 *   linear layer;
 * - critic (discriminator) `x ↦ score ∈ ℝ`: `depth` dense ReLU layers of `hidden` units, then a
 *   linear score, every layer spectrally normalised when `spectralNorm` (so the critic is
 *   1-Lipschitz: ReLU is, and each layer's weight has largest singular value 1).
 *
 * @param config - The resolved run configuration (its `generative` section).
 * @param steps - The length of one example.
 * @returns `{ generator, critic }` model configs.
 * @example
 * ```ts
 * const { generator, critic } = ganNetworks(config, 16);
 * ```
 */
export function ganNetworks(
  config: RunConfig,
  steps: number,
): { generator: ModelConfig; critic: ModelConfig } {
  const g = config.generative;
  const sn = g.spectralNorm ? { spectralNorm: true } : {};
  const hidden = (extra: object) =>
    Array.from({ length: g.depth }, () => ({
      type: 'dense' as const,
      units: g.hidden,
      activation: 'relu' as const,
      ...extra,
    }));
  return {
    generator: {
      name: 'generator',
      input: [g.latent],
      layers: [...hidden({}), { type: 'dense', units: steps }],
    },
    critic: {
      name: 'critic',
      input: [steps],
      layers: [...hidden(sn), { type: 'dense', units: 1, ...sn }],
    },
  };
}

/** Draws `n` generator samples in evaluation mode, with a fixed seed. */
function generate(nets: TaskNetworks, n: number, seed: number): tf.Tensor2D {
  const { generator } = nets as { generator: TaskNetworks[string] };
  const latent = generator.model.inputShape[0] as number;
  return tf.tidy(() => {
    const z = Rng.fromSeed(seed).normal([n, latent]);
    return generator.model.apply(generator.params, z, { training: false, state: generator.state })
      .y as tf.Tensor2D;
  });
}

/** The moment table of generated against real returns (in log-return units, not standardised). */
export interface GanMomentTable {
  /** Moments of the real log-returns. */
  readonly real: LogReturnMoments;
  /** Moments of the generated log-returns. */
  readonly generated: LogReturnMoments;
  /** Two-sample Kolmogorov–Smirnov statistic of the pooled returns. */
  readonly ks: number;
}

/**
 * Compares generated and real standardised returns `[n, steps]` in log-return units
 * `r = m + s·x` (the exact GBM law, {@link gbmReturnLaw}): moments of both and the KS statistic.
 */
function momentTable(
  real: tf.Tensor,
  generated: tf.Tensor,
  config: RunConfig,
): { table: GanMomentTable; real: Float64Array; generated: Float64Array } {
  const { mean, std } = gbmReturnLaw(config.generative.gbm);
  const steps = real.shape[1] as number;
  const toReturns = (t: tf.Tensor) => Float64Array.from(t.dataSync(), (x) => mean + std * x);
  const r = toReturns(real);
  const g = toReturns(generated);
  return {
    table: {
      real: logReturnMoments(r, steps),
      generated: logReturnMoments(g, steps),
      ks: ksStatistic(r, g),
    },
    real: r,
    generated: g,
  };
}

/** Relative error `|a − b| / |b|`. */
function relative(a: number, b: number): number {
  return Math.abs(a - b) / Math.abs(b);
}

/** The figures of a moment table as metrics: KS, relative errors of mean and variance, lag-1 gap. */
function tableMetrics(table: GanMomentTable): Record<string, number> {
  return {
    ks: table.ks,
    meanError: relative(table.generated.mean, table.real.mean),
    varianceError: relative(table.generated.variance, table.real.variance),
    lag1Gap: Math.abs(table.generated.lag1 - table.real.lag1),
  };
}

/** Compares the generator's samples (as many as examples, from a fixed seed) with the returns `x` of a data set. */
function compare(
  nets: TaskNetworks,
  x: tf.Tensor,
  config: RunConfig,
): ReturnType<typeof momentTable> {
  const fake = generate(nets, x.shape[0] as number, config.seed + 7919);
  try {
    return momentTable(x, fake, config);
  } finally {
    fake.dispose();
  }
}

/** Price paths `S_t = exp(Σ_{u<t} r_u)`, `S₀ = 1`, of the first `count` series, as chart points. */
function pathPoints(
  returns: Float64Array,
  steps: number,
  count: number,
  series: string,
): { x: number; y: number; series: string; path: string }[] {
  const points: { x: number; y: number; series: string; path: string }[] = [];
  for (let p = 0; p < count && (p + 1) * steps <= returns.length; p++) {
    let logS = 0;
    points.push({ x: 0, y: 1, series, path: `${series} ${p}` });
    for (let t = 0; t < steps; t++) {
      logS += returns[p * steps + t] as number;
      points.push({ x: t + 1, y: Math.exp(logS), series, path: `${series} ${p}` });
    }
  }
  return points;
}

/** Builds the `gan-gbm` or `wgan-gbm` task. */
function gbmGanTask(kind: GanKind): RunTask {
  const wasserstein = kind === 'wgan';
  return {
    name: wasserstein ? 'wgan-gbm' : 'gan-gbm',
    description: wasserstein
      ? 'a WGAN (spectrally normalised critic, optional gradient penalty) learns GBM log-returns; moments and KS against real paths'
      : 'a GAN (non-saturating loss) learns GBM log-returns; moments and KS against real paths',
    targets: 'values',
    sources: ['gbm'],
    headline: 'ks',
    // Adversarial training oscillates less with Adam's β₁ = 0.5 than with the usual 0.9.
    defaults: { train: { optimizer: 'adam', momentum: 0.5, lr: 0.001 } },
    check(config, { source, name }) {
      if (config.data.source !== 'gbm' && config.data.source !== 'mnist') {
        throw new ConfigError(
          `${source}: ${name('data.source')} '${config.data.source}': the ${this.name} task draws its own GBM paths (the generative.gbm settings); leave data.source unset or use 'gbm'`,
        );
      }
      if (!wasserstein && config.generative.gradientPenalty > 0) {
        throw new ConfigError(
          `${source}: ${name('generative.gradientPenalty')} applies to the WGAN critic; use the task wgan-gbm`,
        );
      }
    },
    loadData: loadGbmData,
    networks(config, data) {
      return ganNetworks(config, data.inputShape[0] as number);
    },
    problem({ config, models, init, optimizer, learningRate }): TrainingProblem<Batch> {
      const G = models.generator as Model;
      const D = models.critic as Model;
      const g = config.generative;
      const latent = g.latent;
      const shared = {
        optimizer,
        learningRate,
        ...(config.train.clipNorm !== undefined ? { clipNorm: config.train.clipNorm } : {}),
        ...(config.train.weightDecay > 0 ? { weightDecay: config.train.weightDecay } : {}),
      };
      const criticPlayer: Player<Batch> = {
        ...shared,
        params: 'critic',
        repeat: g.criticSteps,
        loss(params, state, batch, ctx) {
          const s = state as unknown as GanState;
          const n = batch.x.shape[0] as number;
          const fake = G.apply(params.generator as ModelParams, ctx.rng.normal([n, latent]), {
            training: false,
            state: s.generator,
          });
          // Real and generated samples in one pass, so the power iteration advances once per step.
          const scored = D.apply(params.critic as ModelParams, tf.concat([batch.x, fake.y], 0), {
            training: true,
            state: s.critic,
          });
          const scores = tf.reshape(scored.y, [2 * n]);
          const real = tf.slice(scores, [0], [n]);
          const fakeScores = tf.slice(scores, [n], [n]);
          let loss = wasserstein
            ? criticLoss(real, fakeScores)
            : discriminatorLoss(real, fakeScores);
          if (wasserstein && g.gradientPenalty > 0) {
            const score = (x: tf.Tensor) =>
              D.apply(params.critic as ModelParams, x, { training: false, state: s.critic }).y;
            loss = tf.add(
              loss,
              gradientPenalty(score, batch.x, fake.y, ctx.rng, { weight: g.gradientPenalty }),
            ) as tf.Scalar;
          }
          const metrics: Record<string, tf.Scalar> = wasserstein
            ? { wasserstein: tf.sub(tf.mean(real), tf.mean(fakeScores)) as tf.Scalar }
            : {
                realScore: tf.mean(tf.sigmoid(real)) as tf.Scalar,
                fakeScore: tf.mean(tf.sigmoid(fakeScores)) as tf.Scalar,
              };
          return {
            loss,
            metrics,
            state: { generator: fake.state, critic: scored.state } as unknown as TensorTree,
          };
        },
      };
      const generatorPlayer: Player<Batch> = {
        ...shared,
        params: 'generator',
        loss(params, state, batch, ctx) {
          const s = state as unknown as GanState;
          const n = batch.x.shape[0] as number;
          const fake = G.apply(params.generator as ModelParams, ctx.rng.normal([n, latent]), {
            training: ctx.training,
            state: s.generator,
          });
          const scored = D.apply(params.critic as ModelParams, fake.y, {
            training: false,
            state: s.critic,
          });
          return {
            loss: wasserstein
              ? wassersteinGeneratorLoss(scored.y)
              : generatorLossNonSaturating(scored.y),
            state: { generator: fake.state, critic: scored.state } as unknown as TensorTree,
          };
        },
      };
      const nets = (params: Record<string, TensorTree>, state: TensorTree): TaskNetworks => {
        const s = state as unknown as GanState;
        return {
          generator: { model: G, params: params.generator as ModelParams, state: s.generator },
          critic: { model: D, params: params.critic as ModelParams, state: s.critic },
        };
      };
      return {
        params: {
          generator: init.generator?.params as ModelParams,
          critic: init.critic?.params as ModelParams,
        },
        state: {
          generator: init.generator?.state ?? {},
          critic: init.critic?.state ?? {},
        } as unknown as TensorTree,
        players: [criticPlayer, generatorPlayer],
        evaluate(params, state, data) {
          const batch = data.take(Int32Array.from({ length: data.size }, (_, i) => i));
          try {
            return tableMetrics(compare(nets(params, state), batch.x, config).table);
          } finally {
            data.disposeBatch(batch);
          }
        },
      };
    },
    evaluate(nets, data: Dataset, { config }): TaskEvaluation {
      const { table } = compare(nets, data.x, config);
      const metrics = tableMetrics(table);
      return {
        loss: metrics.ks as number,
        metrics: {
          ...metrics,
          realMean: table.real.mean,
          generatedMean: table.generated.mean,
          realVariance: table.real.variance,
          generatedVariance: table.generated.variance,
          realLag1: table.real.lag1,
          generatedLag1: table.generated.lag1,
        },
        examples: data.size,
      };
    },
    async report({ config, data, nets, dir }) {
      const { table, real, generated } = compare(nets, data.test.x, config);
      const summary = {
        real: { ...table.real },
        generated: { ...table.generated },
        ks: table.ks,
        ...tableMetrics(table),
      };
      if (dir === null) return { files: [], summary };
      const { fs, path } = nodeFs('writing the GAN report');
      const plots = path.join(dir, 'plots');
      await fs.mkdir(plots, { recursive: true });
      const steps = data.inputShape[0] as number;
      const points = [
        ...pathPoints(real, steps, 12, 'real'),
        ...pathPoints(generated, steps, 12, 'generated'),
      ];
      const svg = await renderSvg({
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        title: `GBM price paths: real and generated (${this.name})`,
        width: 480,
        height: 280,
        data: { values: points },
        mark: { type: 'line', opacity: 0.7 },
        encoding: {
          x: { field: 'x', type: 'quantitative', title: 'step' },
          y: { field: 'y', type: 'quantitative', title: 'S / S₀', scale: { zero: false } },
          color: { field: 'series', type: 'nominal', title: null },
          detail: { field: 'path', type: 'nominal' },
        },
      });
      const file = path.join(plots, 'paths.svg');
      await writeFileAtomic(file, svg);
      return { files: [file], summary };
    },
  };
}

/** `gan-gbm`: a GAN with the non-saturating loss learns the log-returns of GBM paths. */
export const ganGbmTask: RunTask = gbmGanTask('gan');

/** `wgan-gbm`: a WGAN with a spectrally normalised critic learns the log-returns of GBM paths. */
export const wganGbmTask: RunTask = gbmGanTask('wgan');

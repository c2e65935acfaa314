// The GAN and WGAN tasks on GBM log-returns (an MLP or ODE-flow generator): the moment table of generated against real paths and the plot of both.
import type { Dataset } from '@runge/datasets';
import { ConfigError } from '@runge/tensor-ops';
import type * as tf from '@tensorflow/tfjs-core';
import type { TrainingProblem } from '../../problem.js';
import type { Batch } from '../../tensor-source.js';
import { checkGenerativeNetwork } from '../generative-networks.js';
import { nodeFs } from '../node-fs.js';
import { renderSvg } from '../plots/render-svg.js';
import type { RunConfig } from '../run-config.js';
import { writeFileAtomic } from '../run-dir.js';
import { ganNetworks } from './gan-networks.js';
import { checkGanKind, type GanKind, ganProblem, generateSamples } from './gan-problem.js';
import { gbmReturnLaw, loadGbmData } from './gbm-data.js';
import { ksStatistic } from './ks-statistic.js';
import { type LogReturnMoments, logReturnMoments } from './log-return-moments.js';
import type { RunTask, TaskEvaluation, TaskNetworks } from './run-task.js';

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
  const fake = generateSamples(nets, x.shape[0] as number, config.seed + 7919);
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
      checkGanKind(kind, config, { source, name });
      checkGenerativeNetwork(config.generative.network, this.name, ['mlp', 'ode'], {
        source,
        name,
      });
    },
    loadData: loadGbmData,
    networks(config, data) {
      return ganNetworks(config, data.inputShape);
    },
    problem(ctx): TrainingProblem<Batch> {
      return ganProblem(kind, ctx, (nets, x) => tableMetrics(compare(nets, x, ctx.config).table));
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

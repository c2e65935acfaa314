// The quantile-gbm task: a recurrent cell forecasts the next value of GBM paths at P90 and P99 with the pinball loss, judged by coverage on held-out paths.
import type { ModelConfig } from '@runge/architectures';
import { disposeDataset } from '@runge/datasets';
import { quantileLoss } from '@runge/losses';
import { ConfigError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { predict } from '../../predict.js';
import { supervised } from '../../supervised.js';
import { gbmWindows } from '../gbm-windows.js';
import { nodeFs } from '../node-fs.js';
import { quantileBandsSpec } from '../plots/quantile-bands-chart.js';
import { renderSvg } from '../plots/render-svg.js';
import type { RunData } from '../run-data.js';
import { writeFileAtomic } from '../run-dir.js';
import { checkSequenceConfig, sequenceClipNorm } from '../sequence-config.js';
import { networkOptions } from './network-options.js';
import { mainNetwork, type RunTask } from './run-task.js';
import { sequenceModelConfig } from './sequence-model.js';

/**
 * The quantile levels the quantile-gbm task predicts: P90 and P99 of the next value (its 90 %
 * and 99 % value at risk, for a short position).
 *
 * @example
 * ```ts
 * VAR_LEVELS; // [0.9, 0.99]
 * ```
 */
export const VAR_LEVELS: readonly number[] = Object.freeze([0.9, 0.99]);

/** `'coverage90'`, `'coverage99'`: the metric of a level. */
const coverageName = (alpha: number): string => `coverage${Math.round(alpha * 100)}`;

/** Σ_k QL_{α_k}(q_k, y) of predictions `[n, levels]` against targets `[n, 1]`. */
function pinball(q: tf.Tensor, y: tf.Tensor): tf.Scalar {
  return tf.tidy(() =>
    tf.addN(
      VAR_LEVELS.map((alpha, k) =>
        quantileLoss(tf.slice(q, [0, k], [-1, 1]), y as tf.Tensor2D, alpha),
      ),
    ),
  ) as tf.Scalar;
}

/** Pinball loss and coverage (share of targets at or below each predicted quantile). */
function judge(q: tf.Tensor, y: tf.Tensor): { loss: number; coverage: number[] } {
  const loss = tf.tidy(() => pinball(q, y).dataSync()[0] as number);
  const qs = q.dataSync();
  const ys = y.dataSync();
  const levels = VAR_LEVELS.length;
  const coverage = VAR_LEVELS.map((_, k) => {
    let inside = 0;
    for (let i = 0; i < ys.length; i++)
      if ((ys[i] as number) <= (qs[i * levels + k] as number)) inside++;
    return inside / Math.max(ys.length, 1);
  });
  return { loss, coverage };
}

/**
 * Forecasting with quantiles: the recurrent cell `sequence.cell` reads the last
 * `sequence.window` log-returns of a GBM path and predicts the P90 and P99 of the next one
 * (hence of the next value, `S_{t+1} = S_t e^{r}`), trained with the summed pinball loss
 * `Σ_α QL_α` of @runge/losses, whose minimiser is the α-quantile. Judged on held-out paths by
 * the coverage: the share of next values at or below the predicted quantile, which tends to
 * the nominal level for a well-trained model. Defaults: 1000 paths, 16 hidden units, Adam at 0.02
 * with the cosine schedule, batches of 256, 4 epochs.
 */
export const quantileGbmTask: RunTask = {
  name: 'quantile-gbm',
  description:
    'GBM paths: the next value at P90 and P99 (pinball loss) by a recurrent cell; coverage on held-out paths',
  targets: 'values',
  sources: ['gbm'],
  headline: 'coverage99',
  stepCycle: true,
  defaults: {
    data: { source: 'gbm', points: 1000 },
    sequence: { units: 16 },
    train: { optimizer: 'adam', lr: 0.02, batchSize: 256, epochs: 4 },
  },
  check(config, ctx) {
    if (config.data.source !== 'gbm') {
      throw new ConfigError(
        `${ctx.source}: the quantile-gbm task forecasts simulated paths; set ${ctx.name('data.source')} 'gbm'`,
      );
    }
    if (config.data.resolution !== undefined || config.train.multilevel !== undefined) {
      throw new ConfigError(
        `${ctx.source}: ${ctx.name(config.data.resolution !== undefined ? 'data.resolution' : 'train.multilevel')} applies to image models, not to the quantile-gbm task`,
      );
    }
    checkSequenceConfig(config.sequence, ctx);
  },
  async loadData(config): Promise<RunData> {
    const { train, validation, test } = gbmWindows(config);
    return {
      train,
      ...(validation ? { validation } : {}),
      test,
      inputShape: train.x.shape.slice(1),
      outputs: VAR_LEVELS.length,
      dispose() {
        disposeDataset(train);
        if (validation) disposeDataset(validation);
        disposeDataset(test);
      },
    };
  },
  networks(config, data): Record<string, ModelConfig> {
    const shape = { inputShape: data.inputShape, outputs: VAR_LEVELS.length };
    return { model: sequenceModelConfig(config, 'quantile', shape) };
  },
  problem(ctx) {
    const options = networkOptions(ctx);
    return supervised(
      { ...options, clipNorm: sequenceClipNorm(ctx.config.train) },
      {
        learningRate: 0.01,
        loss: (q, batch) => ({ loss: pinball(q, batch.y) }),
        evaluate: (p, s, data) => {
          const batch = data.take(Int32Array.from({ length: data.size }, (_, i) => i));
          try {
            const q = predict(options.apply, p, s, batch.x);
            const { loss, coverage } = judge(q, batch.y);
            q.dispose();
            return {
              loss,
              ...Object.fromEntries(
                VAR_LEVELS.map((a, k) => [coverageName(a), coverage[k] as number]),
              ),
            };
          } finally {
            data.disposeBatch(batch);
          }
        },
      },
    );
  },
  evaluate(nets, data) {
    const { model, params, state } = mainNetwork(nets);
    const q = predict(model.apply, params, state, data.x);
    const { loss, coverage } = judge(q, data.y);
    q.dispose();
    return {
      loss,
      metrics: Object.fromEntries(
        VAR_LEVELS.map((a, k) => [coverageName(a), coverage[k] as number]),
      ),
      examples: data.size,
    };
  },
  async report({ config, data, nets, dir }) {
    const { model, params, state } = mainNetwork(nets);
    const q = predict(model.apply, params, state, data.test.x);
    const { coverage } = judge(q, data.test.y);
    const summary = {
      nominal: [...VAR_LEVELS],
      coverage: Object.fromEntries(
        VAR_LEVELS.map((a, k) => [`P${Math.round(a * 100)}`, coverage[k] as number]),
      ),
    };
    if (dir === null) {
      q.dispose();
      return { files: [], summary };
    }
    // Bands of the first two held-out paths: the predicted return quantiles back in prices,
    // q(S_j) = S_{j−1} exp(mean + std · q_z).
    const windows = gbmWindows(config);
    const { window, pathSteps } = config.sequence;
    const per = pathSteps - window;
    const qs = q.arraySync() as number[][];
    q.dispose();
    // Only paths whose every window was evaluated (data.testLimit may cut the last one short).
    const whole = Math.min(2, Math.floor(qs.length / per));
    const paths = windows.testPaths.slice(0, whole).map((prices, p) => ({
      label: `path ${p + 1}`,
      prices,
      start: window + 1,
      bands: Object.fromEntries(
        VAR_LEVELS.map((a, k) => [
          `P${Math.round(a * 100)}`,
          Array.from({ length: per }, (_, i) => {
            const z = qs[p * per + i]?.[k] as number;
            return (prices[window + i] as number) * Math.exp(windows.mean + windows.std * z);
          }),
        ]),
      ),
    }));
    for (const ds of [
      windows.train,
      windows.test,
      ...(windows.validation ? [windows.validation] : []),
    ]) {
      disposeDataset(ds);
    }
    const { fs, path } = nodeFs('writing plots');
    const plots = path.join(dir, 'plots');
    await fs.mkdir(plots, { recursive: true });
    const file = path.join(plots, 'quantile-bands.svg');
    await writeFileAtomic(file, await renderSvg(quantileBandsSpec(paths)));
    return { files: [file], summary };
  },
};

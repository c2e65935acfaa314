// The sequence-mnist task: the digits read row by row (28 steps of 28 pixels) by a recurrent cell, classified from its last state.
import type { Model, ModelConfig, ModelParams, ModelVariables } from '@runge/architectures';
import { createDataset, type Dataset, disposeDataset } from '@runge/datasets';
import { ConfigError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { classification } from '../../classification.js';
import type { RunConfig } from '../run-config.js';
import { loadRunData, type RunData } from '../run-data.js';
import { checkSequenceConfig, sequenceClipNorm } from '../sequence-config.js';
import { classificationTask } from './classification-task.js';
import type { RunTask } from './run-task.js';

/** Images `[n, H, W, 1]` as sequences `[n, H, W]`: row `t` is the input at step `t`. Takes ownership. */
function rowsAsSteps(ds: Dataset): Dataset {
  const [n, h, w] = ds.x.shape as [number, number, number, number];
  const out = createDataset({
    x: tf.reshape(ds.x, [n, h, w]),
    y: ds.y.clone(),
    name: `${ds.name} (rows as steps)`,
    ...(ds.numClasses !== undefined ? { numClasses: ds.numClasses } : {}),
  });
  disposeDataset(ds);
  return out;
}

/**
 * The model of a sequence-mnist run: `model.config` when given, else one sequence layer of
 * `sequence.cell` with `sequence.units` hidden units reading the rows (many-to-one), and a dense
 * head on its last state.
 *
 * @param config - The run configuration.
 * @param data - `inputShape` `[T, d]` and the number of classes.
 * @returns The model config.
 * @example
 * ```ts
 * sequenceClassifierConfig(resolveRunConfig({ task: 'sequence-mnist' }), { inputShape: [28, 28], outputs: 10 });
 * ```
 */
export function sequenceClassifierConfig(
  config: RunConfig,
  data: { readonly inputShape: readonly number[]; readonly outputs: number },
): ModelConfig {
  if (config.model.config) return config.model.config as unknown as ModelConfig;
  const s = config.sequence;
  return {
    name: `sequence-${s.cell}`,
    input: [...data.inputShape],
    layers: [
      {
        type: 'rnn',
        cell: s.cell,
        units: s.units,
        ...(s.epsilon !== undefined ? { epsilon: s.epsilon } : {}),
        ...(s.gamma !== undefined ? { gamma: s.gamma } : {}),
      },
      { type: 'dense', units: data.outputs },
    ],
  };
}

/**
 * Pixel-row MNIST (defaults: 128 hidden units, Adam at 0.003 with the cosine schedule, batches of
 * 128, 10 epochs): each digit is a sequence of its 28 rows (28 pixels each), read by the
 * recurrent cell `sequence.cell`; softmax cross-entropy on the last hidden state, gradients
 * clipped by global norm (`train.clipNorm`, default `SEQUENCE_CLIP_NORM`, τ = 1) with the norm
 * reported per epoch as `gradNorm`; judged by test accuracy and the confusion matrix.
 */
export const sequenceMnistTask: RunTask = {
  name: 'sequence-mnist',
  description:
    'MNIST read row by row (28 steps × 28 pixels) by a recurrent cell (--cell); test accuracy and confusion matrix',
  targets: 'classes',
  sources: ['mnist', 'idx'],
  headline: 'accuracy',
  defaults: {
    sequence: { units: 128 },
    train: { optimizer: 'adam', lr: 0.003, batchSize: 128, epochs: 10 },
  },
  check(config, ctx) {
    if (!this.sources.includes(config.data.source)) {
      throw new ConfigError(
        `${ctx.source}: ${ctx.name('data.source')} '${config.data.source}' is not a set of digit images; the sequence-mnist task reads ${this.sources.join(', ')}`,
      );
    }
    if (config.data.resolution !== undefined || config.train.multilevel !== undefined) {
      throw new ConfigError(
        `${ctx.source}: ${ctx.name(config.data.resolution !== undefined ? 'data.resolution' : 'train.multilevel')} applies to image models; the sequence-mnist task reads full-size rows`,
      );
    }
    checkSequenceConfig(config.sequence, ctx);
  },
  async loadData(config): Promise<RunData> {
    const images = await loadRunData(config, 'classes');
    const train = rowsAsSteps(images.train);
    const validation = images.validation ? rowsAsSteps(images.validation) : undefined;
    const test = rowsAsSteps(images.test);
    return {
      train,
      ...(validation ? { validation } : {}),
      test,
      inputShape: train.x.shape.slice(1),
      ...(images.numClasses !== undefined ? { numClasses: images.numClasses } : {}),
      outputs: images.outputs,
      dispose() {
        disposeDataset(train);
        if (validation) disposeDataset(validation);
        disposeDataset(test);
      },
    };
  },
  networks(config, data) {
    return { model: sequenceClassifierConfig(config, data) };
  },
  problem({ config, models, init, optimizer, learningRate }) {
    const { model } = models as { model: Model };
    const { params, state } = init.model as ModelVariables;
    return classification<ModelParams>({
      apply: model.apply,
      params,
      state,
      optimizer,
      learningRate,
      clipNorm: sequenceClipNorm(config.train),
      ...(config.train.weightDecay > 0 ? { weightDecay: config.train.weightDecay } : {}),
    });
  },
  evaluate: (nets, data, ctx) => classificationTask.evaluate(nets, data, ctx),
};

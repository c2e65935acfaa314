// The sequence-mnist task: the digits read row by row (28 steps of 28 pixels) by a recurrent cell, classified from its last state.
import { createDataset, type Dataset, disposeDataset } from '@runge/datasets';
import { ConfigError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { classification } from '../../classification.js';
import { loadRunData, type RunData } from '../run-data.js';
import { checkSequenceConfig, sequenceClipNorm } from '../sequence-config.js';
import { classificationTask } from './classification-task.js';
import { networkOptions } from './network-options.js';
import type { RunTask } from './run-task.js';
import { sequenceModelConfig } from './sequence-model.js';

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
  stepCycle: true,
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
      imageRows: true,
      dispose() {
        disposeDataset(train);
        if (validation) disposeDataset(validation);
        disposeDataset(test);
      },
    };
  },
  networks(config, data) {
    return { model: sequenceModelConfig(config, 'sequence', data) };
  },
  problem(ctx) {
    return classification({ ...networkOptions(ctx), clipNorm: sequenceClipNorm(ctx.config.train) });
  },
  evaluate: (nets, data, ctx) => classificationTask.evaluate(nets, data, ctx),
};

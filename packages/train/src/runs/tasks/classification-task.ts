// The classification task: class labels, softmax cross-entropy, accuracy and the confusion matrix.
import type { Model, ModelParams, ModelVariables } from '@runge/architectures';
import { ConfigError } from '@runge/tensor-ops';
import { classification, evaluateClassifier } from '../../classification.js';
import { tensorSource } from '../../tensor-source.js';
import { mainNetwork, type RunTask } from './run-task.js';

/** Learns class labels with softmax cross-entropy; judged by accuracy and the confusion matrix. */
export const classificationTask: RunTask = {
  name: 'classification',
  description: 'class labels: softmax cross-entropy; test accuracy and confusion matrix',
  targets: 'classes',
  sources: ['mnist', 'idx', 'cifar10', 'spirals', 'peaks', 'ellipses'],
  headline: 'accuracy',
  check(config, { source, name }) {
    if (!this.sources.includes(config.data.source)) {
      throw new ConfigError(
        `${source}: ${name('data.source')} '${config.data.source}' has no class labels; the classification task learns from ${this.sources.join(', ')}`,
      );
    }
  },
  problem({ config, models, init, optimizer, learningRate, augment }) {
    const { model } = models as { model: Model };
    const { params, state } = init.model as ModelVariables;
    return classification<ModelParams>({
      apply: model.apply,
      params,
      state,
      optimizer,
      learningRate,
      ...(augment ? { augment } : {}),
      ...(config.train.clipNorm !== undefined ? { clipNorm: config.train.clipNorm } : {}),
      ...(config.train.weightDecay > 0 ? { weightDecay: config.train.weightDecay } : {}),
    });
  },
  evaluate(nets, data) {
    const { model, params, state } = mainNetwork(nets);
    const result = evaluateClassifier(model.apply, params, state, tensorSource(data));
    return {
      loss: result.loss,
      metrics: { accuracy: result.accuracy },
      examples: result.examples,
      confusion: result.confusion,
    };
  },
};

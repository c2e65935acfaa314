// The classification task: class labels, softmax cross-entropy, accuracy and the confusion matrix.
import { ConfigError } from '@runge/tensor-ops';
import { classification, evaluateClassifier } from '../../classification.js';
import { tensorSource } from '../../tensor-source.js';
import { networkOptions } from './network-options.js';
import { mainNetwork, type RunTask } from './run-task.js';

/** Learns class labels with softmax cross-entropy; judged by accuracy and the confusion matrix. */
export const classificationTask: RunTask = {
  name: 'classification',
  description: 'class labels: softmax cross-entropy; test accuracy and confusion matrix',
  targets: 'classes',
  sources: ['mnist', 'idx', 'cifar10', 'spirals', 'peaks', 'ellipses'],
  headline: 'accuracy',
  stepCycle: true,
  check(config, { source, name }) {
    if (!this.sources.includes(config.data.source)) {
      throw new ConfigError(
        `${source}: ${name('data.source')} '${config.data.source}' has no class labels; the classification task learns from ${this.sources.join(', ')}`,
      );
    }
  },
  problem(ctx) {
    return classification(networkOptions(ctx));
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

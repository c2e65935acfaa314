// The options of a one-network supervised problem that a run task takes from its level: the model, its variables and the run's training settings.
import type { Model, ModelParams, ModelVariables } from '@runge/architectures';
import type { SupervisedOptions } from '../../supervised.js';
import { stepCycleApply } from '../step-cycle.js';
import type { TaskProblemContext } from './run-task.js';

/**
 * The settings of a run level that every one-network supervised problem shares: the forward pass
 * and variables of the network `model`, the optimiser, the learning rate, the augmentation and
 * the run's gradient clipping, weight decay and step cycle (`train.stepCycle`, see
 * {@link stepCycleApply}). A task adds its loss (`classification`,
 * `regression`, …).
 *
 * @param ctx - The task's problem context at one level.
 * @returns Options for `supervised` and the problems built on it.
 * @example
 * ```ts
 * problem(ctx) {
 *   return regression(networkOptions(ctx));
 * }
 * ```
 */
export function networkOptions(ctx: TaskProblemContext): SupervisedOptions<ModelParams> {
  const { config, models, init, optimizer, learningRate, augment } = ctx;
  const { model } = models as { model: Model };
  const { params, state } = init.model as ModelVariables;
  const trainingApply = stepCycleApply(model, config.train.stepCycle ?? [1]);
  return {
    apply: model.apply,
    ...(trainingApply ? { trainingApply } : {}),
    params,
    state,
    optimizer,
    learningRate,
    ...(augment ? { augment } : {}),
    ...(config.train.clipNorm !== undefined ? { clipNorm: config.train.clipNorm } : {}),
    ...(config.train.weightDecay > 0 ? { weightDecay: config.train.weightDecay } : {}),
  };
}

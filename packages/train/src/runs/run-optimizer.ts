// The optimisers a run configuration can name, and the optimiser and learning-rate schedule it asks for.
import type { Model } from '@runge/architectures';
import { adam } from '../adam.js';
import type { Optimizer } from '../optimizer.js';
import type { ScheduleConfig } from '../schedule.js';
import { sgd } from '../sgd.js';
import type { RunConfig } from './run-config.js';
import { secondOrderOptimizer } from './run-second-order.js';

/**
 * The optimiser a run configuration names (second-order ones with `train.secondOrder`;
 * `varpro` needs the model, whose last dense layer it solves for).
 *
 * @param config - The resolved run configuration.
 * @param model - The run's model (for `varpro`).
 * @returns The optimiser.
 * @example
 * ```ts
 * optimizerOf(resolveRunConfig({ train: { optimizer: 'adam' } })).config.type; // 'adam'
 * ```
 */
export function optimizerOf(config: RunConfig, model?: Model): Optimizer {
  switch (config.train.optimizer) {
    case 'sgd':
      return sgd();
    case 'momentum':
      return sgd({ momentum: config.train.momentum, nesterov: true });
    case 'adam':
      return adam({ beta1: config.train.momentum });
    default:
      return secondOrderOptimizer(
        config.train.optimizer,
        config.train.secondOrder,
        config.train.momentum,
        model,
      );
  }
}

/**
 * The learning-rate schedule of a run configuration over all its epochs, from the peak rate
 * `train.lr`: constant; cosine down to `lr/100`; step (×0.1 every third of the run); exponential
 * (a factor `0.01^(1/E)` per epoch, 100× over the `E` epochs).
 *
 * @example
 * ```ts
 * scheduleOf(resolveRunConfig({})); // { type: 'cosine', lr: 0.05, final: 0.0005 }
 * ```
 */
export function scheduleOf(config: RunConfig): ScheduleConfig {
  const { lr, epochs } = config.train;
  switch (config.train.schedule) {
    case 'constant':
      return { type: 'constant', lr };
    case 'cosine':
      return { type: 'cosine', lr, final: lr / 100 };
    case 'step':
      return { type: 'step', lr, factor: 0.1, every: Math.max(1, Math.round(epochs / 3)) };
    case 'exponential':
      return { type: 'exponential', lr, decay: 0.01 ** (1 / epochs) };
  }
}

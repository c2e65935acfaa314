// The check shared by the generative tasks on the MNIST digits: the data source is one they read and the network kind one they build.
import { ConfigError } from '@runge/tensor-ops';
import { checkGenerativeNetwork, type GenerativeNetwork } from '../generative-networks.js';
import type { RunConfig } from '../run-config.js';
import type { RunTask, TaskCheckContext } from './run-task.js';

/**
 * Checks a configuration of a task that learns the MNIST digits (`gan-mnist`, `wgan-mnist`,
 * `vae-mnist`): `data.source` must be one of the task's sources and `generative.network` one of
 * the kinds it builds.
 *
 * @param task - The task (its `name` and `sources`).
 * @param config - The resolved run configuration.
 * @param ctx - Where the configuration came from and how to name a setting.
 * @param networks - The network kinds the task builds.
 * @throws {@link @runge/tensor-ops!ConfigError} naming the setting and what the task takes.
 * @example
 * ```ts
 * checkDigitsTask(vaeMnistTask, config, { source: 'cli', name: (p) => p }, ['mlp', 'conv']);
 * ```
 */
export function checkDigitsTask(
  task: Pick<RunTask, 'name' | 'sources'>,
  config: RunConfig,
  ctx: TaskCheckContext,
  networks: readonly GenerativeNetwork[],
): void {
  if (!task.sources.includes(config.data.source)) {
    throw new ConfigError(
      `${ctx.source}: ${ctx.name('data.source')} '${config.data.source}': the ${task.name} task learns MNIST digits (${task.sources.join(', ')})`,
    );
  }
  checkGenerativeNetwork(config.generative.network, task.name, networks, ctx);
}

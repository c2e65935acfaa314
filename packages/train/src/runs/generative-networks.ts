// The kinds of network of the generative tasks, the one list their configurations, tasks and the CLI share, and the check that a task takes the kind asked for.
import { ConfigError } from '@runge/tensor-ops';

/**
 * What the networks of a generative task (`generative.network`) are built from:
 * - `mlp`: dense layers for every network (flattening images);
 * - `conv`: convolutions on images — a DCGAN-style generator (dense → `[H/4, W/4, 2F]`, two
 *   ×2 nearest-neighbour upsamplings each followed by a 3×3 convolution) and a critic of strided
 *   3×3 convolutions and a dense score (`gan-mnist`, `wgan-mnist`), or a convolutional encoder
 *   and decoder of the same shapes (`vae-mnist`);
 * - `ode`: a generator that is a flow (`gan-gbm`, `wgan-gbm`): the latent lifted to the path's
 *   dimension by a dense layer and carried by an ODE block (two-layer ResNet dynamics, forward
 *   Euler); the critic stays an MLP.
 *
 * @example
 * ```ts
 * GENERATIVE_NETWORKS.includes('conv'); // true
 * ```
 */
export const GENERATIVE_NETWORKS = Object.freeze(['mlp', 'conv', 'ode'] as const);

/** A name of {@link GENERATIVE_NETWORKS}. */
export type GenerativeNetwork = (typeof GENERATIVE_NETWORKS)[number];

/**
 * Checks that a task builds the kind of network a configuration asks for.
 *
 * @param network - `generative.network` of the configuration.
 * @param task - The task's name, for the message.
 * @param accepted - The kinds the task builds.
 * @param where - Where the setting came from and how it is named (the CLI adds its flag).
 * @throws {@link @runge/tensor-ops!ConfigError} naming the setting and the kinds the task takes.
 * @example
 * ```ts
 * checkGenerativeNetwork('conv', 'gan-gbm', ['mlp', 'ode'], { source: 'cli', name: (p) => p });
 * // ConfigError: cli: generative.network 'conv': the gan-gbm task builds 'mlp' or 'ode' networks
 * ```
 */
export function checkGenerativeNetwork(
  network: GenerativeNetwork,
  task: string,
  accepted: readonly GenerativeNetwork[],
  where: { readonly source: string; readonly name: (path: string) => string },
): void {
  if (!accepted.includes(network)) {
    throw new ConfigError(
      `${where.source}: ${where.name('generative.network')} '${network}': the ${task} task builds ${accepted.map((n) => `'${n}'`).join(' or ')} networks; choose one of them`,
    );
  }
}

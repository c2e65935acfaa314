// The generator and critic of the GAN tasks: MLPs, a DCGAN-style convolutional pair on images, or a generator that is an ODE flow.
import type { ModelConfig } from '@runge/architectures';
import { ConfigError, formatShape } from '@runge/tensor-ops';
import type { RunConfig } from '../run-config.js';
import {
  convImageShape,
  denseStack,
  downsamplingStack,
  upsamplingStack,
} from './network-stacks.js';

/**
 * The generator and critic (discriminator) of a GAN on examples of shape `shape` (`[steps]` for
 * paths, `[H, W, C]` for images), by `generative.network`:
 *
 * - `mlp`: generator `z ∈ ℝ^latent ↦ x`: `depth` dense ReLU layers of `hidden` units, a dense
 *   layer of `∏ shape` units (linear for paths, sigmoid for images, reshaped to `[H, W, C]`);
 *   critic `x ↦ score ∈ ℝ`: (flatten,) `depth` dense ReLU layers of `hidden` units, a linear score;
 * - `conv` (images, `H` and `W` divisible by 4; `F = filters`): generator dense
 *   `z ↦ ℝ^{(H/4)(W/4)·2F}` (ReLU) reshaped to `[H/4, W/4, 2F]`, ×2 nearest-neighbour upsampling,
 *   3×3 conv to `F` maps (ReLU), ×2 upsampling, 3×3 conv to `C` maps with a sigmoid, so pixels lie
 *   in `[0, 1]` like the data; critic: 3×3 stride-2 convs to `F` then `2F` maps (leaky ReLU,
 *   `[H/2, W/2, F]`, `[H/4, W/4, 2F]`), flatten, a linear score;
 * - `ode` (paths): generator dense `z ↦ Y(0) ∈ ℝ^steps`, then the ODE block
 *   `∂ₜY = K₂ relu(K₁ Y + b₁) + b₂` (`hidden` units, `4·depth` forward Euler steps on `[0, 1]`),
 *   output `Y(1)`: a generator that is a flow; the critic is the MLP one.
 *
 * With `spectralNorm`, every critic layer (dense and conv) divides its weight by its operator
 * norm, so with 1-Lipschitz activations (ReLU, leaky ReLU) the critic is 1-Lipschitz.
 *
 * @param config - The resolved run configuration (its `generative` section).
 * @param shape - One example's shape: `[steps]` or `[H, W, C]`.
 * @returns `{ generator, critic }` model configs.
 * @throws {@link @runge/tensor-ops!ConfigError} for `conv` on vectors or on images whose sides are not multiples of 4, and `ode` on images.
 * @example
 * ```ts
 * const { generator, critic } = ganNetworks(config, [28, 28, 1]); // generator: [latent] → [28, 28, 1]
 * ```
 */
export function ganNetworks(
  config: RunConfig,
  shape: readonly number[],
): { generator: ModelConfig; critic: ModelConfig } {
  const g = config.generative;
  const sn = g.spectralNorm ? { spectralNorm: true } : {};
  const image = shape.length === 3;
  const size = shape.reduce((a, b) => a * b, 1);
  const mlpCritic: ModelConfig = {
    name: 'critic',
    input: [...shape],
    layers: [
      ...(image ? [{ type: 'flatten' as const }] : []),
      ...denseStack(g.depth, g.hidden, sn),
      { type: 'dense', units: 1, ...sn },
    ],
  };
  if (g.network === 'mlp') {
    return {
      generator: {
        name: 'generator',
        input: [g.latent],
        layers: [
          ...denseStack(g.depth, g.hidden, {}),
          image
            ? { type: 'dense', units: size, activation: 'sigmoid' }
            : { type: 'dense', units: size },
          ...(image
            ? [{ type: 'reshape' as const, shape: shape as [number, number, number] }]
            : []),
        ],
      },
      critic: mlpCritic,
    };
  }
  if (g.network === 'ode') {
    if (image) {
      throw new ConfigError(
        `generative.network 'ode': the ODE-flow generator makes paths [steps], not images ${formatShape(shape)}; use 'conv' or 'mlp'`,
      );
    }
    return {
      generator: {
        name: 'generator',
        input: [g.latent],
        layers: [
          { type: 'dense', units: size },
          {
            type: 'ode',
            dynamics: 'resnet2',
            hidden: g.hidden,
            steps: 4 * g.depth,
            method: 'euler',
            activation: 'relu',
          },
        ],
      },
      critic: mlpCritic,
    };
  }
  const image3 = convImageShape(shape);
  return {
    generator: {
      name: 'generator',
      input: [g.latent],
      layers: upsamplingStack(image3, g.filters, 'sigmoid'),
    },
    critic: {
      name: 'critic',
      input: [...image3],
      layers: [
        ...downsamplingStack(g.filters, 'leakyRelu', sn),
        { type: 'dense', units: 1, ...sn },
      ],
    },
  };
}

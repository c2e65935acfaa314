// The second-order optimisers a run configuration can name (L-BFGS, Newton, Gauss–Newton, variable projection), their settings, and the optimiser each builds.
import { buildModel, type Model } from '@runge/architectures';
import { ConfigError, type TensorTree } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { gaussNewtonOptimizer } from '../gauss-newton.js';
import { lbfgsOptimizer } from '../lbfgs.js';
import { newtonOptimizer } from '../newton.js';
import type { Optimizer } from '../optimizer.js';
import { sgd } from '../sgd.js';
import { variableProjection } from '../variable-projection.js';
import type { SecondOrderOptimizerName } from './optimizer-names.js';

/**
 * The settings of the second-order optimisers (`train.secondOrder`), each with its default.
 *
 * @example
 * ```ts
 * secondOrderSchema.parse({}); // { memory: 10, cgIterations: 20, damping: 0.0001, headLambda: 0.001 }
 * ```
 */
export const secondOrderSchema = z
  .strictObject({
    iterations: z
      .int()
      .min(1)
      .optional()
      .describe('iterations per batch of lbfgs (default 5), newton and gauss-newton (default 1)'),
    memory: z.int().min(1).default(10).describe('curvature pairs L-BFGS keeps'),
    cgIterations: z
      .int()
      .min(1)
      .default(20)
      .describe('conjugate-gradient iterations per Newton or Gauss–Newton step'),
    damping: z
      .number()
      .min(0)
      .default(1e-4)
      .describe('Levenberg–Marquardt damping of Gauss–Newton'),
    headLambda: z
      .number()
      .positive()
      .default(1e-3)
      .describe('ridge weight of the classifier head that variable projection solves for'),
  })
  .prefault({});

/** The resolved settings of {@link secondOrderSchema}. */
export type SecondOrderSettings = z.infer<typeof secondOrderSchema>;

/**
 * The feature map and head name of a model whose last layer is a dense layer with a bias: the
 * model without its last layer, applied in evaluation mode, flattened to `[N, d]`.
 */
function headOf(model: Model): {
  head: string;
  features: (params: TensorTree, x: tf.Tensor) => tf.Tensor;
} {
  const last = model.layers[model.layers.length - 1];
  if (last?.type !== 'dense' || last.config.useBias === false) {
    throw new ConfigError(
      `train.optimizer 'varpro' eliminates the model's last layer, which must be a dense layer with a bias; this model ends with ${last ? `'${last.type}'` : 'no layer'}`,
    );
  }
  const body = buildModel({
    ...model.config,
    layers: model.config.layers.slice(0, -1),
  });
  return {
    head: last.name,
    features: (params, x) =>
      tf.tidy(() => {
        const { y } = body.apply(params as never, x, { training: false });
        return tf.reshape(y, [y.shape[0] as number, -1]);
      }),
  };
}

/**
 * The second-order optimiser `name` with the run's settings. Variable projection needs the model
 * (its last dense layer is the head it solves for) and steps the other weights with SGD and
 * Nesterov momentum `momentum`.
 *
 * @param name - One of {@link SECOND_ORDER_OPTIMIZERS}.
 * @param settings - `train.secondOrder`.
 * @param momentum - `train.momentum` (variable projection's outer rule).
 * @param model - The run's model (variable projection only).
 * @returns The optimiser.
 * @throws {@link @runge/tensor-ops!ConfigError} for `varpro` without a model whose last layer is dense with a bias.
 * @example
 * ```ts
 * secondOrderOptimizer('lbfgs', secondOrderSchema.parse({}), 0.9).config.type; // 'lbfgs'
 * ```
 */
export function secondOrderOptimizer(
  name: SecondOrderOptimizerName,
  settings: SecondOrderSettings,
  momentum: number,
  model?: Model,
): Optimizer {
  const iterations =
    settings.iterations !== undefined ? { maxIterations: settings.iterations } : {};
  switch (name) {
    case 'lbfgs':
      return lbfgsOptimizer({ ...iterations, memory: settings.memory });
    case 'newton':
      return newtonOptimizer({ ...iterations, cgIterations: settings.cgIterations });
    case 'gauss-newton':
      return gaussNewtonOptimizer({
        ...iterations,
        cgIterations: settings.cgIterations,
        damping: settings.damping,
      });
    case 'varpro': {
      if (!model) {
        throw new ConfigError(
          "train.optimizer 'varpro' needs the run's model (its last dense layer is the head it solves for)",
        );
      }
      return variableProjection({
        ...headOf(model),
        inner: { regularization: settings.headLambda },
        outer: momentum > 0 ? sgd({ momentum, nesterov: true }) : sgd(),
      });
    }
  }
}

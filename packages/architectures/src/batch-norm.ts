import { StructureError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { checkKeys, readNumber } from './internal/config-values.js';
import { COMMON_KEYS, type LayerType, requireFeatures } from './internal/layer-type.js';
import type { Layer, ParamInfo } from './layer.js';

/**
 * Batch normalisation (Ioffe & Szegedy 2015) per channel (the last axis):
 * `y = γ (x − μ) / √(v + ε) + β`. In training mode `μ, v` are the batch's mean and (biased)
 * variance over every axis but the last, and the running statistics (non-trainable *state*)
 * move towards them: `μ_run ← m μ_run + (1 − m) μ`, `v_run ← m v_run + (1 − m) v·n/(n − 1)`
 * (`n` values per channel; the unbiased variance, as the common frameworks keep). In evaluation
 * mode `μ_run, v_run` are used.
 *
 * Parameters `gamma` (ones) and `beta` (zeros), state `mean` (zeros) and `variance` (ones), all
 * `[C]` with role `'norm'`.
 *
 * @example
 * ```json
 * { "type": "batchnorm", "momentum": 0.9 }
 * ```
 */
export interface BatchNormLayerConfig {
  readonly type: 'batchnorm';
  /** Layer name (default `batchnorm_<index>`). */
  readonly name?: string;
  /** `m` of the running averages; default 0.9. */
  readonly momentum?: number;
  /** `ε`; default 1e-5. */
  readonly epsilon?: number;
}

/** The `'batchnorm'` layer type. */
export const batchNormLayerType: LayerType = {
  type: 'batchnorm',
  keys: ['momentum', 'epsilon'],
  build(raw, input, name, where): Layer {
    const config = checkKeys(raw, [...COMMON_KEYS, 'momentum', 'epsilon'], where);
    requireFeatures(input, where, 'a batchnorm layer');
    const momentum = readNumber(config, 'momentum', where, { min: 0, max: 1 }, 0.9);
    const epsilon = readNumber(config, 'epsilon', where, { min: 0, exclusiveMin: true }, 1e-5);
    const c = input.shape[input.shape.length - 1] as number;
    const info = (path: string, value: number): ParamInfo => ({
      path,
      shape: [c],
      role: 'norm',
      init: { kind: 'constant', value },
    });
    const axes = input.shape.map((_, i) => i); // every axis of [batch, ...] but the last
    return {
      name,
      type: 'batchnorm',
      config: { type: 'batchnorm', name, momentum, epsilon },
      inputShape: input.shape,
      outputShape: input.shape,
      ...(input.map ? { outputMap: input.map } : {}),
      params: [info('beta', 0), info('gamma', 1)],
      state: [info('mean', 0), info('variance', 1)],
      stochastic: false,
      apply(p, x, ctx) {
        const { gamma, beta } = p as { gamma: tf.Tensor; beta: tf.Tensor };
        const state = ctx.state as { mean?: tf.Tensor; variance?: tf.Tensor } | undefined;
        if (!state?.mean || !state.variance) {
          throw new StructureError(
            `${name}: batch normalisation needs its state { mean, variance }; pass the state returned by init() (and by the previous apply in training)`,
          );
        }
        const normalise = (mean: tf.Tensor, variance: tf.Tensor): tf.Tensor =>
          tf.add(tf.mul(gamma, tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, epsilon)))), beta);
        if (!ctx.training) {
          return {
            y: normalise(state.mean, state.variance),
            state: { mean: tf.clone(state.mean), variance: tf.clone(state.variance) },
          };
        }
        const { mean, variance } = tf.moments(x, axes);
        const n = x.size / c;
        const unbiased = n > 1 ? tf.mul(variance, n / (n - 1)) : variance;
        return {
          y: normalise(mean, variance),
          state: {
            mean: tf.add(tf.mul(state.mean, momentum), tf.mul(mean, 1 - momentum)),
            variance: tf.add(tf.mul(state.variance, momentum), tf.mul(unbiased, 1 - momentum)),
          },
        };
      },
    };
  },
};

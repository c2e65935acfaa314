import { ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { checkKeys, readBoolean, readNumber } from './internal/config-values.js';
import { COMMON_KEYS, type LayerType, requireFeatures } from './internal/layer-type.js';
import type { Layer } from './layer.js';

/**
 * Inverted dropout: in training mode each entry is kept with probability `1 − rate` and scaled
 * by `1/(1 − rate)` (`y = x ⊙ m / (1 − rate)`, `m ~ Bernoulli(1 − rate)`, drawn from the apply
 * context's `rng`), so `E[y] = x` and evaluation needs no rescaling. With `mcDropout: true` the
 * masks are drawn in evaluation too (Monte-Carlo dropout: average several stochastic forward
 * passes for a predictive distribution).
 *
 * @example
 * ```json
 * { "type": "dropout", "rate": 0.2, "mcDropout": true }
 * ```
 */
export interface DropoutLayerConfig {
  readonly type: 'dropout';
  /** Layer name (default `dropout_<index>`). */
  readonly name?: string;
  /** Probability of dropping an entry, in `[0, 1)`. */
  readonly rate: number;
  /** Keep dropout on in evaluation mode; default false. */
  readonly mcDropout?: boolean;
}

/** The `'dropout'` layer type. */
export const dropoutLayerType: LayerType = {
  type: 'dropout',
  keys: ['rate', 'mcDropout'],
  build(raw, input, name, where): Layer {
    const config = checkKeys(raw, [...COMMON_KEYS, 'rate', 'mcDropout'], where);
    requireFeatures(input, where, 'a dropout layer');
    const rate = readNumber(config, 'rate', where, { min: 0, max: 0.999 });
    const mcDropout = readBoolean(config, 'mcDropout', where, false);
    return {
      name,
      type: 'dropout',
      config: { type: 'dropout', name, rate, mcDropout },
      inputShape: input.shape,
      outputShape: input.shape,
      ...(input.map ? { outputMap: input.map } : {}),
      params: [],
      state: [],
      stochastic: rate > 0,
      apply(_p, x, ctx) {
        if (rate === 0 || !(ctx.training || mcDropout)) return { y: x };
        if (!ctx.rng) {
          throw new ValueError(
            `${name}: dropout ${ctx.training ? 'in training mode' : 'with mcDropout'} draws masks from ctx.rng; pass an Rng in the apply context`,
          );
        }
        const mask = ctx.rng.bernoulli(x.shape, 1 - rate);
        return { y: tf.mul(x, tf.mul(mask, 1 / (1 - rate))) };
      },
    };
  },
};

import { ACTIVATIONS, type ActivationName, activate } from './activations.js';
import { checkKeys, readOneOf } from './internal/config-values.js';
import { COMMON_KEYS, type LayerType, requireFeatures } from './internal/layer-type.js';
import type { Layer } from './layer.js';

/**
 * An element-wise activation `y = σ(x)` as a layer of its own (e.g. SELU after a dense layer,
 * or ReLU after batch normalisation).
 *
 * @example
 * ```json
 * { "type": "activation", "activation": "selu" }
 * ```
 */
export interface ActivationLayerConfig {
  readonly type: 'activation';
  /** Layer name (default `activation_<index>`). */
  readonly name?: string;
  /** The activation. */
  readonly activation: ActivationName;
}

/** The `'activation'` layer type. */
export const activationLayerType: LayerType = {
  type: 'activation',
  keys: ['activation'],
  build(raw, input, name, where): Layer {
    const config = checkKeys(raw, [...COMMON_KEYS, 'activation'], where);
    requireFeatures(input, where, 'an activation layer');
    const activation = readOneOf(config, 'activation', where, ACTIVATIONS);
    return {
      name,
      type: 'activation',
      config: { type: 'activation', name, activation },
      inputShape: input.shape,
      outputShape: input.shape,
      ...(input.map ? { outputMap: input.map } : {}),
      params: [],
      state: [],
      stochastic: false,
      apply(_p, x) {
        return { y: activate(activation, x) };
      },
    };
  },
};

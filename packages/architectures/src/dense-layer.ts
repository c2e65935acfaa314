import * as tf from '@tensorflow/tfjs-core';
import { ACTIVATIONS, type ActivationName, activate } from './activations.js';
import { checkKeys, readBoolean, readNumber, readOneOf } from './internal/config-values.js';
import {
  defaultInitializer,
  INITIALIZERS,
  type InitializerName,
  weightInit,
} from './internal/init.js';
import { COMMON_KEYS, type LayerType, requireVector } from './internal/layer-type.js';
import type { Layer, ParamInfo } from './layer.js';
import {
  powerIterationInfo,
  powerIterationState,
  spectralNormalize,
  type WeightOperator,
} from './spectral-normalization.js';

/**
 * A dense (fully connected) layer on feature vectors: `y = σ(x W + b)`, `x: [batch, d]`,
 * `W: [d, units]`, `b: [units]`. As the classifier head it turns features into logits
 * (`activation: 'linear'`, the default).
 *
 * Parameters: `W` (role `'dense-on-map'` when the input is a flattened feature map — its rows
 * index the map's pixels and channels — else `'dense'`; initialised by activation, Glorot for
 * the linear head), `b` (role `'bias'`, zeros) when `useBias`. With `spectralNorm`, `W / σ_max(W)`
 * replaces `W` and the state holds the power-iteration vector `u: [d]` (role `'power-iteration'`).
 *
 * @example
 * ```json
 * { "type": "dense", "units": 10 }
 * ```
 */
export interface DenseLayerConfig {
  readonly type: 'dense';
  /** Layer name (default `dense_<index>`). */
  readonly name?: string;
  /** Output features. */
  readonly units: number;
  /** Activation; default `'linear'`. */
  readonly activation?: ActivationName;
  /** Whether to add a bias; default true. */
  readonly useBias?: boolean;
  /** Weight initialiser; default by activation (Glorot for linear). */
  readonly init?: InitializerName;
  /**
   * Divide `W` by its largest singular value (spectral normalisation, see
   * {@link spectralNormalize}); the power-iteration vector `u: [d]` is the layer's state. Default false.
   */
  readonly spectralNorm?: boolean;
}

const KEYS = ['units', 'activation', 'useBias', 'init', 'spectralNorm'];

/** The dense operator `x ↦ x W` and its adjoint `y ↦ y Wᵀ`. */
const DENSE_OPERATOR: WeightOperator = {
  apply: (w, x) => tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D),
  adjoint: (w, y) => tf.matMul(y as tf.Tensor2D, w as tf.Tensor2D, false, true),
};

/** The `'dense'` layer type. */
export const denseLayerType: LayerType = {
  type: 'dense',
  keys: KEYS,
  build(raw, input, name, where): Layer {
    const config = checkKeys(raw, [...COMMON_KEYS, ...KEYS], where);
    const d = requireVector(input, where, 'a dense layer');
    const units = readNumber(config, 'units', where, { min: 1, integer: true });
    const activation = readOneOf(config, 'activation', where, ACTIVATIONS, 'linear');
    const useBias = readBoolean(config, 'useBias', where, true);
    const init = readOneOf(config, 'init', where, INITIALIZERS, defaultInitializer(activation));
    const spectralNorm = readBoolean(config, 'spectralNorm', where, false);
    const map = input.map;
    const weight: ParamInfo = map
      ? {
          path: 'W',
          shape: [d, units],
          role: 'dense-on-map',
          map: { height: map[0], width: map[1], channels: map[2] },
          init: weightInit(init, d, units),
        }
      : { path: 'W', shape: [d, units], role: 'dense', init: weightInit(init, d, units) };
    const params: ParamInfo[] = [weight];
    if (useBias) {
      params.push({
        path: 'b',
        shape: [units],
        role: 'bias',
        init: { kind: 'constant', value: 0 },
      });
    }
    return {
      name,
      type: 'dense',
      config: {
        type: 'dense',
        name,
        units,
        activation,
        useBias,
        init,
        ...(spectralNorm ? { spectralNorm } : {}),
      },
      inputShape: input.shape,
      outputShape: [units],
      params,
      state: spectralNorm ? [powerIterationInfo([d])] : [],
      stochastic: false,
      apply(p, x, ctx) {
        const { W, b } = p as { W: tf.Tensor2D; b?: tf.Tensor };
        if (!spectralNorm) {
          const z = tf.matMul(x as tf.Tensor2D, W);
          return { y: activate(activation, b ? tf.add(z, b) : z) };
        }
        const sn = spectralNormalize(
          W,
          powerIterationState(ctx, name),
          DENSE_OPERATOR,
          ctx.training,
        );
        const z = tf.matMul(x as tf.Tensor2D, sn.weight as tf.Tensor2D);
        return { y: activate(activation, b ? tf.add(z, b) : z), state: { u: sn.u } };
      },
    };
  },
};

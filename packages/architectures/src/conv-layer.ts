import {
  ConfigError,
  conv,
  convTranspose,
  formatShape,
  fusedConv,
  isFusedConvActivation,
} from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { ACTIVATIONS, type ActivationName, activate } from './activations.js';
import { checkKeys, readBoolean, readNumber, readOneOf } from './internal/config-values.js';
import {
  defaultInitializer,
  INITIALIZERS,
  type InitializerName,
  weightInit,
} from './internal/init.js';
import { COMMON_KEYS, type LayerType, requireImage } from './internal/layer-type.js';
import type { Layer, ParamInfo } from './layer.js';
import {
  powerIterationInfo,
  powerIterationState,
  spectralNormalize,
  type WeightOperator,
} from './spectral-normalization.js';

/**
 * A 2-D convolution layer: `y = σ(conv2d(x, K, stride, padding) + b)` on NHWC feature maps,
 * `K: [k, k, C_in, channels]`, `b: [channels]`. Used as the opening layer (lifting the image to
 * `channels` feature maps) and, with `stride: 2`, as a connector that halves the resolution.
 * Output size `⌈H/stride⌉` for `'same'`, `⌊(H − k)/stride⌋ + 1` for `'valid'`.
 *
 * Parameters: `K` (role `'conv-kernel'`, He/Glorot/LeCun normal by activation unless `init`
 * says otherwise, fan-in `k²·C_in`), `b` (role `'bias'`, zeros) when `useBias`. With
 * `spectralNorm`, `K / σ` replaces `K`, σ the largest singular value of the convolution as an
 * operator on `[H, W, C_in]` inputs, and the state holds the power-iteration vector `u` (role
 * `'power-iteration'`, the input's shape).
 *
 * @example
 * ```json
 * { "type": "conv", "channels": 16, "kernelSize": 3, "activation": "relu" }
 * ```
 */
export interface ConvLayerConfig {
  readonly type: 'conv';
  /** Layer name (default `conv_<index>`). */
  readonly name?: string;
  /** Output channels. */
  readonly channels: number;
  /** Odd or even kernel side `k`; default 3. */
  readonly kernelSize?: number;
  /** Stride; default 1. */
  readonly stride?: number;
  /** Zero padding; default `'same'`. */
  readonly padding?: 'same' | 'valid';
  /** Activation after the bias; default `'linear'`. */
  readonly activation?: ActivationName;
  /** Whether to add a bias; default true. */
  readonly useBias?: boolean;
  /** Weight initialiser; default by activation (He for relu, LeCun for selu, else Glorot). */
  readonly init?: InitializerName;
  /**
   * Divide `K` by the operator norm of `x ↦ conv2d(x, K)` on the layer's input size (spectral
   * normalisation, see {@link spectralNormalize}); the power-iteration vector `u: [H, W, C_in]`
   * is the layer's state. Default false.
   */
  readonly spectralNorm?: boolean;
}

const KEYS = [
  'channels',
  'kernelSize',
  'stride',
  'padding',
  'activation',
  'useBias',
  'init',
  'spectralNorm',
];

/** The `'conv'` layer type. */
export const convLayerType: LayerType = {
  type: 'conv',
  keys: KEYS,
  build(raw, input, name, where): Layer {
    const config = checkKeys(raw, [...COMMON_KEYS, ...KEYS], where);
    const [h, w, cin] = requireImage(input, where, 'a conv layer');
    const channels = readNumber(config, 'channels', where, { min: 1, integer: true });
    const k = readNumber(config, 'kernelSize', where, { min: 1, integer: true }, 3);
    const stride = readNumber(config, 'stride', where, { min: 1, integer: true }, 1);
    const padding = readOneOf(config, 'padding', where, ['same', 'valid'] as const, 'same');
    const activation = readOneOf(config, 'activation', where, ACTIVATIONS, 'linear');
    const useBias = readBoolean(config, 'useBias', where, true);
    const init = readOneOf(config, 'init', where, INITIALIZERS, defaultInitializer(activation));
    const spectralNorm = readBoolean(config, 'spectralNorm', where, false);
    const size = (n: number): number =>
      padding === 'same' ? Math.ceil(n / stride) : Math.floor((n - k) / stride) + 1;
    const [oh, ow] = [size(h), size(w)];
    if (oh < 1 || ow < 1) {
      throw new ConfigError(
        `${where}: a ${k}×${k} 'valid' convolution does not fit the input ${formatShape(input.shape)}; use padding 'same' or a smaller kernel`,
      );
    }
    const params: ParamInfo[] = [
      {
        path: 'K',
        shape: [k, k, cin, channels],
        role: 'conv-kernel',
        init: weightInit(init, k * k * cin, k * k * channels),
      },
    ];
    if (useBias) {
      params.push({
        path: 'b',
        shape: [channels],
        role: 'bias',
        init: { kind: 'constant', value: 0 },
      });
    }
    return {
      name,
      type: 'conv',
      config: {
        type: 'conv',
        name,
        channels,
        kernelSize: k,
        stride,
        padding,
        activation,
        useBias,
        init,
        ...(spectralNorm ? { spectralNorm } : {}),
      },
      inputShape: input.shape,
      outputShape: [oh, ow, channels],
      params,
      state: spectralNorm ? [powerIterationInfo([h, w, cin])] : [],
      stochastic: false,
      apply(p, x, ctx) {
        const { K, b } = p as { K: tf.Tensor4D; b?: tf.Tensor };
        if (!spectralNorm) {
          if (b !== undefined && isFusedConvActivation(activation)) {
            // Convolution, bias and activation in one kernel, forward and while training.
            const y = fusedConv(x as tf.Tensor4D, K, b as tf.Tensor1D, {
              stride,
              padding,
              activation,
            });
            return { y };
          }
          const z = conv(x as tf.Tensor4D, K, { stride, padding });
          return { y: activate(activation, b ? tf.add(z, b) : z) };
        }
        const operator: WeightOperator = {
          apply: (k, v) => conv(v as tf.Tensor4D, k as tf.Tensor4D, { stride, padding }),
          adjoint: (k, y) =>
            convTranspose(y as tf.Tensor4D, k as tf.Tensor4D, {
              inputShape: [1, h, w, cin],
              stride,
              padding,
            }),
        };
        const sn = spectralNormalize(K, powerIterationState(ctx, name), operator, ctx.training);
        const z = conv(x as tf.Tensor4D, sn.weight as tf.Tensor4D, { stride, padding });
        return { y: activate(activation, b ? tf.add(z, b) : z), state: { u: sn.u } };
      },
    };
  },
};

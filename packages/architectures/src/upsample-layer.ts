// The nearest-neighbour upsampling layer: every pixel of a feature map repeated into a factor × factor block.
import { ConfigError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { checkKeys, readNumber } from './internal/config-values.js';
import { COMMON_KEYS, type LayerType, requireImage } from './internal/layer-type.js';
import type { Layer } from './layer.js';

/**
 * Nearest-neighbour upsampling by an integer `factor` `s` on NHWC feature maps:
 * `y[b, i, j, c] = x[b, ⌊i/s⌋, ⌊j/s⌋, c]`, `[H, W, C] → [s·H, s·W, C]`. Its adjoint (the
 * gradient) sums each `s × s` block, `s²` times an `s × s` average pool. The forward pass is
 * TF.js's `resizeNearestNeighbor` (no corner alignment, no half-pixel centres) and the gradient
 * the average pool, kernels that exist on the cpu, wasm and native backends. A DCGAN generator
 * follows each upsampling with a 3×3 convolution.
 *
 * @param x - `[batch, H, W, C]`.
 * @param factor - The integer `s ≥ 1`.
 * @returns `[batch, s·H, s·W, C]`, a new tensor (intermediates in the caller's scope).
 * @throws {@link @runge/tensor-ops!ConfigError} when `factor` is not a positive integer.
 * @example
 * ```ts
 * upsampleNearest(tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]), 2);
 * // [[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]] as [1, 4, 4, 1]
 * ```
 */
export function upsampleNearest(x: tf.Tensor4D, factor: number): tf.Tensor4D {
  if (!Number.isInteger(factor) || factor < 1) {
    throw new ConfigError(`upsampleNearest: factor must be a positive integer, got ${factor}`);
  }
  if (factor === 1) return tf.clone(x);
  const [, h, w] = x.shape;
  // The forward pass is TF.js's resize (output pixel i reads input ⌊i·h/(s·h)⌋ = ⌊i/s⌋ without
  // corner alignment or half-pixel centres); the gradient is the adjoint written out, s² times
  // the s × s average pool, because the cpu kernel of the resize's gradient is wrong for
  // several channels or non-square maps in TF.js 4.22.
  const up = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: tf.image.resizeNearestNeighbor(args[0] as tf.Tensor4D, [factor * h, factor * w]),
    gradFunc: (dy: tf.Tensor | tf.Tensor[]) =>
      tf.mul(tf.avgPool(dy as tf.Tensor4D, factor, factor, 'valid'), factor * factor),
  })) as (t: tf.Tensor4D) => tf.Tensor4D;
  return up(x);
}

/**
 * Nearest-neighbour upsampling of feature maps by an integer factor (see
 * {@link upsampleNearest}): `[H, W, C] → [s·H, s·W, C]`. No parameters.
 *
 * @example
 * ```json
 * { "type": "upsample", "factor": 2 }
 * ```
 */
export interface UpsampleLayerConfig {
  readonly type: 'upsample';
  /** Layer name (default `upsample_<index>`). */
  readonly name?: string;
  /** The integer factor `s`; default 2. */
  readonly factor?: number;
}

/** The `'upsample'` layer type. */
export const upsampleLayerType: LayerType = {
  type: 'upsample',
  keys: ['factor'],
  build(raw, input, name, where): Layer {
    const config = checkKeys(raw, [...COMMON_KEYS, 'factor'], where);
    const [h, w, c] = requireImage(input, where, 'an upsample layer');
    const factor = readNumber(config, 'factor', where, { min: 1, integer: true }, 2);
    return {
      name,
      type: 'upsample',
      config: { type: 'upsample', name, factor },
      inputShape: input.shape,
      outputShape: [factor * h, factor * w, c],
      params: [],
      state: [],
      stochastic: false,
      apply(_p, x) {
        return { y: upsampleNearest(x as tf.Tensor4D, factor) };
      },
    };
  },
};

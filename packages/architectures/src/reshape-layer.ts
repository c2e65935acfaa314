// The reshape layer: a feature vector laid out as a feature map (the opening of a convolutional generator).
import { ConfigError, formatShape } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { checkKeys, readShape } from './internal/config-values.js';
import { COMMON_KEYS, type LayerType, requireVector } from './internal/layer-type.js';
import type { Layer } from './layer.js';

/**
 * Lays a feature vector `[d]` out as a feature map `[H, W, C]` with `H·W·C = d`, in row-major
 * order (entry `(i·W + j)·C + c` of the vector becomes pixel `(i, j)`, channel `c`): the inverse
 * of `flatten`. A DCGAN generator uses it after its first dense layer (`z ↦ W z + b ∈ ℝ^{7·7·C}`
 * reshaped to `[7, 7, C]`). No parameters.
 *
 * @example
 * ```json
 * { "type": "reshape", "shape": [7, 7, 16] }
 * ```
 */
export interface ReshapeLayerConfig {
  readonly type: 'reshape';
  /** Layer name (default `reshape_<index>`). */
  readonly name?: string;
  /** The feature map `[H, W, C]`; `H·W·C` must equal the input's length. */
  readonly shape: readonly [number, number, number];
}

/** The `'reshape'` layer type. */
export const reshapeLayerType: LayerType = {
  type: 'reshape',
  keys: ['shape'],
  build(raw, input, name, where): Layer {
    const config = checkKeys(raw, [...COMMON_KEYS, 'shape'], where);
    const d = requireVector(input, where, 'a reshape layer');
    const shape = readShape(config.shape, `${where}.shape`, [3]);
    const size = shape.reduce((a, b) => a * b, 1);
    if (size !== d) {
      throw new ConfigError(
        `${where}.shape: ${formatShape(shape)} holds ${size} values but the input has ${d}; choose H·W·C = ${d} or change the preceding dense layer's units to ${size}`,
      );
    }
    return {
      name,
      type: 'reshape',
      config: { type: 'reshape', name, shape: [...shape] },
      inputShape: input.shape,
      outputShape: shape,
      params: [],
      state: [],
      stochastic: false,
      apply(_p, x) {
        return { y: tf.reshape(x, [x.shape[0] as number, ...shape]) };
      },
    };
  },
};

import * as tf from '@tensorflow/tfjs-core';
import { checkKeys } from './internal/config-values.js';
import { COMMON_KEYS, type LayerType, requireFeatures } from './internal/layer-type.js';
import type { Layer } from './layer.js';

/**
 * Flattens a feature map `[H, W, C]` to a vector `[H·W·C]` in row-major order (entry
 * `(i·W + j)·C + c` is pixel `(i, j)`, channel `c`), so a following dense layer's weight rows
 * index the map (its role is then `'dense-on-map'`). Vectors pass through unchanged.
 *
 * @example
 * ```json
 * { "type": "flatten" }
 * ```
 */
export interface FlattenLayerConfig {
  readonly type: 'flatten';
  /** Layer name (default `flatten_<index>`). */
  readonly name?: string;
}

/** The `'flatten'` layer type. */
export const flattenLayerType: LayerType = {
  type: 'flatten',
  keys: [],
  build(raw, input, name, where): Layer {
    checkKeys(raw, COMMON_KEYS, where);
    requireFeatures(input, where, 'a flatten layer');
    const image = input.shape.length === 3;
    const size = input.shape.reduce((a, b) => a * b, 1);
    const map = image ? (input.shape as unknown as [number, number, number]) : input.map;
    return {
      name,
      type: 'flatten',
      config: { type: 'flatten', name },
      inputShape: input.shape,
      outputShape: [size],
      ...(map ? { outputMap: map } : {}),
      params: [],
      state: [],
      stochastic: false,
      apply(_p, x) {
        return { y: image ? tf.reshape(x, [x.shape[0] as number, size]) : x };
      },
    };
  },
};

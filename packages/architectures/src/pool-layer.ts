import { ConfigError, formatShape } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { checkKeys, readNumber, readOneOf } from './internal/config-values.js';
import { COMMON_KEYS, type LayerType, requireImage } from './internal/layer-type.js';
import type { Layer } from './layer.js';

/**
 * Average or max pooling over `size × size` windows of a feature map, moved by `stride`: a
 * connector that lowers the resolution without parameters (`avg` with size 2, stride 2 is the
 * W1 model's 28×28 → 14×14). Output `⌊(H − size)/stride⌋ + 1` for `'valid'`, `⌈H/stride⌉` for
 * `'same'`.
 *
 * With `outputSize: s` instead, the window follows the input: `size = stride = H/s`, so the
 * output is `[s, s, C]` at every input resolution that `s` divides (a map on a fixed grid of
 * physical cells, each the mean of its `(H/s)²` pixels). A classifier after it then has the same
 * weights at every resolution, which is what moving a model between resolutions needs.
 *
 * @example
 * ```json
 * { "type": "pool", "mode": "avg", "size": 2 }
 * { "type": "pool", "mode": "avg", "outputSize": 14 }
 * ```
 */
export interface PoolLayerConfig {
  readonly type: 'pool';
  /** Layer name (default `pool_<index>`). */
  readonly name?: string;
  /** `'avg'` (default) or `'max'`. */
  readonly mode?: 'avg' | 'max';
  /** Window side; default 2. */
  readonly size?: number;
  /** Stride; default `size`. */
  readonly stride?: number;
  /** Padding; default `'valid'`. */
  readonly padding?: 'valid' | 'same';
  /**
   * Side of the output grid, in place of `size`, `stride` and `padding`: the window is
   * `H/outputSize` at every input size (which `outputSize` must divide).
   */
  readonly outputSize?: number;
}

/**
 * Global average or max pooling: `[H, W, C]` → `[C]`, each channel reduced over the whole map.
 *
 * @example
 * ```json
 * { "type": "global-pool", "mode": "avg" }
 * ```
 */
export interface GlobalPoolLayerConfig {
  readonly type: 'global-pool';
  /** Layer name (default `global-pool_<index>`). */
  readonly name?: string;
  /** `'avg'` (default) or `'max'`. */
  readonly mode?: 'avg' | 'max';
}

const KEYS = ['mode', 'size', 'stride', 'padding', 'outputSize'];

/** The window of a pool with a fixed output grid: `H/outputSize`, which must be an integer. */
function adaptiveWindow(
  raw: Record<string, unknown>,
  [h, w]: readonly number[],
  outputSize: number,
  where: string,
): number {
  for (const key of ['size', 'stride', 'padding']) {
    if (raw[key] !== undefined) {
      throw new ConfigError(
        `${where}: give either 'outputSize' or '${key}', not both (with 'outputSize' the window is the input size divided by it)`,
      );
    }
  }
  if (h !== w || (h as number) % outputSize !== 0) {
    throw new ConfigError(
      `${where}: outputSize ${outputSize} needs a square input whose side it divides, got ${h}×${w}; use an input of side ${outputSize}·k or another outputSize`,
    );
  }
  return (h as number) / outputSize;
}

/** The `'pool'` layer type. */
export const poolLayerType: LayerType = {
  type: 'pool',
  keys: KEYS,
  build(raw, input, name, where): Layer {
    const config = checkKeys(raw, [...COMMON_KEYS, ...KEYS], where);
    const [h, w, c] = requireImage(input, where, 'a pool layer');
    const mode = readOneOf(config, 'mode', where, ['avg', 'max'] as const, 'avg');
    const outputSize =
      config.outputSize === undefined
        ? undefined
        : readNumber(config, 'outputSize', where, { min: 1, integer: true }, 1);
    // A fixed output grid sets the window; otherwise the config gives it.
    let size: number;
    let stride: number;
    let padding: 'valid' | 'same';
    if (outputSize === undefined) {
      size = readNumber(config, 'size', where, { min: 1, integer: true }, 2);
      stride = readNumber(config, 'stride', where, { min: 1, integer: true }, size);
      padding = readOneOf(config, 'padding', where, ['valid', 'same'] as const, 'valid');
    } else {
      size = adaptiveWindow(config, [h, w], outputSize, where);
      stride = size;
      padding = 'valid';
    }
    const out = (n: number): number =>
      padding === 'same' ? Math.ceil(n / stride) : Math.floor((n - size) / stride) + 1;
    const [oh, ow] = [out(h), out(w)];
    if (oh < 1 || ow < 1) {
      throw new ConfigError(
        `${where}: a ${size}×${size} 'valid' pooling window does not fit the input ${formatShape(input.shape)}; use a smaller size or padding 'same'`,
      );
    }
    return {
      name,
      type: 'pool',
      config:
        outputSize === undefined
          ? { type: 'pool', name, mode, size, stride, padding }
          : { type: 'pool', name, mode, outputSize },
      inputShape: input.shape,
      outputShape: [oh, ow, c],
      params: [],
      state: [],
      stochastic: false,
      apply(_p, x) {
        const x4 = x as tf.Tensor4D;
        return {
          y:
            mode === 'avg'
              ? tf.avgPool(x4, size, stride, padding)
              : tf.maxPool(x4, size, stride, padding),
        };
      },
    };
  },
};

/** The `'global-pool'` layer type. */
export const globalPoolLayerType: LayerType = {
  type: 'global-pool',
  keys: ['mode'],
  build(raw, input, name, where): Layer {
    const config = checkKeys(raw, [...COMMON_KEYS, 'mode'], where);
    const [, , c] = requireImage(input, where, 'a global-pool layer');
    const mode = readOneOf(config, 'mode', where, ['avg', 'max'] as const, 'avg');
    return {
      name,
      type: 'global-pool',
      config: { type: 'global-pool', name, mode },
      inputShape: input.shape,
      outputShape: [c],
      params: [],
      state: [],
      stochastic: false,
      apply(_p, x) {
        return { y: mode === 'avg' ? tf.mean(x, [1, 2]) : tf.max(x, [1, 2]) };
      },
    };
  },
};

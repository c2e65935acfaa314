import type { ActivationLayerConfig } from './activation-layer.js';
import type { BatchNormLayerConfig } from './batch-norm.js';
import type { BlackScholesLayerConfig } from './black-scholes-layer.js';
import type { ConvLayerConfig } from './conv-layer.js';
import type { DenseLayerConfig } from './dense-layer.js';
import type { DropoutLayerConfig } from './dropout.js';
import type { FlattenLayerConfig } from './flatten-layer.js';
import type { FractalLayerConfig } from './fractal-block.js';
import type { InputSelectionLayerConfig } from './input-selection-layer.js';
import type { OdeLayerConfig } from './ode-block.js';
import type { GlobalPoolLayerConfig, PoolLayerConfig } from './pool-layer.js';
import type { ReshapeLayerConfig } from './reshape-layer.js';
import type { SequenceLayerConfig } from './sequence-layer.js';
import type { UpsampleLayerConfig } from './upsample-layer.js';

/**
 * The config of one layer, discriminated by `type`. Every config is plain JSON; `name` is
 * optional (default `<type>_<index>`).
 */
export type LayerConfig =
  | ConvLayerConfig
  | DenseLayerConfig
  | PoolLayerConfig
  | GlobalPoolLayerConfig
  | FlattenLayerConfig
  | BatchNormLayerConfig
  | DropoutLayerConfig
  | ActivationLayerConfig
  | OdeLayerConfig
  | FractalLayerConfig
  | SequenceLayerConfig
  | InputSelectionLayerConfig
  | BlackScholesLayerConfig
  | ReshapeLayerConfig
  | UpsampleLayerConfig;

/**
 * A model as plain JSON: the input shape without the batch axis (`[d]` for vectors,
 * `[T, d]` for sequences, `[H, W, C]` for images) and the layers in order. The shapes of every layer follow from
 * `input`, so the same config with `input: [14, 14, 1]` is the model for 14×14 images.
 *
 * @example
 * ```ts
 * const config: ModelConfig = {
 *   name: 'small',
 *   input: [28, 28, 1],
 *   layers: [
 *     { type: 'conv', channels: 8, activation: 'relu' },
 *     { type: 'ode', dynamics: 'parabolic', steps: 4 },
 *     { type: 'pool', mode: 'avg', size: 2 },
 *     { type: 'flatten' },
 *     { type: 'dense', units: 10 },
 *   ],
 * };
 * ```
 */
export interface ModelConfig {
  /** A name for summaries and saved files. */
  readonly name?: string;
  /** Input shape without the batch axis: `[d]`, `[T, d]` (sequences) or `[H, W, C]`. */
  readonly input: readonly number[];
  /** The layers, applied in order. */
  readonly layers: readonly LayerConfig[];
}

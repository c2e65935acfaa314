import { ConfigError, formatShape } from '@runge/tensor-ops';
import type { Layer } from '../layer.js';
import type { RawConfig } from './config-values.js';

/** The features entering a layer: their shape (no batch axis) and, after a flatten, the map. */
export interface FeatureShape {
  readonly shape: readonly number[];
  readonly map?: readonly [number, number, number];
}

/** What the registry knows about a layer type: its config keys and how to build it. */
export interface LayerType {
  readonly type: string;
  /** Config keys besides `type` and `name`. */
  readonly keys: readonly string[];
  /** Validates the config against the input and returns the bound layer. */
  build(config: RawConfig, input: FeatureShape, name: string, where: string): Layer;
}

/** The keys every layer config has besides its own. */
export const COMMON_KEYS = ['type', 'name'] as const;

/** Checks that the input is a feature map `[H, W, C]`. */
export function requireImage(
  input: FeatureShape,
  where: string,
  what: string,
): [number, number, number] {
  if (input.shape.length !== 3) {
    throw new ConfigError(
      `${where}: ${what} needs image features [H, W, C], got ${formatShape(input.shape)}; use it before the flatten, or use a dense layer on vectors`,
    );
  }
  return input.shape as unknown as [number, number, number];
}

/** Checks that the input is a feature vector `[d]`. */
export function requireVector(input: FeatureShape, where: string, what: string): number {
  if (input.shape.length !== 1) {
    throw new ConfigError(
      `${where}: ${what} needs vector features [d], got ${formatShape(input.shape)}; add { "type": "flatten" } before it`,
    );
  }
  return input.shape[0] as number;
}

/** Checks that the input is a vector `[d]` or a feature map `[H, W, C]`. */
export function requireFeatures(input: FeatureShape, where: string, what: string): void {
  if (input.shape.length !== 1 && input.shape.length !== 3) {
    throw new ConfigError(
      `${where}: ${what} needs features [d] or [H, W, C], got ${formatShape(input.shape)}`,
    );
  }
}

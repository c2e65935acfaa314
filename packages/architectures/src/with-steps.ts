import { assertNumber, ConfigError } from '@runge/tensor-ops';
import type { LayerConfig, ModelConfig } from './layer-config.js';
import { buildModel } from './model.js';

/** Options of {@link withSteps}. */
export interface WithStepsOptions {
  /** Only these ODE layers (by name); default every ODE layer. */
  readonly layers?: readonly string[];
}

/**
 * The same model with a different depth: every ODE block (or the named ones) gets `steps = N`
 * while its number of control points `M` is written out explicitly as it was, so the parameters
 * keep exactly their structure and shapes. A model trained with 8 Euler steps can be evaluated
 * with 32 (smaller `h`, closer to the continuous-time limit) on the same parameters.
 *
 * @param config - A model config.
 * @param steps - The new number of steps `N ≥ 1`.
 * @param options - `layers`: restrict to these ODE layer names.
 * @returns A new config (the input is not changed).
 * @throws {@link @runge/tensor-ops!ConfigError} for an invalid config or a named layer that is not an ODE block.
 * @throws {@link @runge/tensor-ops!ValueError} unless `steps` is a positive integer.
 * @example
 * ```ts
 * const deep = withSteps(w1Config({ steps: 8 }), 32);
 * const { y } = buildModel(deep).apply(params, images); // the params of the 8-step model
 * ```
 */
export function withSteps(
  config: ModelConfig,
  steps: number,
  options: WithStepsOptions = {},
): ModelConfig {
  assertNumber(steps, 'steps', { min: 1, integer: true });
  const model = buildModel(config);
  const wanted = options.layers ? new Set(options.layers) : null;
  if (wanted) {
    for (const name of wanted) {
      const layer = model.layers.find((l) => l.name === name);
      if (layer?.type !== 'ode') {
        throw new ConfigError(
          `withSteps: '${name}' is not an ODE layer of this model; ODE layers: ${
            model.layers
              .filter((l) => l.type === 'ode')
              .map((l) => `'${l.name}'`)
              .join(', ') || 'none'
          }`,
        );
      }
    }
  }
  const layers = model.config.layers.map((layer, i): LayerConfig => {
    const bound = model.layers[i];
    if (layer.type !== 'ode' || !bound || (wanted && !wanted.has(bound.name))) return layer;
    // A stable block keeps the step its bound was computed for, so its weights do not change.
    const stability = bound.config.stability;
    return {
      ...layer,
      steps,
      controls: bound.config.controls as number,
      ...(stability ? { stability } : {}),
    } as LayerConfig;
  });
  return { ...model.config, layers };
}

/**
 * The same model with every ODE block's depth multiplied: `N ↦ factor · N` per block, controls
 * kept (see {@link withSteps}), so `scaleSteps(config, 2)` halves every step `h` on the same
 * parameters. Used to ask whether a trained network converges to an ODE as `h → 0`.
 *
 * @param config - A model config.
 * @param factor - A positive integer.
 * @returns A new config.
 * @throws {@link @runge/tensor-ops!ValueError} unless `factor` is a positive integer.
 * @example
 * ```ts
 * const finer = scaleSteps(config, 4); // N = 8 → 32 in every ODE block
 * ```
 */
export function scaleSteps(config: ModelConfig, factor: number): ModelConfig {
  assertNumber(factor, 'factor', { min: 1, integer: true });
  let scaled = config;
  for (const layer of buildModel(config).layers) {
    if (layer.type !== 'ode') continue;
    scaled = withSteps(scaled, (layer.config.steps as number) * factor, { layers: [layer.name] });
  }
  return scaled;
}

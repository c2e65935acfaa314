// The model of a run: the architecture config a run configuration asks for, built, with a one-line description.
import {
  buildModel,
  defaultMethod,
  type LayerConfig,
  type Model,
  type ModelConfig,
  toyConfig,
  validateModelConfig,
  w1Config,
} from '@runge/architectures';
import { ConfigError } from '@runge/tensor-ops';
import type { RunConfig } from './run-config.js';
import { stableBlockSettings } from './run-stability.js';

/** What a run's model is built for: the shape of one input and the width of the outputs. */
export interface ModelShapes {
  /** Shape of one input example, e.g. `[28, 28, 1]` or `[2]`. */
  readonly inputShape: readonly number[];
  /** Outputs per example: the classes, or the values of a regression. */
  readonly outputs: number;
}

/** The ODE or fractal block a preset gets, from the run configuration's `model` settings. */
function block(m: RunConfig['model'], image: boolean): LayerConfig {
  if (m.dynamics === 'fractal') {
    return { type: 'fractal', columns: m.columns ?? 2, ...(image ? {} : { channels: m.channels }) };
  }
  return {
    type: 'ode',
    dynamics: m.dynamics,
    method: m.integrator ?? defaultMethod(m.dynamics),
    steps: m.steps,
    controls: m.controls ?? m.steps,
    gradient: m.gradient,
  } as LayerConfig;
}

/**
 * The architecture config a run configuration asks for: `model.config` verbatim, or a preset
 * (`w1` for images, `toy` for feature vectors) whose block is replaced by the one `model` names
 * (an ODE block with its dynamics, integrator — by default the dynamics' own — steps, controls
 * and gradient mode; or a FractalNet block with `model.columns`). The input shape and the number
 * of outputs come from the data.
 *
 * @param config - The resolved run configuration.
 * @param shapes - The data's input shape and output width.
 * @returns A validated model config.
 * @throws {@link @runge/tensor-ops!ConfigError} for an invalid `model.config`, or a preset that
 *   does not fit the data (w1 needs images, toy feature vectors).
 * @example
 * ```ts
 * const modelConfig = modelConfigFor(config, { inputShape: [28, 28, 1], outputs: 10 });
 * ```
 */
export function modelConfigFor(config: RunConfig, shapes: ModelShapes): ModelConfig {
  const m = config.model;
  if (m.config) {
    try {
      return validateModelConfig(m.config);
    } catch (e) {
      throw new ConfigError(`model.config: ${(e as Error).message}`, { cause: e });
    }
  }
  const { inputShape, outputs } = shapes;
  let base: ModelConfig;
  if (m.preset === 'w1') {
    if (inputShape.length !== 3) {
      throw new ConfigError(
        `model.preset 'w1' needs image data [H, W, C], but '${config.data.source}' gives examples of shape [${inputShape.join(', ')}]; use model.preset 'toy'`,
      );
    }
    base = w1Config({
      channels: m.channels,
      steps: m.steps,
      classes: outputs,
      input: inputShape as [number, number, number],
      ...(m.poolTo === undefined ? {} : { poolTo: m.poolTo }),
    });
  } else {
    if (inputShape.length !== 1) {
      throw new ConfigError(
        `model.preset 'toy' needs feature vectors, but '${config.data.source}' gives shape [${inputShape.join(', ')}]; use model.preset 'w1'`,
      );
    }
    base = toyConfig({
      width: m.channels,
      steps: m.steps,
      classes: outputs,
      inputDim: inputShape[0] as number,
    });
  }
  const image = inputShape.length === 3;
  const layers = base.layers.map((layer): LayerConfig => {
    if (layer.type !== 'ode') return layer;
    const replacement = block(m, image);
    // The preset's own settings of the block (activation, T) stay unless the block changes kind.
    if (replacement.type !== 'ode') return replacement;
    const stable =
      m.dynamics === 'fractal'
        ? {}
        : stableBlockSettings(m.stability, {
            dynamics: m.dynamics,
            steps: m.steps,
            ...(m.integrator ? { integrator: m.integrator } : {}),
            ...(layer.activation ? { activation: layer.activation } : {}),
          });
    return { ...layer, ...replacement, ...stable } as LayerConfig;
  });
  const name =
    m.preset === 'toy' ? `toy-${m.dynamics}` : m.dynamics === 'fractal' ? 'w1-fractal' : base.name;
  return validateModelConfig({ ...base, ...(name ? { name } : {}), layers });
}

/**
 * `w1: resnet ODE block, 8 steps of euler, 8 weight sets`: a model in one line.
 *
 * @example
 * ```ts
 * describeModel(buildModel(w1Config()));
 * ```
 */
export function describeModel(model: Model): string {
  const blocks = model.layers.flatMap((layer) => {
    const c = layer.config as Record<string, unknown>;
    if (layer.type === 'ode') {
      return [
        `${c.dynamics} ODE block, ${c.steps} steps of ${c.method}, ${c.controls} weight sets`,
      ];
    }
    if (layer.type === 'fractal') return [`fractal block, ${c.columns} columns`];
    if (layer.type === 'rnn') {
      const euler = c.epsilon !== undefined ? `, ε = ${c.epsilon}, γ = ${c.gamma}` : '';
      return [`${c.cell} cell, ${c.units} units${euler}`];
    }
    return [];
  });
  return blocks.length > 0 ? `${model.name}: ${blocks.join('; ')}` : model.name;
}

/** Builds the model of a run (see {@link modelConfigFor}). */
export function buildRunModel(config: RunConfig, shapes: ModelShapes): Model {
  return buildModel(modelConfigFor(config, shapes));
}

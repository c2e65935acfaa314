import {
  buildModel,
  type LayerConfig,
  type Model,
  type ModelConfig,
  type ModelVariables,
  toyConfig,
  validateModelConfig,
  w1Config,
} from '@runge/architectures';
import { ConfigError } from '@runge/tensor-ops';
import type { ApplyFn } from '@runge/train';
import type { RunConfig } from './config.js';

/** The model of a run: its resolved architecture config and the functions training needs. */
export interface RunModel {
  /** The full @runge/architectures config (plain JSON). */
  readonly config: ModelConfig;
  /** The built model. */
  readonly model: Model;
  /** The forward pass in the trainer's form. */
  readonly apply: ApplyFn;
  /** Fresh parameters and state. */
  init(seed: number): ModelVariables;
  /** One line: name, block, steps, method. */
  readonly description: string;
}

/**
 * The architecture config a run configuration asks for: `model.config` verbatim, or a preset
 * (`w1` for images, `toy` for points) with the ODE block's dynamics, integrator, steps,
 * controls, channels and gradient mode from the run configuration. The input shape and the
 * number of classes come from the data.
 */
export function modelConfigFor(
  config: RunConfig,
  data: { inputShape: readonly number[]; numClasses: number },
): ModelConfig {
  const m = config.model;
  if (m.config) {
    try {
      return validateModelConfig(m.config);
    } catch (e) {
      throw new ConfigError(`model.config: ${(e as Error).message}`, { cause: e });
    }
  }
  const method = m.dynamics === 'hamiltonian' ? 'leapfrog' : m.integrator;
  let base: ModelConfig;
  if (m.preset === 'w1') {
    if (data.inputShape.length !== 3) {
      throw new ConfigError(
        `model.preset 'w1' needs image data [H, W, C], but '${config.data.source}' gives examples of shape [${data.inputShape.join(', ')}]; use model.preset 'toy'`,
      );
    }
    base = w1Config({
      channels: m.channels,
      steps: m.steps,
      classes: data.numClasses,
      input: data.inputShape as [number, number, number],
    });
  } else {
    if (data.inputShape.length !== 1) {
      throw new ConfigError(
        `model.preset 'toy' needs feature vectors, but '${config.data.source}' gives shape [${data.inputShape.join(', ')}]; use model.preset 'w1'`,
      );
    }
    base = toyConfig({
      dynamics: m.dynamics,
      width: m.channels,
      steps: m.steps,
      classes: data.numClasses,
      inputDim: data.inputShape[0] as number,
      method,
    });
  }
  const layers = base.layers.map((layer): LayerConfig => {
    if (layer.type !== 'ode') return layer;
    return {
      ...layer,
      dynamics: m.dynamics,
      method,
      steps: m.steps,
      controls: m.controls ?? m.steps,
      gradient: m.gradient,
    } as LayerConfig;
  });
  return validateModelConfig({ ...base, layers });
}

/** Builds the model of a run. */
export function buildRunModel(
  config: RunConfig,
  data: { inputShape: readonly number[]; numClasses: number },
): RunModel {
  const modelConfig = modelConfigFor(config, data);
  const model = buildModel(modelConfig);
  const ode = modelConfig.layers.find((l) => l.type === 'ode') as
    | { dynamics: string; steps: number; method?: string; controls?: number }
    | undefined;
  const description = ode
    ? `${model.name}: ${ode.dynamics} ODE block, ${ode.steps} steps of ${ode.method ?? 'euler'}, ${ode.controls ?? ode.steps} weight sets`
    : model.name;
  return {
    config: modelConfig,
    model,
    apply: model.apply as unknown as ApplyFn,
    init: (seed) => model.init(seed),
    description,
  };
}

import {
  ConfigError,
  formatShape,
  isTensor,
  Rng,
  ShapeError,
  StructureError,
  type TensorTree,
  ValueError,
} from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import type { ApplyContext } from './apply-fn.js';
import { checkVariables } from './internal/check-variables.js';
import { checkKeys, describe, readShape } from './internal/config-values.js';
import { initFromInfos } from './internal/init.js';
import type { FeatureShape } from './internal/layer-type.js';
import { LAYER_REGISTRY } from './internal/registry.js';
import type { Layer } from './layer.js';
import type { ModelConfig } from './layer-config.js';
import { describeLayers, type ParamDescription } from './param-description.js';
import { type ModelSummary, summarize } from './summary.js';

/** A model's trainable parameters: one tree per layer that has any, keyed by layer name. */
export type ModelParams = { readonly [layer: string]: TensorTree };

/** A model's non-trainable state (batch-norm running statistics), keyed by layer name. */
export type ModelState = { readonly [layer: string]: TensorTree };

/** Parameters and state, as `init` returns them and `saveModel` stores them. */
export interface ModelVariables {
  /** Trainable parameters. */
  readonly params: ModelParams;
  /** Non-trainable state (`{}` when no layer has any). */
  readonly state: ModelState;
}

/** The result of {@link Model.apply}. The caller owns both (all new tensors). */
export interface ModelOutput {
  /** The output `[batch, ...outputShape]` (logits for a classifier). */
  readonly y: tf.Tensor;
  /** The new state: updated in training mode, a copy otherwise (`{}` without state). */
  readonly state: ModelState;
}

/**
 * A model built from a {@link ModelConfig}: layers bound to their shapes, and pure functions of
 * the parameters.
 */
export interface Model {
  /** The config it was built from (validated; plain JSON). */
  readonly config: ModelConfig;
  /** `config.name`, or `'model'`. */
  readonly name: string;
  /** Input shape without the batch axis. */
  readonly inputShape: readonly number[];
  /** Output shape without the batch axis. */
  readonly outputShape: readonly number[];
  /** The bound layers, in order. */
  readonly layers: readonly Layer[];
  /** Number of trainable scalars. */
  readonly parameterCount: number;
  /** Number of non-trainable state scalars. */
  readonly stateCount: number;
  /**
   * Draws fresh parameters and state. Kernels are centred normals with He (`√(2/fan_in)`, relu
   * family), LeCun (`√(1/fan_in)`, selu) or Glorot (`√(2/(fan_in + fan_out))`, tanh, sigmoid,
   * linear heads) scale, by the layer's activation unless its `init` says otherwise; biases and
   * batch-norm offsets are zero, batch-norm scales one, running means zero, variances one.
   *
   * @param seed - A seed or a generator (each layer draws from its own split).
   * @returns New tensors owned by the caller.
   */
  init(seed: number | Rng): ModelVariables;
  /**
   * The forward pass, leak-free (intermediates are released); an {@link ApplyFn} of the model's
   * parameters, so `classification({ apply: model.apply, params })` of @runge/train trains it.
   *
   * @param params - From `init` (or training).
   * @param x - `[batch, ...inputShape]`, float32.
   * @param ctx - `training`, `rng`, `state`.
   * @returns `{ y, state }`, new tensors.
   * @throws {@link @runge/tensor-ops!ShapeError} when `x` does not have the input shape.
   * @throws {@link @runge/tensor-ops!StructureError} when a layer's parameters or state are missing.
   */
  readonly apply: (params: ModelParams, x: tf.Tensor, ctx?: ApplyContext) => ModelOutput;
  /** The layer table (names, types, output shapes, parameter counts) as data and text. */
  summary(): ModelSummary;
  /** Every parameter and state tensor with its role under a change of resolution. */
  describeParams(): ParamDescription[];
  /**
   * Checks that parameters (and state) have exactly the structure and shapes this model expects.
   *
   * @throws {@link @runge/tensor-ops!StructureError} naming a missing or unexpected entry.
   * @throws {@link @runge/tensor-ops!ShapeError} naming an entry of the wrong shape.
   */
  checkVariables(variables: { readonly params: unknown; readonly state?: unknown }): void;
}

const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]*$/;

/**
 * The layer types a config may name.
 *
 * @example
 * ```ts
 * LAYER_TYPES; // ['conv', 'dense', 'pool', 'global-pool', 'flatten', 'batchnorm', 'dropout', 'activation', 'ode', 'fractal', 'rnn', 'input-selection', 'black-scholes', 'reshape', 'upsample']
 * ```
 */
export const LAYER_TYPES: readonly string[] = Object.freeze([...LAYER_REGISTRY.keys()]);

/**
 * Builds the layers of a config, validating everything: the keys and values of every layer
 * (unknown type or key → {@link @runge/tensor-ops!ConfigError} naming it and the allowed values), the shapes from
 * the input on, and unique names.
 */
function buildLayers(config: unknown): { model: ModelConfig; layers: Layer[] } {
  const top = checkKeys(config, ['name', 'input', 'layers'], 'model config');
  if (top.name !== undefined && typeof top.name !== 'string') {
    throw new ConfigError(`model config.name: expected a string, got ${describe(top.name)}`);
  }
  const input = readShape(top.input, 'model config.input', [1, 2, 3]);
  if (!Array.isArray(top.layers) || top.layers.length === 0) {
    throw new ConfigError(
      `model config.layers: expected a non-empty array of layer configs, got ${describe(top.layers)}`,
    );
  }
  const layers: Layer[] = [];
  const names = new Map<string, number>();
  let features: FeatureShape = { shape: input };
  top.layers.forEach((raw: unknown, index: number) => {
    const at = `layers[${index}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new ConfigError(`${at}: expected a layer config object, got ${describe(raw)}`);
    }
    const { type, name: given } = raw as { type?: unknown; name?: unknown };
    const layerType = typeof type === 'string' ? LAYER_REGISTRY.get(type) : undefined;
    if (!layerType) {
      throw new ConfigError(
        `${at}.type: ${type === undefined ? 'missing' : `unknown ${describe(type)}`}; expected one of ${LAYER_TYPES.map((t) => `'${t}'`).join(', ')}`,
      );
    }
    if (given !== undefined && (typeof given !== 'string' || !NAME_PATTERN.test(given))) {
      throw new ConfigError(
        `${at}.name: expected a name of letters, digits, '_' and '-' starting with a letter, got ${describe(given)}`,
      );
    }
    const name = (given as string | undefined) ?? `${layerType.type}_${index}`;
    const previous = names.get(name);
    if (previous !== undefined) {
      throw new ConfigError(
        `${at}.name: '${name}' is already the name of layers[${previous}]; layer names must be unique`,
      );
    }
    names.set(name, index);
    const layer = layerType.build(
      raw as Record<string, unknown>,
      features,
      name,
      `${at} (${name})`,
    );
    layers.push(layer);
    features = layer.outputMap
      ? { shape: layer.outputShape, map: layer.outputMap }
      : { shape: layer.outputShape };
  });
  // A plain-JSON copy, so later changes to the caller's object cannot change the model.
  const model = JSON.parse(JSON.stringify(config)) as ModelConfig;
  return { model, layers };
}

/**
 * Validates a model config without building anything else; returns a plain-JSON copy.
 *
 * @param config - A candidate {@link ModelConfig} (e.g. parsed from a file).
 * @returns The config, typed.
 * @throws {@link @runge/tensor-ops!ConfigError} naming the first invalid key or value and what is allowed.
 * @example
 * ```ts
 * const config = validateModelConfig(JSON.parse(text));
 * ```
 */
export function validateModelConfig(config: unknown): ModelConfig {
  return buildLayers(config).model;
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Builds a model from a plain JSON config (see {@link ModelConfig} and {@link LayerConfig}):
 * validates it, binds every layer to its input shape, and returns `init`/`apply` plus
 * descriptions. Parameters are keyed by layer name (`conv_0`, `ode_1`, … or the layer's `name`).
 *
 * @param config - The model config.
 * @returns The {@link Model}.
 * @throws {@link @runge/tensor-ops!ConfigError} for an invalid config (unknown layer type or key, bad value,
 *   a layer that does not fit its input shape), naming the layer, the key and what is allowed.
 * @example
 * ```ts
 * const model = buildModel(w1Config());
 * const { params, state } = model.init(0);
 * const { y } = model.apply(params, images, { training: false, state }); // [batch, 10]
 * ```
 */
export function buildModel(config: ModelConfig): Model {
  const { model: validated, layers } = buildLayers(config);
  const input = [...validated.input];
  const outputShape = layers[layers.length - 1]?.outputShape ?? input;
  const parameterCount = layers.reduce(
    (n, l) => n + l.params.reduce((m, p) => m + sizeOf(p.shape), 0),
    0,
  );
  const stateCount = layers.reduce(
    (n, l) => n + l.state.reduce((m, p) => m + sizeOf(p.shape), 0),
    0,
  );

  const init = (seed: number | Rng): ModelVariables => {
    const rng = typeof seed === 'number' ? Rng.fromSeed(seed) : seed;
    if (!(rng instanceof Rng)) {
      throw new ValueError(`init: expected a seed (integer) or an Rng, got ${describe(seed)}`);
    }
    const params: Record<string, TensorTree> = {};
    const state: Record<string, TensorTree> = {};
    for (const layer of layers) {
      const layerRng = rng.split();
      if (layer.params.length > 0) params[layer.name] = initFromInfos(layer.params, layerRng);
      if (layer.state.length > 0) state[layer.name] = initFromInfos(layer.state, layerRng);
    }
    return { params, state };
  };

  const apply = (params: ModelParams, x: tf.Tensor, ctx: ApplyContext = {}): ModelOutput => {
    if (!isTensor(x)) {
      throw new ValueError(
        `${validated.name ?? 'model'}.apply: x must be a tensor [batch, ${input.join(', ')}]`,
      );
    }
    const fits = x.rank === input.length + 1 && input.every((d, i) => x.shape[i + 1] === d);
    if (!fits) {
      throw new ShapeError(
        `${validated.name ?? 'model'}.apply: x: expected shape ${formatShape([null, ...input])} (batch first), got ${formatShape(x.shape)}`,
      );
    }
    if (typeof params !== 'object' || params === null) {
      throw new StructureError(
        'apply: params must be the record returned by init (keyed by layer name)',
      );
    }
    const training = ctx.training ?? false;
    const state = (ctx.state ?? {}) as Record<string, TensorTree | undefined>;
    for (const layer of layers) {
      if (layer.params.length > 0 && params[layer.name] === undefined) {
        throw new StructureError(
          `apply: params has no entry '${layer.name}' (layer ${layer.type}); pass the params returned by init() for this config (keys: ${layers
            .filter((l) => l.params.length > 0)
            .map((l) => `'${l.name}'`)
            .join(', ')})`,
        );
      }
    }
    return tf.tidy(() => {
      let y = x;
      const next: Record<string, TensorTree> = {};
      for (const layer of layers) {
        const layerState = state[layer.name];
        const out = layer.apply(params[layer.name], y, {
          training,
          ...(ctx.rng ? { rng: ctx.rng } : {}),
          ...(layerState !== undefined ? { state: layerState } : {}),
        });
        y = out.y;
        if (layer.state.length > 0 && out.state !== undefined) next[layer.name] = out.state;
      }
      // The output must be a tensor this call owns, even for an identity model.
      return { y: y === x ? tf.clone(y) : y, state: next } as unknown as tf.TensorContainer;
    }) as unknown as ModelOutput;
  };

  const self: Model = {
    config: validated,
    name: validated.name ?? 'model',
    inputShape: input,
    outputShape,
    layers,
    parameterCount,
    stateCount,
    init,
    apply,
    summary: () => summarize(self),
    describeParams: () => describeLayers(layers),
    checkVariables: (variables) => checkVariables(layers, variables),
  };
  return self;
}

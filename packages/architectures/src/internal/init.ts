import { ConfigError, type Rng, type TensorTree } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import type { ActivationName } from '../activations.js';
import type { InitSpec, ParamInfo } from '../layer.js';

/**
 * A weight initialiser: centred normals with He (`√(2/fan_in)`), Glorot (`√(2/(fan_in +
 * fan_out))`) or LeCun (`√(1/fan_in)`) standard deviation, or zeros.
 */
export type InitializerName = 'he' | 'glorot' | 'lecun' | 'zeros';

/** The weight initialisers a config may name. */
export const INITIALIZERS: readonly InitializerName[] = ['he', 'glorot', 'lecun', 'zeros'];

/**
 * The default initialiser for weights followed by `activation`: He for the ReLU family
 * (keeps the second moment of ReLU features), LeCun for SELU (what self-normalisation assumes),
 * Glorot for the rest (tanh, sigmoid, linear heads).
 */
export function defaultInitializer(activation: ActivationName): InitializerName {
  if (activation === 'relu' || activation === 'leakyRelu' || activation === 'elu') return 'he';
  if (activation === 'selu') return 'lecun';
  return 'glorot';
}

/** The initialiser of a weight with the given fans: `N(0, s²)` with He/Glorot/LeCun's `s`, or zeros. */
export function weightInit(name: InitializerName, fanIn: number, fanOut: number): InitSpec {
  switch (name) {
    case 'he':
      return { kind: 'normal', std: Math.sqrt(2 / fanIn) };
    case 'lecun':
      return { kind: 'normal', std: Math.sqrt(1 / fanIn) };
    case 'glorot':
      return { kind: 'normal', std: Math.sqrt(2 / (fanIn + fanOut)) };
    case 'zeros':
      return { kind: 'constant', value: 0 };
    default:
      throw new ConfigError(
        `init: unknown '${String(name)}'; expected one of ${INITIALIZERS.join(', ')}`,
      );
  }
}

/** Draws one tensor. */
export function initTensor(spec: InitSpec, shape: readonly number[], rng: Rng): tf.Tensor {
  if (spec.kind === 'constant') return tf.fill([...shape], spec.value);
  return rng.normal(shape, { std: spec.std });
}

/**
 * Builds a tree from dotted paths: integer segments make lists, others records
 * (`'columns.1.0.K'` → `{ columns: [.., [{ K }]] }`).
 */
export function treeFromEntries(entries: readonly (readonly [string, tf.Tensor])[]): TensorTree {
  const root: Record<string, unknown> = {};
  for (const [path, tensor] of entries) {
    const parts = path.split('.');
    let node: Record<string, unknown> = root;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) {
        node[part] = tensor;
      } else {
        node[part] ??= {};
        node = node[part] as Record<string, unknown>;
      }
    });
  }
  const toLists = (node: unknown): unknown => {
    if (typeof node !== 'object' || node === null || 'dataId' in node) return node;
    const record = node as Record<string, unknown>;
    const keys = Object.keys(record);
    const numeric = keys.length > 0 && keys.every((k) => /^\d+$/.test(k));
    if (numeric) {
      return Array.from({ length: keys.length }, (_, i) => toLists(record[String(i)]));
    }
    const out: Record<string, unknown> = {};
    for (const k of keys) out[k] = toLists(record[k]);
    return out;
  };
  return toLists(root) as TensorTree;
}

/** Draws every tensor of a layer in the order of its infos and assembles the tree. */
export function initFromInfos(infos: readonly ParamInfo[], rng: Rng): TensorTree {
  return treeFromEntries(infos.map((info) => [info.path, initTensor(info.init, info.shape, rng)]));
}

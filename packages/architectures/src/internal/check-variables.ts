import {
  formatShape,
  isTensor,
  ShapeError,
  StructureError,
  type TensorTree,
  treeEntries,
} from '@runge/tensor-ops';
import type { Layer, ParamInfo } from '../layer.js';

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !isTensor(x);
}

function checkTree(
  tree: unknown,
  expected: ReadonlyMap<string, readonly ParamInfo[]>,
  what: 'params' | 'state',
): void {
  if (!isRecord(tree)) {
    throw new StructureError(
      `${what}: expected a record keyed by layer name${expected.size > 0 ? ` (${[...expected.keys()].map((k) => `'${k}'`).join(', ')})` : ' (empty: the model has none)'}, got ${isTensor(tree) ? 'a tensor' : typeof tree}`,
    );
  }
  for (const key of Object.keys(tree)) {
    if (!expected.has(key)) {
      throw new StructureError(
        `${what}: unexpected entry '${key}'; the model's layers with ${what} are ${expected.size > 0 ? [...expected.keys()].map((k) => `'${k}'`).join(', ') : 'none'} (was it saved from another config?)`,
      );
    }
  }
  for (const [layer, infos] of expected) {
    const sub = tree[layer];
    if (sub === undefined) {
      throw new StructureError(
        `${what}: missing entry '${layer}' (expected ${infos.map((i) => i.path).join(', ')})`,
      );
    }
    let entries: [string, { shape: readonly number[] }][];
    try {
      entries = treeEntries(sub as TensorTree);
    } catch (cause) {
      throw new StructureError(
        `${what}.${layer}: not a tree of tensors (${(cause as Error).message})`,
        { cause },
      );
    }
    const got = new Map(entries.map(([path, t]) => [path, t.shape]));
    for (const info of infos) {
      const shape = got.get(info.path);
      if (shape === undefined) {
        throw new StructureError(
          `${what}.${layer}: missing '${info.path}' (expected shape ${formatShape(info.shape)}); the tree has ${[...got.keys()].map((k) => `'${k || '<root>'}'`).join(', ') || 'no tensors'}`,
        );
      }
      if (shape.length !== info.shape.length || shape.some((d, i) => d !== info.shape[i])) {
        throw new ShapeError(
          `${what}.${layer}.${info.path}: expected shape ${formatShape(info.shape)}, got ${formatShape(shape)}; the parameters do not belong to this config (steps/controls, channels or input size differ?)`,
        );
      }
      got.delete(info.path);
    }
    const extra = [...got.keys()];
    if (extra.length > 0) {
      throw new StructureError(
        `${what}.${layer}: unexpected ${extra.map((k) => `'${k || '<root>'}'`).join(', ')}; expected only ${infos.map((i) => `'${i.path}'`).join(', ')}`,
      );
    }
  }
}

/** Checks params (and state, when given) against the layers' infos. */
export function checkVariables(
  layers: readonly Layer[],
  variables: { readonly params: unknown; readonly state?: unknown },
): void {
  const params = new Map(layers.filter((l) => l.params.length > 0).map((l) => [l.name, l.params]));
  const state = new Map(layers.filter((l) => l.state.length > 0).map((l) => [l.name, l.state]));
  checkTree(variables.params, params, 'params');
  if (variables.state !== undefined || state.size > 0)
    checkTree(variables.state ?? {}, state, 'state');
}

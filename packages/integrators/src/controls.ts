import {
  assertNumber,
  assertOneOf,
  formatShape,
  isTensor,
  type TensorTree,
  treeFlatten,
  ValueError,
} from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import type { Leaves } from './internal/leaves.js';
import type { ControlGrid } from './types.js';

/** What the dynamics see at one stage time: the parameter tree and which gradient slots it uses. */
export interface ParamLookup {
  /** The parameters at this time (owned by the source, or new tensors for linear mixing). */
  readonly tree: TensorTree;
  /** Identifies the value: equal keys mean equal parameters. */
  readonly key: string;
  /** The gradient slots (control pieces) the value depends on. */
  readonly slots: readonly number[];
}

/** A breakpoint of the controls inside `(t0, t1)`: a jump (constant) or a kink (linear). */
export interface Breakpoint {
  readonly t: number;
  readonly jump: boolean;
}

/**
 * Where the dynamics' parameters come from during a solve: nothing, a constant tree, or a control
 * grid unstacked once into `M` slots. Internal to the solvers.
 */
export interface ParamSource {
  readonly kind: 'none' | 'params' | 'controls';
  /** Number of gradient slots: `M` for controls, 1 for params, 0 for none. */
  readonly numSlots: number;
  /** Interior breakpoints of the controls (adaptive steps stop there). */
  readonly breakpoints: readonly Breakpoint[];
  /**
   * The parameters at stage time `t` of a step from `a` to `b`. At a jump of piecewise-constant
   * controls the piece on the step's side is used, so no step straddles a jump.
   */
  at(t: number, a: number, b: number): ParamLookup;
  /** The key {@link ParamSource.at} would return, without creating tensors. */
  keyAt(t: number, a: number, b: number): string;
  /** The slots {@link ParamSource.at} would use, without creating tensors. */
  slotsAt(t: number, a: number, b: number): readonly number[];
  /** The tensors of a slot (what gradients are taken with respect to). */
  slotLeaves(slot: number): Leaves;
  /** Gradients per slot → gradients of the input leaves (stacked to `[M, ...]` for controls). */
  assemble(acc: ReadonlyMap<number, Leaves>): Leaves;
  /** Releases the unstacked pieces. */
  dispose(): void;
}

/** How the solver was given its parameters (validated). */
export type ParamSpec =
  | { readonly kind: 'none' }
  | { readonly kind: 'params'; readonly unflatten: (leaves: readonly tf.Tensor[]) => TensorTree }
  | {
      readonly kind: 'controls';
      readonly unflatten: (leaves: readonly tf.Tensor[]) => TensorTree;
      readonly m: number;
      readonly interpolation: 'constant' | 'linear';
    };

const EMPTY: TensorTree = Object.freeze({});
const EDGE = 1e-9;

/**
 * Builds the parameter source of one solve from the input leaves (the params' leaves, or the
 * control values' leaves `[M, ...]`). Control leaves are unstacked once here: a stage then picks
 * a piece (or mixes two) instead of slicing, and the gradient of the unstack is a single stack.
 */
export function makeParamSource(
  spec: ParamSpec,
  inputs: Leaves,
  t0: number,
  t1: number,
): ParamSource {
  if (spec.kind === 'none') {
    return {
      kind: 'none',
      numSlots: 0,
      breakpoints: [],
      at: () => ({ tree: EMPTY, key: '', slots: [] }),
      slotsAt: () => [],
      keyAt: () => '',
      slotLeaves: () => [],
      assemble: () => [],
      dispose: () => {},
    };
  }
  if (spec.kind === 'params') {
    const tree = spec.unflatten(inputs);
    return {
      kind: 'params',
      numSlots: 1,
      breakpoints: [],
      at: () => ({ tree, key: 'p', slots: [0] }),
      slotsAt: () => [0],
      keyAt: () => 'p',
      slotLeaves: () => inputs,
      assemble: (acc) => acc.get(0) ?? inputs.map((x) => tf.zerosLike(x)),
      dispose: () => {},
    };
  }
  const { m, interpolation, unflatten } = spec;
  const span = t1 - t0;
  const pieces: Leaves[] = inputs.map((leaf) => tf.unstack(leaf));
  const slotCache = new Map<number, { leaves: Leaves; tree: TensorTree }>();
  const slot = (j: number): { leaves: Leaves; tree: TensorTree } => {
    let entry = slotCache.get(j);
    if (entry === undefined) {
      const leaves = pieces.map((p) => p[j] as tf.Tensor);
      entry = { leaves, tree: unflatten(leaves) };
      slotCache.set(j, entry);
    }
    return entry;
  };
  const breakpoints: Breakpoint[] = [];
  const intervals = interpolation === 'constant' ? m : m - 1;
  for (let j = 1; j < intervals; j++) {
    breakpoints.push({ t: t0 + (span * j) / intervals, jump: interpolation === 'constant' });
  }
  /** The piece(s) at time t: `[j]`, or `[j, j + 1]` with weight `w` of the upper one. */
  const locate = (t: number, a: number, b: number): { j: number; w: number } => {
    if (interpolation === 'constant') {
      const u = ((t - t0) / span) * m;
      const nearest = Math.round(u);
      let j: number;
      if (Math.abs(u - nearest) <= EDGE * m) {
        const mid = (((a + b) / 2 - t0) / span) * m;
        j = mid > nearest ? nearest : nearest - 1;
      } else {
        j = Math.floor(u);
      }
      return { j: Math.min(m - 1, Math.max(0, j)), w: 0 };
    }
    const u = ((t - t0) / span) * (m - 1);
    const j = Math.min(m - 2, Math.max(0, Math.floor(u)));
    const w = u - j;
    if (w <= EDGE) return { j, w: 0 };
    if (w >= 1 - EDGE) return { j: j + 1, w: 0 };
    return { j, w };
  };
  const at = (t: number, a: number, b: number): ParamLookup => {
    const { j, w } = locate(t, a, b);
    if (w === 0) return { tree: slot(j).tree, key: `c${j}`, slots: [j] };
    const lo = slot(j).leaves;
    const hi = slot(j + 1).leaves;
    const mixed = lo.map((x, i) => tf.add(tf.mul(x, 1 - w), tf.mul(hi[i] as tf.Tensor, w)));
    return { tree: unflatten(mixed), key: `l${j}:${w}`, slots: [j, j + 1] };
  };
  const keyAt = (t: number, a: number, b: number): string => {
    const { j, w } = locate(t, a, b);
    return w === 0 ? `c${j}` : `l${j}:${w}`;
  };
  const slotsAt = (t: number, a: number, b: number): number[] => {
    const { j, w } = locate(t, a, b);
    return w === 0 ? [j] : [j, j + 1];
  };
  return {
    kind: 'controls',
    numSlots: m,
    breakpoints,
    at,
    keyAt,
    slotsAt,
    slotLeaves: (j) => slot(j).leaves,
    assemble: (acc) =>
      inputs.map((leaf, i) => {
        const parts: tf.Tensor[] = [];
        for (let j = 0; j < m; j++) {
          const g = acc.get(j)?.[i];
          parts.push(g ?? tf.zeros(leaf.shape.slice(1), leaf.dtype));
        }
        return tf.stack(parts);
      }),
    dispose: () => {
      for (const p of pieces) for (const x of p) x.dispose();
    },
  };
}

/**
 * Checks a {@link ControlGrid} and returns its flattened form.
 *
 * @throws {@link @runge/tensor-ops!ValueError} when `values` has no leaves, leaves disagree on `M`, `interpolation`
 * is unknown, or `'linear'` has fewer than 2 nodes.
 */
export function validateControls(
  controls: unknown,
  name = 'controls',
): { leaves: Leaves; spec: Extract<ParamSpec, { kind: 'controls' }> } {
  if (typeof controls !== 'object' || controls === null || isTensor(controls)) {
    throw new ValueError(
      `${name}: expected { values, interpolation? } with values a tree of [M, ...] tensors`,
    );
  }
  const c = controls as Partial<ControlGrid>;
  const extra = Object.keys(c).filter((k) => k !== 'values' && k !== 'interpolation');
  if (extra.length > 0) {
    throw new ValueError(
      `${name}: unknown key(s) ${extra.map((k) => `'${k}'`).join(', ')}; expected 'values' and optionally 'interpolation'`,
    );
  }
  if (c.values === undefined)
    throw new ValueError(`${name}.values: missing; give a tree of tensors with leading axis M`);
  const interpolation = assertOneOf(
    c.interpolation ?? 'constant',
    ['constant', 'linear'] as const,
    `${name}.interpolation`,
  );
  const { leaves, unflatten } = treeFlatten(c.values);
  if (leaves.length === 0) throw new ValueError(`${name}.values: the tree has no tensors`);
  let m = -1;
  leaves.forEach((leaf, i) => {
    if (leaf.isDisposed) throw new ValueError(`${name}.values: leaf ${i} was already disposed`);
    if (leaf.rank < 1) {
      throw new ValueError(
        `${name}.values: leaf ${i} has shape ${formatShape(leaf.shape)}; every leaf needs a leading axis of length M (the control points)`,
      );
    }
    const mi = leaf.shape[0] as number;
    if (m < 0) m = mi;
    else if (mi !== m) {
      throw new ValueError(
        `${name}.values: leaves disagree on the number of control points M (leading axis): ${m} and ${mi}`,
      );
    }
  });
  assertNumber(m, `${name}.values: number of control points M (leading axis)`, {
    integer: true,
    min: interpolation === 'linear' ? 2 : 1,
  });
  return { leaves, spec: { kind: 'controls', unflatten, m, interpolation } };
}

/**
 * The controls at time `t`, as the solver sees them: piecewise constant (`values[j]` on
 * `[t0 + jT/M, t0 + (j+1)T/M)`, the last piece closed at `t1`) or linear between the nodes
 * `t0 + jT/(M−1)`. Returns new tensors (the caller disposes them).
 *
 * @param controls - The control grid; leaves `[M, ...]`.
 * @param t - A time in `[t0, t1]`.
 * @param interval - The solve interval (default `[0, 1]`).
 * @returns A tree like `controls.values` without the leading axis.
 * @throws {@link @runge/tensor-ops!ValueError} when `t` is outside the interval or the grid is invalid.
 * @example
 * ```ts
 * const K = controlsAt({ values: { K: Ks } }, 0.3); // Ks[1] when M = 4
 * ```
 */
export function controlsAt<P extends TensorTree>(
  controls: ControlGrid<P>,
  t: number,
  interval: { t0?: number; t1?: number } = {},
): P {
  const { t0 = 0, t1 = 1 } = interval;
  assertNumber(t0, 't0');
  assertNumber(t1, 't1');
  if (t0 === t1) throw new ValueError('controlsAt: t0 and t1 must differ');
  assertNumber(t, 't', { min: Math.min(t0, t1), max: Math.max(t0, t1) });
  const { leaves, spec } = validateControls(controls);
  return tf.tidy(() => {
    const src = makeParamSource(spec, leaves, t0, t1);
    // A step from t towards the interior picks the right-continuous piece (left at t1).
    const toward = t === t1 ? t0 : t1;
    const { tree } = src.at(t, t, toward);
    const out = treeFlatten(tree).leaves.map((x) => tf.clone(x));
    return spec.unflatten(out) as unknown as tf.TensorContainer;
  }) as unknown as P;
}

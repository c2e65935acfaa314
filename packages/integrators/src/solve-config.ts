// The validated form of a solve: options checked, the dynamics bound to flat leaves, the parameters unstacked.
import {
  assertNumber,
  DTypeError,
  isTensor,
  StructureError,
  type TensorTree,
  treeEntries,
  treeFlatten,
  ValueError,
} from '@runge/tensor-ops';
import type * as tf from '@tensorflow/tfjs-core';
import { type AdaptiveOptions, adaptiveSteps, checkControllerOrder } from './adaptive-steps.js';
import { type ParamSpec, validateControls } from './controls.js';
import type { AdaptiveSettings } from './dormand-prince.js';
import { type GradientSpec, resolveGradient } from './gradient-mode.js';
import type { ForwardSpec } from './internal/forward.js';
import type { Leaves } from './internal/leaves.js';
import { callRhs, checkDerivative, partitionOf } from './internal/state.js';
import type { System } from './internal/system.js';
import { resolveMethod } from './methods.js';
import { validateSaveAt } from './save-at.js';
import { residualOf, scaledOf } from './scaled-dynamics.js';
import type { Dynamics, PartitionedDynamics } from './types.js';

const OPTION_KEYS = [
  'f',
  'y0',
  't0',
  't1',
  'steps',
  'dt',
  'method',
  'params',
  'controls',
  'saveAt',
  'gradient',
  'adaptive',
] as const;

/** A validated solve. */
export interface SolveConfig {
  readonly spec: ForwardSpec;
  readonly system: System;
  readonly y0: Leaves;
  readonly unflattenY: (leaves: readonly tf.Tensor[]) => TensorTree;
  readonly paramSpec: ParamSpec;
  readonly paramLeaves: Leaves;
  readonly gradient: GradientSpec;
}

function isPartitioned(f: unknown): f is PartitionedDynamics {
  return (
    typeof f === 'object' &&
    f !== null &&
    typeof (f as { dq?: unknown }).dq === 'function' &&
    typeof (f as { dp?: unknown }).dp === 'function'
  );
}

function checkStateLeaves(leaves: Leaves, name: string): void {
  if (leaves.length === 0) throw new ValueError(`${name}: the state has no tensors`);
  leaves.forEach((leaf, i) => {
    if (leaf.isDisposed) {
      throw new ValueError(
        `${name}: leaf ${i} was already disposed; keep it alive (tf.keep) or recreate it`,
      );
    }
    if (leaf.dtype !== 'float32') {
      throw new DTypeError(
        `${name}: leaf ${i} has dtype '${leaf.dtype}'; ODE states must be 'float32' (convert with tf.cast)`,
      );
    }
  });
}

/**
 * Validates the options of {@link solve} and binds the dynamics to flat leaves: every problem is
 * reported before any work, naming the option and what to give instead.
 */
export function solveConfig(options: unknown): SolveConfig {
  if (typeof options !== 'object' || options === null) {
    throw new ValueError('solve: expected an options object { f, y0, ... }');
  }
  const o = options as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => !(OPTION_KEYS as readonly string[]).includes(k));
  if (unknown.length > 0) {
    throw new ValueError(
      `solve: unknown option(s) ${unknown.map((k) => `'${k}'`).join(', ')}; allowed: ${OPTION_KEYS.join(', ')}`,
    );
  }
  const f = o.f;
  const partitioned = isPartitioned(f);
  if (!partitioned && typeof f !== 'function') {
    throw new ValueError(
      'f: expected a function f(t, y, params) or PartitionedDynamics { dq, dp }',
    );
  }
  if (o.y0 === undefined)
    throw new ValueError('y0: missing; give the initial state (a tensor or a tree of tensors)');
  const y0Tree = o.y0 as TensorTree;
  const { leaves: y0, unflatten: unflattenY } = treeFlatten(y0Tree);
  checkStateLeaves(y0, 'y0');
  const t0 = assertNumber(o.t0 ?? 0, 't0');
  const t1 = assertNumber(o.t1 ?? 1, 't1');
  if (t0 === t1)
    throw new ValueError(`t0 and t1 are both ${t0}; give an interval of positive length`);

  const method = resolveMethod(o.method ?? (partitioned ? 'leapfrog' : 'rk4'));
  let system: System;
  if (partitioned) {
    const keys =
      isTensor(y0Tree) || Array.isArray(y0Tree) ? [] : Object.keys(y0Tree as object).sort();
    if (keys.length !== 2 || keys[0] !== 'p' || keys[1] !== 'q') {
      throw new StructureError(
        `y0: PartitionedDynamics need the state { q, p }, got ${Array.isArray(y0Tree) ? 'a list' : `keys {${keys.join(', ')}}`}`,
      );
    }
    const partition = partitionOf(treeEntries(y0Tree).map(([path]) => path));
    const { q, p } = y0Tree as { q: TensorTree; p: TensorTree };
    const qf = treeFlatten(q);
    const pf = treeFlatten(p);
    const fp = f as PartitionedDynamics;
    system = {
      kind: 'partitioned',
      partition,
      dq: (t, pl, params) =>
        checkDerivative(
          callRhs('f.dq', pl, params, () => treeFlatten(fp.dq(t, pf.unflatten(pl), params)).leaves),
          qf.leaves,
          'f.dq',
        ),
      dp: (t, ql, params) =>
        checkDerivative(
          callRhs('f.dp', ql, params, () => treeFlatten(fp.dp(t, qf.unflatten(ql), params)).leaves),
          pf.leaves,
          'f.dp',
        ),
    };
  } else {
    if (method.kind === 'leapfrog') {
      throw new ValueError(
        "method 'leapfrog' needs PartitionedDynamics: pass f = { dq: (t, p, θ) => q', dp: (t, q, θ) => p' } and y0 = { q, p } (a second-order q'' = g(t, q) is dq = p, dp = g), or choose an RK method",
      );
    }
    const fg = f as Dynamics;
    const scaled = scaledOf(fg);
    const residual = residualOf(fg);
    // The user's f (or its scaled evaluation) on flat leaves, its output checked against y.
    const onLeaves = (
      name: string,
      yl: Leaves,
      params: TensorTree,
      call: (y: TensorTree) => TensorTree,
    ) =>
      checkDerivative(
        callRhs(name, yl, params, () => treeFlatten(call(unflattenY(yl))).leaves),
        yl,
        name,
      );
    system = {
      kind: 'general',
      f: (t, yl, params) => onLeaves('f', yl, params, (y) => fg(t, y, params)),
      ...(scaled === undefined
        ? {}
        : {
            scaled: (t: number, yl: Leaves, params: TensorTree, c: number) =>
              onLeaves('f.scaled', yl, params, (y) => scaled(t, y, params, c)),
          }),
      ...(residual === undefined
        ? {}
        : {
            residual: (t: number, yl: Leaves, params: TensorTree, c: number) =>
              onLeaves('f.residual', yl, params, (y) => residual(t, y, params, c)),
          }),
    };
  }

  if (o.steps !== undefined && o.dt !== undefined) {
    throw new ValueError('give either steps (the number of steps) or dt (the step size), not both');
  }
  const adaptive =
    method.kind === 'rk' && method.embedded && o.steps === undefined && o.dt === undefined;
  let steps = 0;
  if (!adaptive) {
    if (o.steps === undefined && o.dt === undefined) {
      throw new ValueError(
        `method '${method.name}' takes fixed steps: give steps (the number of steps) or dt (the step size)${method.kind === 'rk' ? ", or use method 'dopri5' to choose steps adaptively" : ''}`,
      );
    }
    if (o.steps !== undefined) {
      steps = assertNumber(o.steps, 'steps', { integer: true, min: 1 });
    } else {
      const dt = assertNumber(o.dt, 'dt', { min: 0, exclusiveMin: true });
      steps = Math.max(1, Math.ceil(Math.abs(t1 - t0) / dt - 1e-9));
    }
    if (o.adaptive !== undefined) {
      throw new ValueError(
        `adaptive applies to adaptive solves only (method 'dopri5' or an embedded tableau, without steps/dt); remove it, or drop steps/dt${method.kind === 'rk' && !method.embedded ? " and use method 'dopri5'" : ''}`,
      );
    }
  }
  let settings: AdaptiveSettings | undefined;
  if (adaptive && method.kind === 'rk') {
    const given = adaptiveSteps(o.adaptive as AdaptiveOptions | undefined);
    checkControllerOrder(
      given,
      Math.min(method.tableau.order, method.tableau.embeddedOrder ?? method.tableau.order),
    );
    settings = {
      tableau: method.tableau,
      rtol: given.rtol,
      atol: given.atol,
      dtMin: given.dtMin ?? 1e-10 * Math.abs(t1 - t0),
      maxSteps: given.maxSteps,
      controller: given.controller,
      ...(given.firstStep !== undefined ? { firstStep: given.firstStep } : {}),
    };
  }

  if (o.params !== undefined && o.controls !== undefined) {
    throw new ValueError(
      'give either params (constant) or controls (time-dependent on a grid), not both',
    );
  }
  let paramSpec: ParamSpec = { kind: 'none' };
  let paramLeaves: Leaves = [];
  if (o.controls !== undefined) {
    const c = validateControls(o.controls);
    paramSpec = c.spec;
    paramLeaves = c.leaves;
  } else if (o.params !== undefined) {
    const { leaves, unflatten } = treeFlatten(o.params as TensorTree);
    leaves.forEach((leaf, i) => {
      if (leaf.isDisposed) throw new ValueError(`params: leaf ${i} was already disposed`);
    });
    paramSpec = { kind: 'params', unflatten };
    paramLeaves = leaves;
  }

  const gradient = resolveGradient(o.gradient, method.name);
  if (gradient.mode !== 'backprop') {
    paramLeaves.forEach((leaf, i) => {
      if (leaf.dtype !== 'float32') {
        throw new DTypeError(
          `${o.controls !== undefined ? 'controls.values' : 'params'}: leaf ${i} has dtype '${leaf.dtype}'; gradient '${gradient.mode}' differentiates every parameter, so they must be 'float32'`,
        );
      }
    });
  }
  const saveAt = validateSaveAt(o.saveAt, t0, t1, adaptive ? undefined : steps);
  const spec: ForwardSpec = {
    method,
    t0,
    t1,
    steps,
    saveAt,
    ...(settings ? { adaptive: settings } : {}),
  };
  return {
    spec,
    system,
    y0,
    unflattenY,
    paramSpec,
    paramLeaves,
    gradient,
  };
}

import {
  assertNumber,
  assertOneOf,
  DTypeError,
  isTensor,
  StateError,
  StructureError,
  type TensorTree,
  treeEntries,
  treeFlatten,
  ValueError,
} from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { adjointBackward } from './adjoint.js';
import { checkpointBackward, checkpointRecorder } from './checkpoint.js';
import { makeParamSource, type ParamSpec, validateControls } from './controls.js';
import {
  type AdaptiveSettings,
  DEFAULT_CONTROLLER,
  type StepController,
} from './dormand-prince.js';
import type { BackwardContext, BackwardResult } from './internal/backward.js';
import { type ForwardResult, type ForwardSpec, runForward } from './internal/forward.js';
import { disposeLeaves, type Leaves } from './internal/leaves.js';
import { checkDerivative, partitionOf } from './internal/state.js';
import { makeStepper } from './internal/steppers.js';
import type { System } from './internal/system.js';
import { isRecording, withoutTape } from './internal/vjp.js';
import { resolveMethod } from './methods.js';
import { reversibleBackward } from './reversible.js';
import type {
  ControlGrid,
  Dynamics,
  GradientMode,
  Method,
  PartitionedDynamics,
  SolveResult,
  SolveStats,
} from './types.js';

/**
 * `T` with every tensor type widened to `tf.Tensor` (records, lists and tuples kept), so that a
 * state built with `tf.tensor2d` can be advanced by an `f` that returns a plain `tf.Tensor`.
 */
export type Widen<T, Depth extends unknown[] = []> = Depth['length'] extends 8
  ? T
  : T extends tf.Tensor
    ? tf.Tensor
    : { [K in keyof T]: Widen<T[K], [...Depth, unknown]> };

/** Options shared by every call of {@link solve}. */
export interface SolveCommonOptions<P extends TensorTree = TensorTree> {
  /** Start time; default 0. */
  readonly t0?: number;
  /** End time; default 1. May be smaller than `t0` (integration backwards in time). */
  readonly t1?: number;
  /** Number of equal steps (fixed-step methods). Give `steps` or `dt`, not both. */
  readonly steps?: number;
  /**
   * Largest step size (fixed-step methods): `N = ceil(|t1 − t0| / dt)` equal steps of
   * `(t1 − t0)/N`, so the grid ends exactly at `t1`.
   */
  readonly dt?: number;
  /**
   * The integrator; default `'rk4'` for {@link Dynamics} and `'leapfrog'` for
   * {@link PartitionedDynamics}. `'dopri5'` (or a tableau with `bHat`) is adaptive unless
   * `steps`/`dt` is given, in which case its fifth-order solution is used with fixed steps.
   */
  readonly method?: Method;
  /** Constant parameters passed to `f` (gradients flow to them); `f` gets `{}` when neither these nor `controls` are given. */
  readonly params?: P;
  /** Time-dependent parameters on their own grid, interpolated to each stage time. */
  readonly controls?: ControlGrid<P>;
  /**
   * Times at which to return the state, within `[t0, t1]` and sorted in the direction of
   * integration. Fixed-step solves must have them on the step grid (no interpolation is done);
   * adaptive solves step to them exactly.
   */
  readonly saveAt?: readonly number[];
  /** How gradients are computed; default `'backprop'`. See {@link GradientMode}. */
  readonly gradient?: GradientMode;
  /** `'checkpoint'` only: store every k-th state; default `ceil(√N)` (adaptive: adjusted to `≈ √N` as steps are taken). */
  readonly checkpointEvery?: number;
  /** Adaptive only: relative tolerance; default 1e-5 (float32 cannot honour much below 1e-6). */
  readonly rtol?: number;
  /** Adaptive only: absolute tolerance; default 1e-7. */
  readonly atol?: number;
  /** Adaptive only: size of the first step; default chosen automatically (Hairer's algorithm). */
  readonly firstStep?: number;
  /** Adaptive only: the smallest step allowed before failing; default `1e-10 · |t1 − t0|`. */
  readonly dtMin?: number;
  /** Adaptive only: the most steps attempted (accepted + rejected) before failing; default 10000. */
  readonly maxSteps?: number;
  /** Adaptive only: PI step-size controller constants. */
  readonly controller?: StepController;
}

/** Options of {@link solve} for `y' = f(t, y, θ)`. */
export interface SolveOptions<Y extends TensorTree = TensorTree, P extends TensorTree = TensorTree>
  extends SolveCommonOptions<P> {
  /** The right-hand side. */
  readonly f: Dynamics<Widen<Y>, P>;
  /** The initial state: a tensor or a tree of tensors (float32), batched as `f` expects. */
  readonly y0: Y;
}

/** Options of {@link solve} for a partitioned system `q' = dq(t, p, θ)`, `p' = dp(t, q, θ)`. */
export interface PartitionedSolveOptions<
  Q extends TensorTree = TensorTree,
  Pm extends TensorTree = TensorTree,
  P extends TensorTree = TensorTree,
> extends SolveCommonOptions<P> {
  /** The two halves of the right-hand side. */
  readonly f: PartitionedDynamics<Widen<Q>, Widen<Pm>, P>;
  /** The initial state `{ q, p }`. */
  readonly y0: { readonly q: Q; readonly p: Pm };
}

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
  'checkpointEvery',
  'rtol',
  'atol',
  'firstStep',
  'dtMin',
  'maxSteps',
  'controller',
] as const;

const ADAPTIVE_KEYS = ['rtol', 'atol', 'firstStep', 'dtMin', 'maxSteps', 'controller'] as const;

const GRADIENT_MODES = ['backprop', 'checkpoint', 'adjoint', 'reversible'] as const;

/** A validated solve. */
interface SolveConfig {
  readonly spec: ForwardSpec;
  readonly system: System;
  readonly y0: Leaves;
  readonly unflattenY: (leaves: readonly tf.Tensor[]) => TensorTree;
  readonly paramSpec: ParamSpec;
  readonly paramLeaves: Leaves;
  readonly gradient: GradientMode;
  readonly checkpointEvery?: number;
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

function validateSaveAt(
  saveAt: unknown,
  t0: number,
  t1: number,
  fixedSteps: number | undefined,
): number[] {
  if (saveAt === undefined) return [];
  if (!Array.isArray(saveAt)) throw new ValueError('saveAt: expected an array of times');
  const lo = Math.min(t0, t1);
  const hi = Math.max(t0, t1);
  const span = hi - lo;
  const dir = Math.sign(t1 - t0);
  const out: number[] = [];
  saveAt.forEach((s: unknown, i) => {
    if (typeof s !== 'number' || !Number.isFinite(s)) {
      throw new ValueError(`saveAt[${i}]: expected a finite number, got ${String(s)}`);
    }
    if (s < lo - 1e-12 * span || s > hi + 1e-12 * span) {
      throw new ValueError(
        `saveAt[${i}] = ${s} is outside the interval [${lo}, ${hi}] between t0 = ${t0} and t1 = ${t1}`,
      );
    }
    const clamped = Math.min(hi, Math.max(lo, s));
    const prev = out[out.length - 1];
    if (prev !== undefined && dir * (clamped - prev) <= 0) {
      throw new ValueError(
        `saveAt must be strictly ${dir > 0 ? 'increasing' : 'decreasing'} (the direction from t0 = ${t0} to t1 = ${t1}); saveAt[${i - 1}] = ${prev}, saveAt[${i}] = ${s}`,
      );
    }
    if (fixedSteps !== undefined) {
      const u = ((clamped - t0) / (t1 - t0)) * fixedSteps;
      const k = Math.round(u);
      if (Math.abs(u - k) > 1e-6) {
        const h = (t1 - t0) / fixedSteps;
        const below = t0 + Math.floor(u) * h;
        throw new ValueError(
          `saveAt[${i}] = ${s} is not on the step grid t0 + k·h (h = ${h}, ${fixedSteps} steps; nearest grid times ${below} and ${below + h}); fixed-step solves do not interpolate: choose steps so that every save time is a grid point, or use method 'dopri5', which steps to the save times`,
        );
      }
      out.push(t0 + ((t1 - t0) * k) / fixedSteps);
    } else {
      out.push(clamped === t1 ? t1 : clamped === t0 ? t0 : clamped);
    }
  });
  return out;
}

function validateController(c: unknown, order: number): Required<StepController> {
  if (c === undefined) return DEFAULT_CONTROLLER;
  if (typeof c !== 'object' || c === null)
    throw new ValueError('controller: expected { safety?, minFactor?, maxFactor?, beta? }');
  const unknown = Object.keys(c).filter(
    (k) => !['safety', 'minFactor', 'maxFactor', 'beta'].includes(k),
  );
  if (unknown.length > 0) {
    throw new ValueError(
      `controller: unknown key(s) ${unknown.map((k) => `'${k}'`).join(', ')}; expected safety, minFactor, maxFactor, beta`,
    );
  }
  const o = c as StepController;
  const safety = assertNumber(o.safety ?? DEFAULT_CONTROLLER.safety, 'controller.safety', {
    min: 0,
    exclusiveMin: true,
    max: 1,
  });
  const minFactor = assertNumber(
    o.minFactor ?? DEFAULT_CONTROLLER.minFactor,
    'controller.minFactor',
    { min: 0, exclusiveMin: true, max: 1, exclusiveMax: true },
  );
  const maxFactor = assertNumber(
    o.maxFactor ?? DEFAULT_CONTROLLER.maxFactor,
    'controller.maxFactor',
    { min: 1, exclusiveMin: true },
  );
  const betaMax = (4 / 3) * (1 / (order + 1));
  const beta = assertNumber(o.beta ?? DEFAULT_CONTROLLER.beta, 'controller.beta', {
    min: 0,
    max: betaMax,
    exclusiveMax: true,
  });
  return { safety, minFactor, maxFactor, beta };
}

function validate(options: unknown): SolveConfig {
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
        checkDerivative(treeFlatten(fp.dq(t, pf.unflatten(pl), params)).leaves, qf.leaves, 'f.dq'),
      dp: (t, ql, params) =>
        checkDerivative(treeFlatten(fp.dp(t, qf.unflatten(ql), params)).leaves, pf.leaves, 'f.dp'),
    };
  } else {
    if (method.kind === 'leapfrog') {
      throw new ValueError(
        "method 'leapfrog' needs PartitionedDynamics: pass f = { dq: (t, p, θ) => q', dp: (t, q, θ) => p' } and y0 = { q, p } (a second-order q'' = g(t, q) is dq = p, dp = g), or choose an RK method",
      );
    }
    const fg = f as Dynamics;
    system = {
      kind: 'general',
      f: (t, yl, params) =>
        checkDerivative(treeFlatten(fg(t, unflattenY(yl), params)).leaves, yl, 'f'),
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
    const given = ADAPTIVE_KEYS.filter((k) => o[k] !== undefined);
    if (given.length > 0) {
      throw new ValueError(
        `${given.map((k) => `'${k}'`).join(', ')} appl${given.length > 1 ? 'y' : 'ies'} to adaptive solves only (method 'dopri5' or an embedded tableau, without steps/dt); remove ${given.length > 1 ? 'them' : 'it'} or switch to an adaptive solve`,
      );
    }
  }
  let settings: AdaptiveSettings | undefined;
  if (adaptive && method.kind === 'rk') {
    const span = Math.abs(t1 - t0);
    const rtol = assertNumber(o.rtol ?? 1e-5, 'rtol', { min: 0, exclusiveMin: true });
    const atol = assertNumber(o.atol ?? 1e-7, 'atol', { min: 0 });
    const firstStep =
      o.firstStep === undefined
        ? undefined
        : assertNumber(o.firstStep, 'firstStep', { min: 0, exclusiveMin: true });
    const dtMin = assertNumber(o.dtMin ?? 1e-10 * span, 'dtMin', { min: 0 });
    const maxSteps = assertNumber(o.maxSteps ?? 10_000, 'maxSteps', { integer: true, min: 1 });
    const q = Math.min(method.tableau.order, method.tableau.embeddedOrder ?? method.tableau.order);
    const controller = validateController(o.controller, q);
    settings = {
      tableau: method.tableau,
      rtol,
      atol,
      dtMin,
      maxSteps,
      controller,
      ...(firstStep !== undefined ? { firstStep } : {}),
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

  const gradient = assertOneOf(o.gradient ?? 'backprop', GRADIENT_MODES, 'gradient');
  if (gradient === 'reversible' && method.kind !== 'leapfrog') {
    throw new ValueError(
      `gradient 'reversible' needs an exactly invertible scheme: method 'leapfrog' with PartitionedDynamics (got '${method.name}'); for RK methods use 'checkpoint' (the same gradient as backprop, memory O(√N)) or 'adjoint'`,
    );
  }
  let checkpointEvery: number | undefined;
  if (o.checkpointEvery !== undefined) {
    if (gradient !== 'checkpoint') {
      throw new ValueError(
        `checkpointEvery applies to gradient 'checkpoint' only (gradient is '${gradient}')`,
      );
    }
    checkpointEvery = assertNumber(o.checkpointEvery, 'checkpointEvery', { integer: true, min: 1 });
  }
  if (gradient !== 'backprop') {
    paramLeaves.forEach((leaf, i) => {
      if (leaf.dtype !== 'float32') {
        throw new DTypeError(
          `${o.controls !== undefined ? 'controls.values' : 'params'}: leaf ${i} has dtype '${leaf.dtype}'; gradient '${gradient}' differentiates every parameter, so they must be 'float32'`,
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
    ...(checkpointEvery !== undefined ? { checkpointEvery } : {}),
  };
}

function solvePlain(cfg: SolveConfig): ForwardResult {
  const src = makeParamSource(cfg.paramSpec, cfg.paramLeaves, cfg.spec.t0, cfg.spec.t1);
  try {
    return runForward(cfg.spec, cfg.system, src, cfg.y0);
  } finally {
    src.dispose();
  }
}

function flatOutputs(y: Leaves, ys: readonly Leaves[]): tf.Tensor {
  const all = [...y, ...ys.flat()];
  return tf.tidy(() => tf.concat(all.map((x) => tf.reshape(x, [-1]))));
}

/** Splits a packed 1-D tensor into `groups` copies of the state's leaves. */
function unpack(packed: tf.Tensor, shapes: readonly number[][], groups: number): Leaves[] {
  return tf.tidy(() => {
    const sizes: number[] = [];
    for (let g = 0; g < groups; g++)
      for (const s of shapes) sizes.push(s.reduce((a, b) => a * b, 1));
    const parts = sizes.length === 1 ? [packed] : tf.split(packed, sizes);
    const out: Leaves[] = [];
    for (let g = 0; g < groups; g++) {
      out.push(shapes.map((s, i) => tf.reshape(parts[g * shapes.length + i] as tf.Tensor, s)));
    }
    return out;
  });
}

function explainDisposed(error: unknown): unknown {
  // A disposed tensor shows up as "disposed" in TF.js's own checks, and as a failed lookup of its
  // data ("reading 'backend'") when a kernel runs on it.
  if (
    error instanceof Error &&
    /disposed|reading 'backend'/i.test(error.message) &&
    !(error instanceof StateError)
  ) {
    return new StateError(
      `the backward pass re-evaluates f, and a tensor it uses was probably already disposed (${error.message}). In gradient modes 'checkpoint', 'adjoint' and 'reversible', tensors that f captures from its closure must stay alive until the gradient is computed: pass them through params or controls instead (which also gives them gradients)`,
      { cause: error },
    );
  }
  return error;
}

function solveWithCustomGradient(cfg: SolveConfig): ForwardResult {
  const { spec, system, gradient, paramSpec } = cfg;
  const nY = cfg.y0.length;
  const nP = cfg.paramLeaves.length;
  const shapes = cfg.y0.map((x) => x.shape.slice());
  const groups = 1 + spec.saveAt.length;
  let meta:
    | { plan: ForwardResult['plan']; saveStates: number[]; stats: SolveStats; ckpt: number[] }
    | undefined;

  // The forward pass runs with the tape paused rather than inside the custom-gradient op: no step
  // is recorded either way, but this way an f that itself calls tf.grad still works.
  const forward = withoutTape(() => {
    const src = makeParamSource(paramSpec, cfg.paramLeaves, spec.t0, spec.t1);
    const recorder =
      gradient === 'checkpoint' ? checkpointRecorder(spec, cfg.checkpointEvery) : undefined;
    let res: ForwardResult;
    try {
      res = runForward(spec, system, src, cfg.y0, recorder ?? {});
    } finally {
      src.dispose();
    }
    const checkpoints = recorder?.take() ?? new Map<number, Leaves>();
    const ckpt = [...checkpoints.keys()].sort((a, b) => a - b);
    const stored =
      gradient === 'checkpoint'
        ? ckpt.flatMap((k) => checkpoints.get(k) as Leaves)
        : [...res.y, ...res.ys.flat()];
    const packed = flatOutputs(res.y, res.ys);
    const owned = [...res.y, ...res.ys.flat(), ...stored];
    return { res, ckpt, stored, packed, owned };
  });
  meta = {
    plan: forward.res.plan,
    saveStates: forward.res.saveStates,
    stats: forward.res.stats,
    ckpt: forward.ckpt,
  };

  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const xs = args.slice(0, -1) as tf.Tensor[];
    // The engine keeps its own handles on what is saved and releases them after the backward
    // pass (or when no backward pass comes), so nothing here outlives the gradient computation.
    save([...xs, ...forward.stored]);
    return {
      value: tf.clone(forward.packed),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        try {
          // Paused tape: f's own gradient computations (and ours) start fresh tapes, and the
          // outer backward pass finds its tape where it left it.
          return withoutTape(() => backward(dy, saved));
        } catch (error) {
          // TF.js frees saved tensors only after a successful backward pass.
          for (const x of saved) x.dispose();
          throw explainDisposed(error);
        }
      },
    };
  });

  const backward = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
    const m = meta as NonNullable<typeof meta>;
    const inputs = saved.slice(0, nY + nP);
    const stored = saved.slice(nY + nP);
    const cot = unpack(dy, shapes, groups);
    const src = makeParamSource(paramSpec, inputs.slice(nY), spec.t0, spec.t1);
    let result: BackwardResult | undefined;
    try {
      const ctx: BackwardContext = {
        spec,
        system,
        src,
        plan: m.plan,
        saveStates: m.saveStates,
        lambda: cot[0] as Leaves,
        dys: cot.slice(1),
      };
      if (gradient === 'checkpoint') {
        const checkpoints = new Map<number, Leaves>();
        m.ckpt.forEach((k, i) => {
          checkpoints.set(k, stored.slice(i * nY, (i + 1) * nY));
        });
        result = checkpointBackward(ctx, makeStepper(spec.method, system, src), checkpoints);
      } else {
        const outputs: Leaves[] = [];
        for (let g = 0; g < groups; g++) outputs.push(stored.slice(g * nY, (g + 1) * nY));
        result =
          gradient === 'adjoint'
            ? adjointBackward(ctx, outputs[0] as Leaves, outputs.slice(1))
            : reversibleBackward(
                ctx,
                makeStepper(spec.method, system, src),
                outputs[0] as Leaves,
                outputs.slice(1),
              );
      }
      const acc = result.acc;
      const gradsP = tf.tidy(() => src.assemble(acc).map((g) => tf.clone(g)));
      return [...result.gy0, ...gradsP];
    } finally {
      src.dispose();
      for (const c of cot) disposeLeaves(c);
      if (result) for (const leaves of result.acc.values()) disposeLeaves(leaves);
    }
  };

  let packed: tf.Tensor;
  try {
    packed = op(...cfg.y0, ...cfg.paramLeaves);
  } finally {
    forward.packed.dispose();
    for (const x of new Set(forward.owned)) x.dispose();
  }
  const outs = unpack(packed, shapes, groups);
  packed.dispose();
  const m = meta as unknown as NonNullable<typeof meta>;
  return {
    y: outs[0] as Leaves,
    ys: outs.slice(1),
    plan: m.plan,
    saveStates: m.saveStates,
    stats: m.stats,
  };
}

/**
 * Solves `y'(t) = f(t, y, θ)` from `t0` to `t1` (default `[0, 1]`) starting at `y0`, a tensor or a
 * tree of tensors (any batch shape `f` understands), with an explicit Runge–Kutta method (default
 * `'rk4'`), adaptive Dormand–Prince 5(4) (`'dopri5'`), leapfrog for {@link PartitionedDynamics},
 * or a user's {@link ButcherTableau}. `θ` is `params` (constant) or `controls` (a
 * {@link ControlGrid} interpolated to every stage time; its size `M` is independent of the
 * number of steps). Integrating backwards (`t1 < t0`) is supported.
 *
 * Gradients (of a loss of `y`/`ys` with respect to `y0` and `params`/`controls`) follow
 * `gradient`: `'backprop'` differentiates through every step (exact for the discrete solution);
 * `'checkpoint'` stores every k-th state and recomputes each segment in the backward pass (the
 * same gradient, memory like N/k + k); `'adjoint'` solves the continuous adjoint ODE backwards
 * (memory independent of N, an approximation of the discrete gradient); `'reversible'`
 * (leapfrog) reconstructs the states backwards (the backprop gradient to round-off, memory
 * independent of N). Outside a gradient computation every mode runs the same forward pass.
 *
 * In the non-backprop modes the backward pass calls `f` again, so tensors `f` captures must
 * still be alive then, and receive no gradient (pass them as `params` to train them). `f` may
 * itself use `tf.grad` (e.g. a Hamiltonian from its energy) in every mode. For leapfrog,
 * `'adjoint'` gives the discrete gradient exactly (a symplectic scheme applied to the adjoint
 * system is the adjoint of the scheme).
 *
 * @param options - See {@link SolveOptions} / {@link PartitionedSolveOptions}.
 * @returns `y` (the state at `t1`), `ys` (the states at `saveAt`), `ts` and work counters; the
 * caller owns and disposes `y` and `ys`.
 * @throws {@link @runge/tensor-ops!ValueError} for invalid options (unknown method, both or neither of
 * steps/dt, params with controls, saveAt outside `[t0, t1]` or off the grid, leapfrog with a
 * non-partitioned f, `'reversible'` with an RK method, …).
 * @throws {@link @runge/tensor-ops!ShapeError} when `f` returns a tree shaped unlike the state.
 * @throws {@link @runge/tensor-ops!NumericalError} when an adaptive solve's step falls below `dtMin` or exceeds
 * `maxSteps`.
 * @example
 * ```ts
 * // y' = -y on [0, 1], batch of 3 scalars, 10 RK4 steps
 * const { y } = solve({ f: (t, y) => tf.neg(y), y0: tf.ones([3, 1]), steps: 10 });
 * // a ResNet trained through the continuous adjoint
 * const loss = () => tf.tidy(() => {
 *   const { y } = solve({ f: (t, Y, { K, b }) => tf.tanh(tf.add(tf.matMul(Y, K), b)),
 *     y0: X, controls: { values: { K: Ks, b: bs } }, steps: 16, gradient: 'adjoint' });
 *   return tf.mean(tf.square(tf.sub(y, target)));
 * });
 * ```
 */
export function solve<
  Q extends TensorTree,
  Pm extends TensorTree,
  P extends TensorTree = TensorTree,
>(options: PartitionedSolveOptions<Q, Pm, P>): SolveResult<{ q: Q; p: Pm }>;
export function solve<Y extends TensorTree, P extends TensorTree = TensorTree>(
  options: SolveOptions<Y, P>,
): SolveResult<Y>;
export function solve(options: SolveOptions | PartitionedSolveOptions): SolveResult {
  const cfg = validate(options);
  const custom = cfg.gradient !== 'backprop' && isRecording();
  const out = custom ? solveWithCustomGradient(cfg) : solvePlain(cfg);
  return {
    y: cfg.unflattenY(out.y),
    ys: out.ys.map((leaves) => cfg.unflattenY(leaves)),
    ts: cfg.spec.saveAt.slice(),
    stats: out.stats,
  };
}

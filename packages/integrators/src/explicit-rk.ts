import {
  assertNumber,
  assertOneOf,
  type TensorTree,
  treeFlatten,
  ValueError,
} from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { axpy, combine, type Leaves, type Term } from './internal/leaves.js';
import { checkDerivative } from './internal/state.js';
import { FIXED_STEP_TABLEAUX, validateTableau } from './tableaux.js';
import type { ButcherTableau, Dynamics, FixedStepMethodName } from './types.js';

/** Gradient contributions of one stage to a parameter slot (a control piece, or all params). */
export interface SlotLeaves {
  readonly slot: number;
  readonly leaves: Leaves;
}

/**
 * One evaluation of the (possibly augmented) right-hand side: the state derivative `k` and, for
 * adjoint sweeps, quadrature terms `quad` per parameter slot (integrated with the same weights).
 */
export interface StageResult {
  readonly k: Leaves;
  readonly quad?: readonly SlotLeaves[];
}

/** A right-hand side at stage time `t` of a step from `a` to `b` (the step decides control pieces). */
export type StageFn = (t: number, y: Leaves, a: number, b: number) => StageResult;

/**
 * `c` times the right-hand side at stage time `t` of a step from `a` to `b`, evaluated directly
 * (see `withScaled`).
 */
export type ScaledStageFn = (t: number, y: Leaves, a: number, b: number, c: number) => StageResult;

/** Options of {@link rkStep}. */
export interface RkStepOptions {
  /**
   * Evaluate each stage that enters the step once, with coefficient `c`, as `scaled(…, c)` and
   * add it unscaled. Not with `first`, `needLast` or `error`, nor for an FSAL tableau (their
   * stages are reused); the result then has no `last`.
   */
  readonly scaled?: ScaledStageFn;
  /**
   * `y + c f` evaluated directly (the stage result's `k` is the new state): a one-stage method
   * whose step is `y + h k_1` (forward Euler) is then `residual(t, y, …, h)`, with the same
   * conditions as `scaled`.
   */
  readonly residual?: ScaledStageFn;
  /** The first stage, already known (first-same-as-last reuse). */
  readonly first?: StageResult;
  /** Evaluate the last stage of an FSAL tableau (needed for its error estimate and the next step). */
  readonly needLast?: boolean;
  /** Also return the mixed RMS error norm of the embedded estimate. */
  readonly error?: { readonly rtol: number; readonly atol: number };
}

/** What {@link rkStep} computed. */
export interface RkStepResult {
  readonly y: Leaves;
  /** The last stage evaluated (for FSAL, `f(t + h, y_{n+1})`). */
  readonly last?: StageResult;
  /** `sqrt(mean_i (e_i / (atol + rtol max(|y_i|, |y_new,i|)))²)` over all entries of all leaves. */
  readonly err?: tf.Scalar;
  /** `h Σ_i b_i quad_i` per slot. */
  readonly quad?: SlotLeaves[];
  /** Right-hand-side evaluations made. */
  readonly nfe: number;
}

/**
 * One explicit Runge–Kutta step over flat leaves:
 * `k_i = f(t + c_i h, y + h Σ_{j<i} a_ij k_j)`, `y_{n+1} = y + h Σ_i b_i k_i`.
 * Creates tensors in the caller's scope (wrap in `tf.tidy`).
 */
export function rkStep(
  tableau: ButcherTableau,
  fn: StageFn,
  t: number,
  h: number,
  y: Leaves,
  options: RkStepOptions = {},
): RkStepResult {
  const { a, b, c } = tableau;
  const s = b.length;
  const end = t + h;
  const ks: StageResult[] = [];
  let nfe = 0;
  let yNew: Leaves | undefined;
  const needLast = options.needLast === true || options.error !== undefined;
  if (
    options.residual !== undefined &&
    s === 1 &&
    b[0] === 1 &&
    options.first === undefined &&
    !needLast &&
    tableau.fsal !== true
  ) {
    return { y: options.residual(t + (c[0] as number) * h, y, t, end, h).k, nfe: 1 };
  }
  const pre =
    options.scaled !== undefined &&
    options.first === undefined &&
    !needLast &&
    tableau.fsal !== true
      ? singleUseCoefficients(tableau)
      : null;
  // The coefficient of stage j in a combination: 1 when the stage was evaluated scaled.
  const coef = (j: number, w: number): number => (pre !== null && pre[j] !== null ? 1 : h * w);
  for (let i = 0; i < s; i++) {
    if (i === 0 && options.first !== undefined) {
      ks.push(options.first);
      continue;
    }
    const fsalLast = tableau.fsal === true && i === s - 1;
    if (fsalLast && !needLast) break;
    let yi: Leaves;
    if (i === 0) {
      yi = y;
    } else if (fsalLast) {
      yNew = axpy(
        y,
        ks.map((k, j): Term => [h * (b[j] as number), k.k]),
      );
      yi = yNew;
    } else {
      const row = a[i] as readonly number[];
      yi = axpy(
        y,
        row.map((aij, j): Term => [aij === 0 ? 0 : coef(j, aij), (ks[j] as StageResult).k]),
      );
    }
    const ti = t + (c[i] as number) * h;
    const scale = pre?.[i] ?? null;
    ks.push(
      scale !== null && options.scaled !== undefined
        ? options.scaled(ti, yi, t, end, h * scale)
        : fn(ti, yi, t, end),
    );
    nfe++;
  }
  yNew ??= axpy(
    y,
    ks.map((k, j): Term => {
      const bj = b[j] as number;
      return [bj === 0 ? 0 : coef(j, bj), k.k];
    }),
  );
  let err: tf.Scalar | undefined;
  if (options.error !== undefined) {
    const bHat = tableau.bHat as readonly number[];
    const e = combine(ks.map((k, j): Term => [h * ((b[j] as number) - (bHat[j] as number)), k.k]));
    err = errorNorm(e, y, yNew, options.error.rtol, options.error.atol);
  }
  let quad: SlotLeaves[] | undefined;
  if (ks.some((k) => k.quad !== undefined)) {
    const bySlot = new Map<number, Term[]>();
    ks.forEach((k, i) => {
      for (const part of k.quad ?? []) {
        const terms = bySlot.get(part.slot) ?? [];
        terms.push([h * (b[i] as number), part.leaves]);
        bySlot.set(part.slot, terms);
      }
    });
    quad = [];
    for (const [slot, terms] of bySlot) {
      const leaves = combine(terms);
      if (leaves !== null) quad.push({ slot, leaves });
    }
  }
  const last = pre === null ? ks[ks.length - 1] : undefined;
  return {
    y: yNew,
    ...(last ? { last } : {}),
    ...(err ? { err } : {}),
    ...(quad ? { quad } : {}),
    nfe,
  };
}

/**
 * Per stage, the one nonzero coefficient with which it enters the step (`a_ij` of a later stage,
 * or `b_i`), or `null` when it enters more than once or not at all; `null` for the whole
 * tableau when no stage enters once.
 */
function singleUseCoefficients(tableau: ButcherTableau): (number | null)[] | null {
  const { a, b } = tableau;
  const once = b.map((bi, i) => {
    const uses = [bi, ...a.slice(i + 1).map((row) => row[i] ?? 0)].filter((w) => w !== 0);
    return uses.length === 1 ? (uses[0] as number) : null;
  });
  return once.some((w) => w !== null) ? once : null;
}

/**
 * The mixed error norm of an embedded estimate `e`:
 * `sqrt(mean_i (e_i / (atol + rtol · max(|y_i|, |y_new,i|)))²)`, the mean over every entry of
 * every leaf (batch included). A zero estimate gives 0.
 */
export function errorNorm(
  e: Leaves | null,
  y: Leaves,
  yNew: Leaves,
  rtol: number,
  atol: number,
): tf.Scalar {
  const n = y.reduce((acc, x) => acc + x.size, 0);
  if (e === null || n === 0) return tf.scalar(0);
  const parts = e.map((ei, i) => {
    const scale = tf.add(
      tf.mul(tf.maximum(tf.abs(y[i] as tf.Tensor), tf.abs(yNew[i] as tf.Tensor)), rtol),
      atol,
    );
    return tf.sum(tf.square(tf.div(ei, scale)));
  });
  const total = parts.length === 1 ? (parts[0] as tf.Tensor) : tf.addN(parts);
  return tf.sqrt(tf.div(total, n)) as tf.Scalar;
}

/** Options of {@link explicitRkStep}. */
export interface ExplicitRkStepOptions<Y extends TensorTree, P extends TensorTree> {
  /** The right-hand side `f(t, y, θ)`. */
  readonly f: Dynamics<Y, P>;
  /** A built-in fixed-step method name or a tableau; default `'rk4'`. */
  readonly method?: FixedStepMethodName | ButcherTableau;
  /** The state at `t`. */
  readonly y: Y;
  /** The time of `y`; default 0. */
  readonly t?: number;
  /** The step (negative steps go backwards in time). */
  readonly h: number;
  /** The parameters passed to `f`; default `{}`. */
  readonly params?: P;
}

/**
 * One explicit Runge–Kutta step on a tree of tensors,
 * `k_i = f(t + c_i h, y + h Σ_{j<i} a_ij k_j, θ)`, `y_{n+1} = y + h Σ_i b_i k_i`.
 * Building block for a network layer that is a single RK step (a ResNet block is one Euler
 * step). Intermediate tensors are released; the caller owns the result.
 *
 * @param options - `f`, `method` (default `'rk4'`), `y`, `t`, `h`, `params`.
 * @returns `y_{n+1}` with the structure and shapes of `y`.
 * @throws {@link @runge/tensor-ops!ValueError} for an unknown method, an invalid tableau or a non-finite `h`.
 * @throws {@link @runge/tensor-ops!ShapeError} when `f` returns a tree of another structure or shape than `y`.
 * @example
 * ```ts
 * // a ResNet block: Y + h relu(Y K + b)
 * const next = explicitRkStep({ f: (t, Y, { K, b }) => tf.relu(tf.add(tf.matMul(Y, K), b)),
 *   method: 'euler', y: Y, h: 0.1, params: { K, b } });
 * ```
 */
export function explicitRkStep<Y extends TensorTree, P extends TensorTree = TensorTree>(
  options: ExplicitRkStepOptions<Y, P>,
): Y {
  const { f, method = 'rk4', y, t = 0, h } = options;
  const params = (options.params ?? {}) as P;
  assertNumber(h, 'h');
  assertNumber(t, 't');
  const tableau =
    typeof method === 'string'
      ? (FIXED_STEP_TABLEAUX as Record<string, ButcherTableau | undefined>)[method]
      : validateTableau(method);
  if (tableau === undefined) {
    assertOneOf(method, Object.keys(FIXED_STEP_TABLEAUX), 'method');
    throw new ValueError(`method: unknown ${String(method)}`);
  }
  const { leaves, unflatten } = treeFlatten(y);
  const fn: StageFn = (ti, yi) => ({
    k: checkDerivative(treeFlatten(f(ti, unflatten(yi), params)).leaves, yi, 'f'),
  });
  return tf.tidy(() => {
    const out = rkStep(tableau, fn, t, h, leaves).y;
    return unflatten(out) as unknown as tf.TensorContainer;
  }) as unknown as Y;
}

import { assertNumber, StructureError, type TensorTree, treeFlatten } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import type { SlotLeaves, StageFn, StageResult } from './explicit-rk.js';
import { axpy, combine, type Leaves, type Term } from './internal/leaves.js';
import { checkDerivative } from './internal/state.js';
import type { PartitionedDynamics } from './types.js';

/**
 * The two half-systems of a partitioned right-hand side over flat leaves: `kick` maps the `q`
 * half to the derivative of the `p` half, `drift` maps `p` to the derivative of `q`.
 */
export interface PartitionedStages {
  readonly kick: StageFn;
  readonly drift: StageFn;
}

/** What one leapfrog step computed. */
export interface LeapfrogStepResult {
  readonly q: Leaves;
  readonly p: Leaves;
  /** The closing kick `dp(t + h, q₁)`: the next step's opening kick when the parameters agree. */
  readonly last: StageResult;
  /** Quadrature terms `h/2 q_kick(t) + h q_drift(t + h/2) + h/2 q_kick(t + h)` per slot. */
  readonly quad?: SlotLeaves[];
  readonly nfe: number;
}

function quadrature(parts: readonly (readonly [number, StageResult])[]): SlotLeaves[] | undefined {
  if (parts.every(([, r]) => r.quad === undefined)) return undefined;
  const bySlot = new Map<number, Term[]>();
  for (const [w, r] of parts) {
    for (const part of r.quad ?? []) {
      const terms = bySlot.get(part.slot) ?? [];
      terms.push([w, part.leaves]);
      bySlot.set(part.slot, terms);
    }
  }
  const out: SlotLeaves[] = [];
  for (const [slot, terms] of bySlot) {
    const leaves = combine(terms);
    if (leaves !== null) out.push({ slot, leaves });
  }
  return out;
}

/**
 * One kick–drift–kick leapfrog (Störmer–Verlet) step from `t` to `t + h` over flat leaves:
 * `p½ = p + h/2 dp(t, q)`, `q₁ = q + h dq(t + h/2, p½)`, `p₁ = p½ + h/2 dp(t + h, q₁)`.
 * Second order, symplectic, time-reversible. `first`, when given, is the opening kick
 * `dp(t, q)` already evaluated (the previous step's closing kick). Creates tensors in the
 * caller's scope.
 */
export function leapfrogLeaves(
  stages: PartitionedStages,
  t: number,
  h: number,
  q: Leaves,
  p: Leaves,
  first?: StageResult,
): LeapfrogStepResult {
  const end = t + h;
  const k0 = first ?? stages.kick(t, q, t, end);
  const pHalf = axpy(p, [[h / 2, k0.k]]);
  const d = stages.drift(t + h / 2, pHalf, t, end);
  const q1 = axpy(q, [[h, d.k]]);
  const k1 = stages.kick(end, q1, t, end);
  const p1 = axpy(pHalf, [[h / 2, k1.k]]);
  const quad = quadrature([
    [h / 2, k0],
    [h, d],
    [h / 2, k1],
  ]);
  return { q: q1, p: p1, last: k1, ...(quad ? { quad } : {}), nfe: first === undefined ? 3 : 2 };
}

/**
 * Undoes {@link leapfrogLeaves}: given the state at `t + h`, recovers the state at `t` by running
 * the three sub-steps backwards, `p½ = p₁ − h/2 dp(t + h, q₁)`, `q = q₁ − h dq(t + h/2, p½)`,
 * `p = p½ − h/2 dp(t, q)`. Exact in exact arithmetic; in float32 it recovers the state to
 * round-off, which is what makes reversible backpropagation possible.
 */
export function leapfrogInverseLeaves(
  stages: PartitionedStages,
  t: number,
  h: number,
  q1: Leaves,
  p1: Leaves,
): { q: Leaves; p: Leaves; nfe: number } {
  const end = t + h;
  const pHalf = axpy(p1, [[-h / 2, stages.kick(end, q1, t, end).k]]);
  const q = axpy(q1, [[-h, stages.drift(t + h / 2, pHalf, t, end).k]]);
  const p = axpy(pHalf, [[-h / 2, stages.kick(t, q, t, end).k]]);
  return { q, p, nfe: 3 };
}

/** Options of {@link leapfrogStep}. */
export interface LeapfrogStepOptions<
  Q extends TensorTree,
  Pm extends TensorTree,
  P extends TensorTree,
> {
  /** The partitioned system `q' = dq(t, p, θ)`, `p' = dp(t, q, θ)`. */
  readonly f: PartitionedDynamics<Q, Pm, P>;
  /** The state `{ q, p }` at `t`. */
  readonly y: { readonly q: Q; readonly p: Pm };
  /** The time of `y`; default 0. */
  readonly t?: number;
  /** The step (negative steps go backwards). */
  readonly h: number;
  /** The parameters passed to `dq` and `dp`; default `{}`. */
  readonly params?: P;
}

/**
 * One kick–drift–kick leapfrog (Störmer–Verlet) step on trees,
 * `p½ = p + h/2 dp(t, q)`, `q₁ = q + h dq(t + h/2, p½)`, `p₁ = p½ + h/2 dp(t + h, q₁)`:
 * order 2, symplectic, and exactly reversible (`h → −h` undoes it). A Hamiltonian network layer
 * (`dq = Kᵀσ(K p + b)`, `dp = −Kᵀσ(K q + b)`) is one such step.
 *
 * @param options - `f`, `y = { q, p }`, `t`, `h`, `params`.
 * @returns The state `{ q, p }` at `t + h`; the caller owns it.
 * @throws {@link @runge/tensor-ops!StructureError} when `y` is not `{ q, p }`.
 * @throws {@link @runge/tensor-ops!ShapeError} when `dq`/`dp` return trees shaped unlike `q`/`p`.
 * @example
 * ```ts
 * const osc = { dq: (t, p) => p, dp: (t, q) => tf.neg(q) };
 * const next = leapfrogStep({ f: osc, y: { q, p }, h: 0.1 });
 * ```
 */
export function leapfrogStep<
  Q extends TensorTree,
  Pm extends TensorTree,
  P extends TensorTree = TensorTree,
>(options: LeapfrogStepOptions<Q, Pm, P>): { q: Q; p: Pm } {
  const { f, y, t = 0, h } = options;
  const params = (options.params ?? {}) as P;
  assertNumber(h, 'h');
  assertNumber(t, 't');
  if (typeof y !== 'object' || y === null || !('q' in y) || !('p' in y)) {
    throw new StructureError('leapfrogStep: y must be a record { q, p }');
  }
  const qf = treeFlatten(y.q);
  const pf = treeFlatten(y.p);
  const stages: PartitionedStages = {
    kick: (ti, qi) => ({
      k: checkDerivative(treeFlatten(f.dp(ti, qf.unflatten(qi), params)).leaves, pf.leaves, 'dp'),
    }),
    drift: (ti, pi) => ({
      k: checkDerivative(treeFlatten(f.dq(ti, pf.unflatten(pi), params)).leaves, qf.leaves, 'dq'),
    }),
  };
  return tf.tidy(() => {
    const r = leapfrogLeaves(stages, t, h, qf.leaves, pf.leaves);
    return { q: qf.unflatten(r.q), p: pf.unflatten(r.p) } as unknown as tf.TensorContainer;
  }) as unknown as { q: Q; p: Pm };
}

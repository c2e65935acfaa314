import { StateError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import type { ParamSource } from './controls.js';
import { integrateAdaptive } from './dormand-prince.js';
import { rkStep, type SlotLeaves, type StageFn } from './explicit-rk.js';
import {
  accumulateAll,
  addCotangents,
  type BackwardContext,
  type BackwardResult,
  savesByState,
  splitGrads,
} from './internal/backward.js';
import { buildStops } from './internal/forward.js';
import { cloneLeaves, disposeLeaves, dotLeaves, type Leaves, tidy } from './internal/leaves.js';
import { joinLeaves, splitLeaves } from './internal/state.js';
import { type FlatRhs, generalRhs } from './internal/system.js';
import { gradientsOf } from './internal/vjp.js';
import { leapfrogLeaves, type PartitionedStages } from './leapfrog.js';

/**
 * One vector–Jacobian product of a right-hand side at `(t, x, θ(t))` with cotangent `w`:
 * returns `F(t, x, θ)`, `−(∂F/∂x)ᵀ w` and, per parameter slot, `−(∂F/∂θ_slot)ᵀ w` (the adjoint
 * right-hand sides), from one taped evaluation of `F`.
 */
function negatedVjp(
  rhs: FlatRhs,
  src: ParamSource,
  t: number,
  x: Leaves,
  w: Leaves,
  a: number,
  b: number,
): { value: Leaves; gx: Leaves; quad: SlotLeaves[] } {
  const slots = src.slotsAt(t, a, b);
  const slotTensors = slots.flatMap((j) => src.slotLeaves(j));
  let captured: Leaves = [];
  const { value, grads } = gradientsOf(() => {
    const out = rhs(t, x, src.at(t, a, b).tree);
    // The value of F is needed too; keep a handle past the gradient's forward scope.
    captured = out.map((o) => tf.keep(tf.clone(o)));
    return dotLeaves(out, w);
  }, [...x, ...slotTensors]);
  value.dispose();
  const fx = captured.map((c) => {
    const owned = tf.clone(c);
    c.dispose();
    return owned;
  });
  const { state, perSlot } = splitGrads(grads, x.length, slots, src);
  const gx = state.map((g) => tf.neg(g));
  disposeLeaves(state);
  const quad = perSlot.map(({ slot, leaves }) => {
    const neg = leaves.map((g) => tf.neg(g));
    disposeLeaves(leaves);
    return { slot, leaves: neg };
  });
  return { value: fx, gx, quad };
}

/**
 * The augmented right-hand side of the continuous adjoint (Chen et al. 2018) for `z = (y, λ)`:
 * `y' = f(t, y, θ)`, `λ' = −(∂f/∂y)ᵀ λ`, with quadrature `g' = −(∂f/∂θ)ᵀ λ` per slot.
 */
function augmentedStageFn(ctx: BackwardContext, nY: number): StageFn {
  const rhs = generalRhs(ctx.system);
  return (t, z, a, b) => {
    const r = negatedVjp(rhs, ctx.src, t, z.slice(0, nY), z.slice(nY), a, b);
    return { k: [...r.value, ...r.gx], quad: r.quad };
  };
}

/**
 * Leapfrog applied to the adjoint system of a partitioned one: with `Q̃ = (q, λ_p)` and
 * `P̃ = (p, λ_q)`, `Q̃' = (dq(p), −(∂dq/∂p)ᵀ λ_q)` depends on `P̃` only and
 * `P̃' = (dp(q), −(∂dp/∂q)ᵀ λ_p)` on `Q̃` only, so the augmented system is partitioned again and
 * the same kick–drift–kick scheme integrates it. Leapfrog being symplectic, the result is the
 * adjoint of the discrete leapfrog map: this "adjoint" is backprop's gradient (Sanz-Serna 2016).
 */
function augmentedPartitioned(ctx: BackwardContext): PartitionedStages {
  const system = ctx.system;
  if (system.kind !== 'partitioned')
    throw new StateError('augmentedPartitioned: the system is not partitioned');
  const nq = system.partition.qIdx.length;
  const np = system.partition.pIdx.length;
  return {
    kick: (t, qt, a, b) => {
      const r = negatedVjp(system.dp, ctx.src, t, qt.slice(0, nq), qt.slice(nq), a, b);
      return { k: [...r.value, ...r.gx], quad: r.quad };
    },
    drift: (t, pt, a, b) => {
      const r = negatedVjp(system.dq, ctx.src, t, pt.slice(0, np), pt.slice(np), a, b);
      return { k: [...r.value, ...r.gx], quad: r.quad };
    },
  };
}

/**
 * The backward pass of `'adjoint'`: integrates `(y, λ)` from `t1` back to `t0` with the forward
 * method (the same fixed grid, or adaptively with the same tolerances), starting from the final
 * state and `λ(t1) = ∂L/∂y(t1)`, and accumulates `∂L/∂θ = ∫ λᵀ ∂f/∂θ dt` with the method's
 * weights. At every save time the state is reset to the forward value and `∂L/∂y(s)` is added to
 * `λ`. Memory is independent of the number of steps; the result approximates the discrete
 * gradient with the method's accuracy (it is the gradient of the continuous problem, discretised).
 */
export function adjointBackward(
  ctx: BackwardContext,
  yFinal: Leaves,
  ysForward: readonly Leaves[],
): BackwardResult {
  const { spec, plan, system } = ctx;
  const n = plan.length;
  const nY = yFinal.length;
  const saves = savesByState(ctx.saveStates);
  const acc = new Map<number, Leaves>();
  const owned = new Set<tf.Tensor>();
  let y = yFinal;
  let lambda = addCotangents(ctx.lambda, ctx.dys, saves.get(n));
  const setY = (next: Leaves, fromSolver: boolean): void => {
    for (const leaf of y)
      if (owned.has(leaf)) {
        leaf.dispose();
        owned.delete(leaf);
      }
    y = next;
    if (fromSolver) for (const leaf of next) owned.add(leaf);
  };
  const atState = (k: number): void => {
    const slots = saves.get(k);
    // The final state's cotangents are in λ from the start; y0's are added at the end.
    if (slots === undefined || k === n || k === 0) return;
    setY(ysForward[slots[0] as number] as Leaves, false);
    const next = addCotangents(lambda, ctx.dys, slots);
    disposeLeaves(lambda);
    lambda = next;
  };
  try {
    if (spec.adaptive !== undefined) {
      const settings = spec.adaptive;
      const fn = augmentedStageFn(ctx, nY);
      const times = [...new Set(ctx.saveStates.filter((k) => k > 0 && k < n))].sort(
        (a, b) => b - a,
      );
      const timeOf = (k: number): number =>
        k === n ? spec.t1 : (plan[k] as (typeof plan)[number]).t;
      const bounds = [n, ...times, 0];
      for (let i = 0; i + 1 < bounds.length; i++) {
        const from = timeOf(bounds[i] as number);
        const to = bounds[i + 1] === 0 ? spec.t0 : timeOf(bounds[i + 1] as number);
        const { stops } = buildStops(from, to, [], ctx.src);
        const z0 = [...y, ...lambda];
        const result = integrateAdaptive(settings, fn, z0, from, stops, {
          onAccept: (_step, _z, quad) => {
            accumulateAll(
              acc,
              quad?.map((p) => ({ slot: p.slot, leaves: cloneLeaves(p.leaves) })),
            );
          },
        });
        disposeLeaves(lambda);
        setY(result.y.slice(0, nY), true);
        lambda = result.y.slice(nY);
        atState(bounds[i + 1] as number);
      }
    } else if (spec.method.kind === 'rk') {
      const fn = augmentedStageFn(ctx, nY);
      const { tableau } = spec.method;
      for (let k = n - 1; k >= 0; k--) {
        const step = plan[k] as (typeof plan)[number];
        const z = [...y, ...lambda];
        const r = tidy(() => {
          const out = rkStep(tableau, fn, step.t + step.h, -step.h, z);
          return { z: out.y, quad: out.quad };
        });
        accumulateAll(acc, r.quad);
        disposeLeaves(lambda);
        setY(r.z.slice(0, nY), true);
        lambda = r.z.slice(nY);
        atState(k);
      }
    } else {
      if (system.kind !== 'partitioned')
        throw new StateError('leapfrog adjoint: the system is not partitioned');
      const stages = augmentedPartitioned(ctx);
      const { partition } = system;
      for (let k = n - 1; k >= 0; k--) {
        const step = plan[k] as (typeof plan)[number];
        const [q, p] = splitLeaves(partition, y);
        const [lq, lp] = splitLeaves(partition, lambda);
        const r = tidy(() => {
          const out = leapfrogLeaves(
            stages,
            step.t + step.h,
            -step.h,
            [...q, ...lp],
            [...p, ...lq],
          );
          return { q: out.q, p: out.p, quad: out.quad };
        });
        accumulateAll(acc, r.quad);
        disposeLeaves(lambda);
        const nq = q.length;
        const np = p.length;
        setY(joinLeaves(partition, r.q.slice(0, nq), r.p.slice(0, np)), true);
        lambda = joinLeaves(partition, r.p.slice(np), r.q.slice(nq));
        atState(k);
      }
    }
  } catch (error) {
    setY([], false);
    disposeLeaves(lambda);
    for (const leaves of acc.values()) disposeLeaves(leaves);
    throw error;
  }
  setY([], false);
  const gy0 = addCotangents(lambda, ctx.dys, saves.get(0));
  disposeLeaves(lambda);
  return { gy0, acc };
}

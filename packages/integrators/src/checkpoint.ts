import * as tf from '@tensorflow/tfjs-core';
import {
  accumulate,
  addCotangents,
  type BackwardContext,
  type BackwardResult,
  savesByState,
  splitGrads,
} from './internal/backward.js';
import type { ForwardHooks, ForwardSpec } from './internal/forward.js';
import { cloneLeaves, disposeLeaves, dotLeaves, type Leaves } from './internal/leaves.js';
import type { Stepper } from './internal/steppers.js';
import { gradientsOf } from './internal/vjp.js';

/** A forward hook that keeps every k-th state; `take()` hands them over. */
export interface CheckpointRecorder extends ForwardHooks {
  take(): Map<number, Leaves>;
}

/**
 * Keeps the states `0, k, 2k, …` of a forward pass. With a fixed grid of `N` steps the default is
 * `k = ceil(√N)`. For adaptive solves (`N` unknown in advance) without an explicit `k`, it starts
 * at `k = 1` and doubles `k` (dropping every other checkpoint) whenever more than `2k` are held,
 * which keeps `k ≈ √N`.
 */
export function checkpointRecorder(spec: ForwardSpec, every?: number): CheckpointRecorder {
  const adaptive = spec.adaptive !== undefined;
  let k = every ?? (adaptive ? 1 : Math.max(1, Math.ceil(Math.sqrt(spec.steps))));
  const thin = every === undefined && adaptive;
  const kept = new Map<number, Leaves>();
  return {
    onState: (index, y) => {
      if (index % k !== 0) return;
      kept.set(index, cloneLeaves(y));
      if (thin && kept.size > 2 * k) {
        k *= 2;
        for (const [i, leaves] of kept) {
          if (i % k !== 0) {
            disposeLeaves(leaves);
            kept.delete(i);
          }
        }
      }
    },
    take: () => kept,
  };
}

/**
 * The backward pass of `'checkpoint'`: from the last segment to the first, re-run the segment's
 * steps from its checkpoint under a gradient tape and backpropagate
 * `⟨λ_end, y_end⟩ + Σ_saves ⟨∂L/∂y_s, y_s⟩` to the segment's start state and to the parameter
 * slots the segment used. Peak memory: the checkpoints plus one segment's tape, `O(N/k + k)`.
 * The result equals backprop's gradient (the same operations, recomputed).
 */
export function checkpointBackward(
  ctx: BackwardContext,
  stepper: Stepper,
  checkpoints: ReadonlyMap<number, Leaves>,
): BackwardResult {
  const { plan, src } = ctx;
  const n = plan.length;
  const saves = savesByState(ctx.saveStates);
  const starts = [...checkpoints.keys()].sort((a, b) => a - b);
  const acc = new Map<number, Leaves>();
  let lambda = addCotangents(ctx.lambda, ctx.dys, saves.get(n));
  try {
    for (let s = starts.length - 1; s >= 0; s--) {
      const a = starts[s] as number;
      const b = s + 1 < starts.length ? (starts[s + 1] as number) : n;
      const yStart = checkpoints.get(a) as Leaves;
      const used = new Set<number>();
      for (let i = a; i < b; i++) {
        const step = plan[i] as (typeof plan)[number];
        for (const t of stepper.stageTimes(step.t, step.h)) {
          for (const j of src.slotsAt(t, step.t, step.t + step.h)) used.add(j);
        }
      }
      const slots = [...used].sort((x, y) => x - y);
      const xs = [...yStart, ...slots.flatMap((j) => src.slotLeaves(j))];
      const lambdaEnd = lambda;
      const { value, grads } = gradientsOf(() => {
        let y = yStart;
        const terms: tf.Scalar[] = [];
        for (let i = a; i < b; i++) {
          const step = plan[i] as (typeof plan)[number];
          const current = y;
          const next = tf.tidy(() => stepper.step(step.t, step.h, current).y);
          if (current !== yStart) disposeLeaves(current);
          y = next;
          if (i + 1 < b) {
            for (const slot of saves.get(i + 1) ?? [])
              terms.push(dotLeaves(ctx.dys[slot] as Leaves, y));
          }
        }
        terms.push(dotLeaves(lambdaEnd, y));
        return (terms.length === 1 ? terms[0] : tf.addN(terms)) as tf.Scalar;
      }, xs);
      value.dispose();
      const { state, perSlot } = splitGrads(grads, yStart.length, slots, src);
      for (const part of perSlot) accumulate(acc, part.slot, part.leaves);
      lambda = addCotangents(state, ctx.dys, saves.get(a));
      disposeLeaves(state);
      disposeLeaves(lambdaEnd);
    }
  } catch (error) {
    disposeLeaves(lambda);
    for (const leaves of acc.values()) disposeLeaves(leaves);
    throw error;
  }
  return { gy0: lambda, acc };
}

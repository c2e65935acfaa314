import { StateError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import {
  accumulate,
  addCotangents,
  type BackwardContext,
  type BackwardResult,
  savesByState,
  splitGrads,
} from './internal/backward.js';
import { disposeLeaves, dotLeaves, type Leaves } from './internal/leaves.js';
import type { Stepper } from './internal/steppers.js';
import { gradientsOf } from './internal/vjp.js';

/**
 * The backward pass of `'reversible'`: walks the steps from last to first, reconstructing each
 * state from the next one with the exact inverse of the step (no state is stored), then
 * backpropagates `⟨λ_{n+1}, step(y_n)⟩` through one re-run of the step to get `λ_n` and the
 * parameter gradients. At save times the state is reset to the forward value. Memory is that of
 * one step, independent of `N`; the gradient is backprop's up to the float32 round-off of the
 * reconstruction.
 */
export function reversibleBackward(
  ctx: BackwardContext,
  stepper: Stepper,
  yFinal: Leaves,
  ysForward: readonly Leaves[],
): BackwardResult {
  const { plan, src } = ctx;
  const inverse = stepper.inverse;
  if (inverse === undefined) throw new StateError('reversible: the method has no exact inverse');
  const n = plan.length;
  const saves = savesByState(ctx.saveStates);
  const acc = new Map<number, Leaves>();
  let y = yFinal;
  let ownY = false;
  let lambda = addCotangents(ctx.lambda, ctx.dys, saves.get(n));
  try {
    for (let k = n - 1; k >= 0; k--) {
      const step = plan[k] as (typeof plan)[number];
      const next = y;
      const prev = tf.tidy(() => inverse(step.t, step.h, next).y);
      if (ownY) disposeLeaves(next);
      y = prev;
      ownY = true;
      const stageSlots = new Set<number>();
      for (const t of stepper.stageTimes(step.t, step.h)) {
        for (const j of src.slotsAt(t, step.t, step.t + step.h)) stageSlots.add(j);
      }
      const slots = [...stageSlots].sort((a, b) => a - b);
      const start = y;
      const lambdaNext = lambda;
      const { value, grads } = gradientsOf(
        () => dotLeaves(lambdaNext, stepper.step(step.t, step.h, start).y),
        [...start, ...slots.flatMap((j) => src.slotLeaves(j))],
      );
      value.dispose();
      const { state, perSlot } = splitGrads(grads, start.length, slots, src);
      for (const part of perSlot) accumulate(acc, part.slot, part.leaves);
      const here = k > 0 ? saves.get(k) : undefined;
      lambda = addCotangents(state, ctx.dys, here);
      disposeLeaves(state);
      disposeLeaves(lambdaNext);
      if (here !== undefined) {
        // The forward value is exact; the reconstruction carries round-off.
        disposeLeaves(y);
        y = ysForward[here[0] as number] as Leaves;
        ownY = false;
      }
    }
  } catch (error) {
    if (ownY) disposeLeaves(y);
    disposeLeaves(lambda);
    for (const leaves of acc.values()) disposeLeaves(leaves);
    throw error;
  }
  if (ownY) disposeLeaves(y);
  const gy0 = addCotangents(lambda, ctx.dys, saves.get(0));
  disposeLeaves(lambda);
  return { gy0, acc };
}

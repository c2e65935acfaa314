import * as tf from '@tensorflow/tfjs-core';
import type { ParamSource } from '../controls.js';
import type { PlannedStep } from '../dormand-prince.js';
import type { SlotLeaves } from '../explicit-rk.js';
import type { ForwardSpec } from './forward.js';
import { addLeaves, disposeLeaves, type Leaves } from './leaves.js';
import type { System } from './system.js';

/** What every backward pass knows. The cotangents belong to the caller (clone before keeping). */
export interface BackwardContext {
  readonly spec: ForwardSpec;
  readonly system: System;
  /** Parameters rebuilt from the saved inputs. */
  readonly src: ParamSource;
  /** The forward steps. */
  readonly plan: readonly PlannedStep[];
  /** For each save time, the index of its state (0 = `y0`). */
  readonly saveStates: readonly number[];
  /** `∂L/∂y(t1)`. */
  readonly lambda: Leaves;
  /** `∂L/∂y(s_i)` for every save time. */
  readonly dys: readonly Leaves[];
}

/** Gradients: `∂L/∂y0` and, per parameter slot, `∂L/∂slot`. The caller owns both. */
export interface BackwardResult {
  readonly gy0: Leaves;
  readonly acc: Map<number, Leaves>;
}

/** Adds `leaves` (taking ownership) to the accumulator of `slot`. */
export function accumulate(acc: Map<number, Leaves>, slot: number, leaves: Leaves): void {
  const prev = acc.get(slot);
  if (prev === undefined) {
    acc.set(slot, leaves);
    return;
  }
  const sum = tf.tidy(() => addLeaves(prev, leaves));
  disposeLeaves(prev);
  disposeLeaves(leaves);
  acc.set(slot, sum);
}

/** Adds quadrature terms (taking ownership) to their slots. */
export function accumulateAll(
  acc: Map<number, Leaves>,
  parts: readonly SlotLeaves[] | undefined,
): void {
  for (const part of parts ?? []) accumulate(acc, part.slot, part.leaves);
}

/** Save slots grouped by state index. */
export function savesByState(saveStates: readonly number[]): Map<number, number[]> {
  const out = new Map<number, number[]>();
  saveStates.forEach((k, slot) => {
    out.set(k, [...(out.get(k) ?? []), slot]);
  });
  return out;
}

/** `λ + Σ dys` for the save slots at one state (returns new tensors; `λ` is not disposed). */
export function addCotangents(
  lambda: Leaves,
  dys: readonly Leaves[],
  slots: readonly number[] | undefined,
): Leaves {
  return tf.tidy(() => {
    let out = lambda.map((x) => tf.clone(x));
    for (const slot of slots ?? []) {
      const next = addLeaves(out, dys[slot] as Leaves);
      out = next;
    }
    return out;
  });
}

/** Splits the gradients of `[...state, ...slot leaves]` back into the state part and per-slot parts. */
export function splitGrads(
  grads: Leaves,
  nState: number,
  slots: readonly number[],
  src: ParamSource,
): { state: Leaves; perSlot: { slot: number; leaves: Leaves }[] } {
  const state = grads.slice(0, nState);
  const perSlot: { slot: number; leaves: Leaves }[] = [];
  let offset = nState;
  for (const slot of slots) {
    const n = src.slotLeaves(slot).length;
    perSlot.push({ slot, leaves: grads.slice(offset, offset + n) });
    offset += n;
  }
  return { state, perSlot };
}

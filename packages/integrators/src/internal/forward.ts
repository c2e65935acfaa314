import type { ParamSource } from '../controls.js';
import {
  type AdaptiveSettings,
  integrateAdaptive,
  type PlannedStep,
  type Stop,
} from '../dormand-prince.js';
import type { ResolvedMethod } from '../methods.js';
import type { SolveStats } from '../types.js';
import { cloneLeaves, disposeLeaves, type Leaves, tidy } from './leaves.js';
import { type Carry, makeStepper, stageFnOf } from './steppers.js';
import type { System } from './system.js';

/** What a forward integration needs besides the dynamics and the initial state. */
export interface ForwardSpec {
  readonly method: ResolvedMethod;
  /** Present for adaptive solves. */
  readonly adaptive?: AdaptiveSettings;
  readonly t0: number;
  readonly t1: number;
  /** Number of steps of a fixed-step solve. */
  readonly steps: number;
  /** Save times, sorted in the direction of integration. */
  readonly saveAt: readonly number[];
}

/** Observes every state of the forward pass (index 0 is `y0`); must clone what it keeps. */
export interface ForwardHooks {
  onState?(k: number, y: Leaves): void;
}

/** The result of a forward integration; the caller owns `y` and `ys`. */
export interface ForwardResult {
  readonly y: Leaves;
  readonly ys: Leaves[];
  /** The steps taken (for replays in the backward pass). */
  readonly plan: PlannedStep[];
  /** For each save time, the index of the state it is (0 = `y0`, `plan.length` = final). */
  readonly saveStates: number[];
  readonly stats: SolveStats;
}

/** `N` equal steps from `t0` to `t1`, the times computed as `t0 + T k/N` (no drift). */
export function uniformPlan(t0: number, t1: number, n: number): PlannedStep[] {
  const plan: PlannedStep[] = [];
  const span = t1 - t0;
  let prev = t0;
  for (let k = 1; k <= n; k++) {
    const next = k === n ? t1 : t0 + (span * k) / n;
    plan.push({ t: prev, h: next - prev });
    prev = next;
  }
  return plan;
}

/** The state index of a save time on a uniform grid (validated beforehand to lie on it). */
export function gridIndex(s: number, t0: number, t1: number, n: number): number {
  return Math.round(((s - t0) / (t1 - t0)) * n);
}

/**
 * The stops of an adaptive solve, in the direction of integration: control breakpoints, save
 * times after `t0`, and `t1`; coincident times merged. Returns for each stop the save slots there.
 */
export function buildStops(
  t0: number,
  t1: number,
  saveAt: readonly number[],
  src: ParamSource,
): { stops: Stop[]; slots: number[][] } {
  const span = Math.abs(t1 - t0);
  const dir = Math.sign(t1 - t0);
  const raw: { t: number; jump: boolean; slot: number }[] = [];
  for (const b of src.breakpoints) {
    // Only breakpoints strictly inside the interval matter (callers may integrate sub-intervals).
    if (dir * (b.t - t0) > 1e-12 * span && dir * (t1 - b.t) > 1e-12 * span) {
      raw.push({ t: b.t, jump: b.jump, slot: -1 });
    }
  }
  saveAt.forEach((s, i) => {
    if (s !== t0) raw.push({ t: s, jump: false, slot: i });
  });
  raw.push({ t: t1, jump: false, slot: -1 });
  raw.sort((x, y) => dir * (x.t - y.t));
  const stops: Stop[] = [];
  const slots: number[][] = [];
  for (const r of raw) {
    const last = stops[stops.length - 1];
    if (last !== undefined && Math.abs(last.t - r.t) <= 1e-12 * span) {
      const merged = { t: r.t === t1 || last.t === t1 ? t1 : last.t, jump: last.jump || r.jump };
      stops[stops.length - 1] = merged;
      if (r.slot >= 0) (slots[slots.length - 1] as number[]).push(r.slot);
    } else {
      stops.push({ t: r.t, jump: r.jump });
      slots.push(r.slot >= 0 ? [r.slot] : []);
    }
  }
  return { stops, slots };
}

/**
 * Integrates the system from `y0` (never disposed) over the spec's interval, with the fixed-step
 * scheme or adaptively, and collects the states at the save times. Every step runs in its own
 * `tf.tidy`; without a gradient tape memory stays O(1) in the number of steps.
 */
export function runForward(
  spec: ForwardSpec,
  system: System,
  src: ParamSource,
  y0: Leaves,
  hooks: ForwardHooks = {},
): ForwardResult {
  const { t0, t1, saveAt } = spec;
  const ys: Leaves[] = new Array(saveAt.length);
  const saveStates: number[] = new Array(saveAt.length).fill(-1);
  saveAt.forEach((s, i) => {
    if (s === t0) {
      ys[i] = cloneLeaves(y0);
      saveStates[i] = 0;
    }
  });
  hooks.onState?.(0, y0);
  try {
    if (spec.adaptive !== undefined) {
      const { stops, slots } = buildStops(t0, t1, saveAt, src);
      let k = 0;
      const result = integrateAdaptive(spec.adaptive, stageFnOf(system, src), y0, t0, stops, {
        onAccept: (_step, y) => {
          k++;
          hooks.onState?.(k, y);
        },
        onStop: (si, y) => {
          for (const slot of slots[si] ?? []) {
            ys[slot] = cloneLeaves(y);
            saveStates[slot] = k;
          }
        },
      });
      return {
        y: result.y,
        ys,
        plan: result.plan,
        saveStates,
        stats: { nfe: result.nfe, steps: result.steps, rejected: result.rejected },
      };
    }
    const plan = uniformPlan(t0, t1, spec.steps);
    const savesAt = new Map<number, number[]>();
    saveAt.forEach((s, i) => {
      if (s === t0) return;
      const k = gridIndex(s, t0, t1, spec.steps);
      savesAt.set(k, [...(savesAt.get(k) ?? []), i]);
      saveStates[i] = k;
    });
    const stepper = makeStepper(spec.method, system, src);
    let y = y0;
    let nfe = 0;
    let carry: Carry | undefined;
    const releaseCarry = (): void => {
      if (carry !== undefined) disposeLeaves(carry.stage.k);
      carry = undefined;
    };
    try {
      plan.forEach((step, n) => {
        const current = y;
        const previous = carry;
        const next = tidy(() => {
          if (stepper.stepCarry !== undefined) {
            const r = stepper.stepCarry(step.t, step.h, current, previous);
            nfe += r.nfe;
            return { y: r.y, carry: r.carry };
          }
          const r = stepper.step(step.t, step.h, current);
          nfe += r.nfe;
          return { y: r.y, carry: undefined };
        });
        releaseCarry();
        carry = next.carry;
        if (current !== y0) disposeLeaves(current);
        y = next.y;
        hooks.onState?.(n + 1, y);
        for (const slot of savesAt.get(n + 1) ?? []) ys[slot] = cloneLeaves(y);
      });
    } catch (error) {
      if (y !== y0) disposeLeaves(y);
      throw error;
    } finally {
      releaseCarry();
    }
    return { y, ys, plan, saveStates, stats: { nfe, steps: plan.length, rejected: 0 } };
  } catch (error) {
    for (const leaves of ys) if (leaves !== undefined) disposeLeaves(leaves);
    throw error;
  }
}

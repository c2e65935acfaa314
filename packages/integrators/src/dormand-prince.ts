import { NumericalError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { rkStep, type SlotLeaves, type StageFn, type StageResult } from './explicit-rk.js';
import { axpy, disposeLeaves, type Leaves, tidy } from './internal/leaves.js';
import type { ButcherTableau } from './types.js';

/**
 * The PI step-size controller of an adaptive solve (Gustafsson; Hairer & Wanner's DOPRI5): after
 * a step with error norm `err ≤ 1` the next step is
 * `h · clamp(safety · err^(−α) · errPrev^β, minFactor, maxFactor)` with `α = 1/(q+1) − 0.75 β`
 * (`q` the lower of the two orders); after a rejected step
 * `h · max(minFactor, safety · err^(−α))`, and the step may not grow right after a rejection.
 */
export interface StepController {
  /** Safety factor; default 0.9. */
  readonly safety?: number;
  /** Smallest factor a step may shrink by; default 0.2. */
  readonly minFactor?: number;
  /** Largest factor a step may grow by; default 10. */
  readonly maxFactor?: number;
  /** Weight of the previous error (the "I" memory of the PI controller); default 0.04, 0 gives the classical controller. */
  readonly beta?: number;
}

/** The settings of an adaptive integration. */
export interface AdaptiveSettings {
  readonly tableau: ButcherTableau;
  readonly rtol: number;
  readonly atol: number;
  /** Size of the first step (magnitude); automatic when undefined. */
  readonly firstStep?: number;
  readonly dtMin: number;
  readonly maxSteps: number;
  readonly controller: Required<StepController>;
}

/** A time the adaptive solver must step to exactly (a save time, a control breakpoint, `t1`). */
export interface Stop {
  readonly t: number;
  /** Whether the right-hand side jumps here (the FSAL stage cannot be reused across it). */
  readonly jump: boolean;
}

/** One accepted step. */
export interface PlannedStep {
  readonly t: number;
  readonly h: number;
}

/** Callbacks of {@link integrateAdaptive}. */
export interface AdaptiveHooks {
  /** After each accepted step; `quad` (if any) is released right after the call. */
  onAccept?(step: PlannedStep, y: Leaves, quad: readonly SlotLeaves[] | undefined): void;
  /** When a stop is reached, with the state there (released by the solver later). */
  onStop?(stopIndex: number, y: Leaves): void;
}

/** What {@link integrateAdaptive} returns; the caller owns `y`. */
export interface AdaptiveResult {
  readonly y: Leaves;
  readonly plan: PlannedStep[];
  readonly nfe: number;
  readonly steps: number;
  readonly rejected: number;
}

/** Default PI controller constants (Hairer & Wanner's DOPRI5). */
export const DEFAULT_CONTROLLER: Required<StepController> = Object.freeze({
  safety: 0.9,
  minFactor: 0.2,
  maxFactor: 10,
  beta: 0.04,
});

function readNumbers(x: tf.Tensor): number[] {
  const values = Array.from(x.dataSync());
  x.dispose();
  return values;
}

/**
 * Hairer–Nørsett–Wanner's starting step: with `d0 = ‖y0‖`, `d1 = ‖f0‖` (scaled RMS norms),
 * `h0 = 0.01 d0/d1`, an explicit Euler trial gives `d2 = ‖f(t0 + h0, y0 + h0 f0) − f0‖/h0`, and
 * `h = min(100 h0, (0.01/max(d1, d2))^(1/(p+1)))`.
 */
function initialStep(
  fn: StageFn,
  t0: number,
  y0: Leaves,
  f0: Leaves,
  settings: AdaptiveSettings,
  dir: number,
  span: number,
): number {
  const { rtol, atol } = settings;
  const n = y0.reduce((acc, x) => acc + x.size, 0);
  const scaledRms = (v: Leaves): tf.Tensor =>
    tf.sqrt(
      tf.div(
        tf.addN(
          v.map((vi, i) =>
            tf.sum(tf.square(tf.div(vi, tf.add(tf.mul(tf.abs(y0[i] as tf.Tensor), rtol), atol)))),
          ),
        ),
        n,
      ),
    );
  const d01 = tf.tidy(() => tf.stack([scaledRms(y0), scaledRms(f0)]));
  const [d0 = 0, d1 = 0] = readNumbers(d01);
  let h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : (0.01 * d0) / d1;
  h0 = Math.min(h0, span);
  const d2t = tf.tidy(() => {
    const y1 = axpy(y0, [[dir * h0, f0]]);
    const f1 = fn(t0 + dir * h0, y1, t0, t0 + dir * h0).k;
    return tf.div(scaledRms(f1.map((x, i) => tf.sub(x, f0[i] as tf.Tensor))), h0);
  });
  const [d2 = 0] = readNumbers(d2t);
  const dMax = Math.max(d1, d2);
  const h1 =
    dMax <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : (0.01 / dMax) ** (1 / (settings.tableau.order + 1));
  return Math.min(100 * h0, h1, span);
}

/**
 * Integrates `y' = fn(t, y)` from `t0` to `t1` with an embedded explicit Runge–Kutta pair
 * (Dormand–Prince 5(4) by default) and a PI step-size controller, landing exactly on every stop
 * (save times, control breakpoints, `t1`). The error norm is one scalar read per attempted step,
 * made outside `tf.tidy`. Throws a {@link @runge/tensor-ops!NumericalError} when the step falls below `dtMin` or
 * `maxSteps` attempts are exceeded. Internal: {@link solve} is the public entry.
 */
export function integrateAdaptive(
  settings: AdaptiveSettings,
  fn: StageFn,
  y0: Leaves,
  t0: number,
  stops: readonly Stop[],
  hooks: AdaptiveHooks = {},
): AdaptiveResult {
  const { tableau, rtol, atol, dtMin, maxSteps, controller } = settings;
  const name = tableau.name;
  const t1 = (stops[stops.length - 1] as Stop).t;
  const dir = Math.sign(t1 - t0);
  const span = Math.abs(t1 - t0);
  const q = Math.min(tableau.order, tableau.embeddedOrder ?? tableau.order);
  const alpha = 1 / (q + 1) - 0.75 * controller.beta;
  const plan: PlannedStep[] = [];
  let nfe = 0;
  let steps = 0;
  let rejected = 0;
  let attempts = 0;
  let t = t0;
  let y = y0;
  let si = 0;
  const firstTarget = (stops[0] as Stop).t;
  let k1: StageResult | undefined = tidy(() => fn(t0, y0, t0, firstTarget));
  nfe++;
  let h: number;
  if (settings.firstStep !== undefined) {
    h = Math.min(settings.firstStep, span);
  } else {
    h = initialStep(fn, t0, y0, k1.k, settings, dir, span);
    nfe++;
  }
  h *= dir;
  let errPrev = 1e-4;
  let rejectedLast = false;
  let lastErr = 0;
  const release = (r: StageResult | undefined): void => {
    if (r === undefined) return;
    disposeLeaves(r.k);
    for (const part of r.quad ?? []) disposeLeaves(part.leaves);
  };
  try {
    while (si < stops.length) {
      const stop = stops[si] as Stop;
      let hTry = h;
      let clipped = false;
      const remaining = stop.t - t;
      if (dir * (hTry - remaining) >= 0 || Math.abs(remaining - hTry) <= 1e-10 * span) {
        hTry = remaining;
        clipped = true;
      }
      if (Math.abs(hTry) < dtMin) {
        const nan = Number.isFinite(lastErr)
          ? ''
          : ' The last error estimate was not finite: f returns NaN or Inf near this time.';
        throw new NumericalError(
          `${name}: the step size ${Math.abs(hTry).toExponential(3)} fell below dtMin = ${dtMin} at t = ${t} (integrating from ${t0} to ${t1}) after ${steps} accepted and ${rejected} rejected steps; the error tolerance cannot be met there.${nan} The problem may be stiff or singular near t = ${t}: loosen rtol (${rtol}) / atol (${atol}), lower dtMin, or use a fixed-step method with 'steps'.`,
        );
      }
      if (attempts >= maxSteps) {
        throw new NumericalError(
          `${name}: maxSteps = ${maxSteps} reached at t = ${t} (integrating from ${t0} to ${t1}) with step size ${Math.abs(h).toExponential(3)} (${steps} accepted, ${rejected} rejected); raise maxSteps, loosen rtol (${rtol}) / atol (${atol}), or, if the problem is stiff (explicit methods then need tiny steps), shorten the interval or use a fixed-step method with 'steps'.`,
        );
      }
      attempts++;
      if (k1 === undefined) {
        const tStart = t;
        const end = t + hTry;
        k1 = tidy(() => fn(tStart, y, tStart, end));
        nfe++;
      }
      const first: StageResult = k1;
      const yCur = y;
      const tCur = t;
      const res = tidy(() => {
        const r = rkStep(tableau, fn, tCur, hTry, yCur, { first, error: { rtol, atol } });
        return {
          y: r.y,
          last: r.last as StageResult,
          err: r.err as tf.Scalar,
          quad: r.quad,
          nfe: r.nfe,
        };
      });
      nfe += res.nfe;
      const [err = Number.NaN] = readNumbers(res.err);
      lastErr = err;
      if (Number.isFinite(err) && err <= 1) {
        const tNew = clipped ? stop.t : t + hTry;
        const step = { t, h: hTry };
        plan.push(step);
        hooks.onAccept?.(step, res.y, res.quad);
        for (const part of res.quad ?? []) disposeLeaves(part.leaves);
        release(k1);
        if (y !== y0) disposeLeaves(y);
        y = res.y;
        t = tNew;
        steps++;
        let fsalValid = tableau.fsal === true;
        if (clipped) {
          while (si < stops.length && (stops[si] as Stop).t === stop.t) {
            hooks.onStop?.(si, y);
            if ((stops[si] as Stop).jump) fsalValid = false;
            si++;
          }
        }
        if (fsalValid) {
          k1 = res.last;
        } else {
          release(res.last);
          k1 = undefined;
        }
        const grow =
          err === 0
            ? controller.maxFactor
            : controller.safety * err ** -alpha * errPrev ** controller.beta;
        const fac = Math.min(
          rejectedLast ? 1 : controller.maxFactor,
          Math.max(controller.minFactor, grow),
        );
        errPrev = Math.max(err, 1e-4);
        const proposed = Math.abs(hTry) * fac;
        h = dir * (clipped && fac >= 1 ? Math.max(proposed, Math.abs(h)) : proposed);
        rejectedLast = false;
      } else {
        disposeLeaves(res.y);
        release(res.last);
        for (const part of res.quad ?? []) disposeLeaves(part.leaves);
        rejected++;
        const fac = Number.isFinite(err)
          ? Math.max(controller.minFactor, controller.safety * err ** -alpha)
          : controller.minFactor;
        h = hTry * Math.min(1, fac);
        rejectedLast = true;
      }
    }
  } catch (error) {
    release(k1);
    if (y !== y0) disposeLeaves(y);
    throw error;
  }
  release(k1);
  return { y, plan, nfe, steps, rejected };
}

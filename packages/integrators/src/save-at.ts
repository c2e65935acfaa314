// The save times of a solve: inside the interval, in its direction, and on the step grid of fixed-step solves.
import { ValueError } from '@runge/tensor-ops';

/**
 * Validates the times at which a solve returns its state: finite, within `[t0, t1]`, strictly
 * ordered in the direction of integration and, for a fixed-step solve of `fixedSteps` steps, on
 * the step grid (returned snapped to it exactly).
 *
 * @throws {@link @runge/tensor-ops!ValueError} naming the offending entry and what to do.
 */
export function validateSaveAt(
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

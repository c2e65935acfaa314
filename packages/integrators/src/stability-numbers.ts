// What a set of scaled eigenvalues hλ says about stability: max |hλ|, max Re, max |R(hλ)| and how many lie outside the region.
import { ValueError } from '@runge/tensor-ops';
import { amplification } from './amplification.js';
import type { Complex } from './stability-function.js';
import type { ButcherTableau, Method } from './types.js';

/**
 * `|R(hλ)|` above 1 by at most this much still counts as stable: the eigenvalues come from
 * float32 Jacobian products, so points on the boundary (λ = 0 of dead ReLU units, the imaginary
 * axis for leapfrog) land a round-off away from it.
 */
export const STABILITY_TOLERANCE = 1e-5;

/**
 * Eigenvalues within this fraction of `max |hλ|` of the origin count as 0: `√u` with
 * `u = 2⁻²⁴` the float32 unit round-off. The Jacobian is built from float32 products, and a
 * repeated (defective) eigenvalue 0 — dead ReLU units, the `p = 0` half of a Hamiltonian state —
 * splits under an error of size `u‖J‖` into a pair `±√u·‖J‖`, which would otherwise show as
 * spurious growth `1 + O(√u)`.
 */
export const ZERO_RADIUS = 2 ** -12;

/** What one set of scaled eigenvalues `hλ` says about stability. */
export interface StabilityNumbers {
  /** Number of eigenvalues. */
  readonly count: number;
  /** `max |hλ|`. */
  readonly maxAbs: number;
  /** `max Re(hλ)` (after taking round-off-sized `hλ` as 0, see {@link ZERO_RADIUS}). */
  readonly maxRe: number;
  /** `max |R(hλ)|` (after taking round-off-sized `hλ` as 0). */
  readonly maxGrowth: number;
  /** How many `hλ` have `|R(hλ)| > 1 + tolerance`. */
  readonly outside: number;
  /**
   * How many of the `outside` points have `Re(hλ) ≤ 0` (up to round-off, {@link ZERO_RADIUS}
   * `· max |hλ|`): there the ODE itself does not amplify the mode, so the growth is the
   * integrator's (the step is too large for it). The other outside points have `Re λ > 0`, a
   * mode the continuous dynamics already amplifies.
   */
  readonly outsideDecaying: number;
  /** Every `hλ` lies in the stability region (`outside === 0`). */
  readonly stable: boolean;
}

/**
 * Scales eigenvalues `λ` by the step `h` and evaluates the integrator's `|R(hλ)|` on them.
 * Points closer to 0 than {@link ZERO_RADIUS}` · max |hλ|` are float32 round-off of a zero
 * eigenvalue and are evaluated at 0 (where `|R| = 1` for every consistent method); real parts
 * that small are round-off of an imaginary eigenvalue (antisymmetric and Hamiltonian blocks)
 * and are taken as 0.
 *
 * @param method - The integrator (see {@link amplification}).
 * @param h - The step.
 * @param eigenvalues - Eigenvalues `λ` of the Jacobian.
 * @param tolerance - Slack on `|R| ≤ 1`; default {@link STABILITY_TOLERANCE}.
 * @returns `max |hλ|`, `max Re(hλ)`, `max |R(hλ)|` and how many `hλ` lie outside the region.
 * @throws {@link @runge/tensor-ops!ValueError} for an unknown method, a non-positive step or an empty spectrum.
 * @example
 * ```ts
 * stabilityNumbers('euler', 0.5, [{ re: -1, im: 0 }, { re: 0, im: 1 }]);
 * // { maxGrowth: √1.25 (from hλ = 0.5i), outside: 1, stable: false, … }
 * ```
 */
export function stabilityNumbers(
  method: Method | ButcherTableau,
  h: number,
  eigenvalues: readonly Complex[],
  tolerance = STABILITY_TOLERANCE,
): StabilityNumbers {
  if (!(h > 0) || !Number.isFinite(h))
    throw new ValueError(`h: expected a positive step, got ${h}`);
  if (eigenvalues.length === 0) throw new ValueError('eigenvalues: expected at least one');
  const growth = amplification(method);
  const scaled = eigenvalues.map((lambda) => ({ re: h * lambda.re, im: h * lambda.im }));
  const maxAbs = Math.max(...scaled.map((z) => Math.hypot(z.re, z.im)));
  const radius = ZERO_RADIUS * maxAbs;
  let maxRe = Number.NEGATIVE_INFINITY;
  let maxGrowth = 0;
  let outside = 0;
  let outsideDecaying = 0;
  for (const raw of scaled) {
    // Round-off of the same size moves an imaginary eigenvalue off the axis: a real part within
    // the radius is taken as 0 (a zero eigenvalue as 0 altogether).
    const z =
      Math.hypot(raw.re, raw.im) <= radius
        ? { re: 0, im: 0 }
        : Math.abs(raw.re) <= radius
          ? { re: 0, im: raw.im }
          : raw;
    const g = growth(z);
    maxRe = Math.max(maxRe, z.re);
    maxGrowth = Math.max(maxGrowth, g);
    if (!(g <= 1 + tolerance)) {
      outside++;
      // Real parts of round-off size belong to imaginary eigenvalues (antisymmetric blocks).
      if (z.re <= radius) outsideDecaying++;
    }
  }
  return {
    count: eigenvalues.length,
    maxAbs,
    maxRe,
    maxGrowth,
    outside,
    outsideDecaying,
    stable: outside === 0,
  };
}

/**
 * Combines the numbers of several sets (e.g. every step of a block): counts add up, maxima take
 * the largest.
 *
 * @throws {@link @runge/tensor-ops!ValueError} for an empty list.
 * @example
 * ```ts
 * const all = combineNumbers(steps.map((s) => s.numbers));
 * ```
 */
export function combineNumbers(parts: readonly StabilityNumbers[]): StabilityNumbers {
  if (parts.length === 0) throw new ValueError('combineNumbers: expected at least one part');
  const outside = parts.reduce((n, p) => n + p.outside, 0);
  return {
    count: parts.reduce((n, p) => n + p.count, 0),
    maxAbs: Math.max(...parts.map((p) => p.maxAbs)),
    maxRe: Math.max(...parts.map((p) => p.maxRe)),
    maxGrowth: Math.max(...parts.map((p) => p.maxGrowth)),
    outside,
    outsideDecaying: parts.reduce((n, p) => n + p.outsideDecaying, 0),
    stable: outside === 0,
  };
}

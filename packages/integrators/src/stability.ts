// Stability regions of every built-in method: membership, the region sampled on a grid, and the largest stable step for a spectrum.
import { assertNumber } from '@runge/tensor-ops';
import { amplification } from './amplification.js';
import { resolveMethod } from './methods.js';
import type { Complex } from './stability-function.js';
import type { ButcherTableau, Method } from './types.js';

/**
 * Whether `z = hλ` lies in the method's region of absolute stability, `|R(z)| ≤ 1` (leapfrog: its
 * growth factor, see {@link amplification}), up to `tolerance` (default `1e-12`) for round-off on
 * the boundary.
 *
 * @param method - A method name or tableau.
 * @param z - The point `hλ`.
 * @param tolerance - Slack on the boundary.
 * @returns `|R(z)| ≤ 1 + tolerance`.
 * @example
 * ```ts
 * isStable('euler', { re: 0, im: 0.1 }); // false: forward Euler is unstable on the imaginary axis
 * isStable('rk4', { re: 0, im: 2.8 });   // true: RK4's region contains [−2√2 i, 2√2 i]
 * isStable('leapfrog', { re: 0, im: 1.9 }); // true: leapfrog is stable on [−2i, 2i]
 * ```
 */
export function isStable(method: Method | ButcherTableau, z: Complex, tolerance = 1e-12): boolean {
  return amplification(method)(z) <= 1 + tolerance;
}

/** Options of {@link stabilityRegion}. */
export interface StabilityRegionOptions {
  /** Real parts covered, `[min, max]`; default `[-5, 1]`. */
  readonly reRange?: readonly [number, number];
  /** Imaginary parts covered, `[min, max]`; default `[-4, 4]`. */
  readonly imRange?: readonly [number, number];
  /** Grid points per axis (or `[nRe, nIm]`); default 101. */
  readonly resolution?: number | readonly [number, number];
}

/** `|R(z)|` (leapfrog: its growth factor) on a grid, for contour plots of the stability region (`|R| ≤ 1`). */
export interface StabilityRegion {
  /** The real parts of the columns. */
  readonly re: number[];
  /** The imaginary parts of the rows. */
  readonly im: number[];
  /** `modulus[i][j] = |R(re[j] + i·im[i])|`. */
  readonly modulus: number[][];
}

/**
 * Samples `|R(z)|` on a rectangular grid of the complex plane; the stability region is where it
 * is at most 1.
 *
 * @param method - A method name or tableau.
 * @param options - `reRange`, `imRange`, `resolution`.
 * @returns The axes and the grid of moduli (rows: imaginary part, columns: real part).
 * @throws {@link @runge/tensor-ops!ValueError} for empty ranges or a resolution below 2.
 * @example
 * ```ts
 * const { re, im, modulus } = stabilityRegion('rk4', { reRange: [-3, 1], imRange: [-3, 3], resolution: 81 });
 * ```
 */
export function stabilityRegion(
  method: Method | ButcherTableau,
  options: StabilityRegionOptions = {},
): StabilityRegion {
  const R = amplification(method);
  const [reMin, reMax] = options.reRange ?? [-5, 1];
  const [imMin, imMax] = options.imRange ?? [-4, 4];
  assertNumber(reMin, 'reRange[0]');
  assertNumber(reMax, 'reRange[1]', { min: reMin, exclusiveMin: true });
  assertNumber(imMin, 'imRange[0]');
  assertNumber(imMax, 'imRange[1]', { min: imMin, exclusiveMin: true });
  const res = options.resolution ?? 101;
  const [nRe, nIm] = typeof res === 'number' ? [res, res] : res;
  assertNumber(nRe, 'resolution (real axis)', { integer: true, min: 2 });
  assertNumber(nIm, 'resolution (imaginary axis)', { integer: true, min: 2 });
  const re = Array.from({ length: nRe }, (_, j) => reMin + ((reMax - reMin) * j) / (nRe - 1));
  const im = Array.from({ length: nIm }, (_, i) => imMin + ((imMax - imMin) * i) / (nIm - 1));
  const modulus = im.map((y) => re.map((x) => R({ re: x, im: y })));
  return { re, im, modulus };
}

/** Options of {@link maxStableStep}. */
export interface MaxStableStepOptions {
  /** Scan points along each ray before refining; default 4000. */
  readonly samples?: number;
  /** Slack on `|R| ≤ 1`; default `1e-12`. */
  readonly tolerance?: number;
}

/**
 * The largest step `h ≥ 0` such that `|R(sλ)| ≤ 1` for every `s ∈ (0, h]` and every given
 * eigenvalue `λ`: the step at which the first `hλ` leaves the stability region along its ray.
 * Stability regions need not be convex (the ray can leave and re-enter), so each ray is scanned
 * from 0 to the disk `|z| ≤ 2s + 1` that contains the region of any consistent explicit `s`-stage
 * method (Jeltsch–Nevanlinna: the region lies in `|z + s| ≤ s`; leapfrog's is the segment
 * `[−2i, 2i]`), and the first exit is refined by
 * bisection. Stable intervals beyond the first exit are ignored. Returns 0 when a ray leaves the
 * region at once (e.g. forward Euler with `λ` imaginary), `Infinity` when every `λ` is 0.
 *
 * @param method - A method name or tableau.
 * @param eigenvalues - The spectrum (of the Jacobian) to keep stable.
 * @param options - `samples`, `tolerance`.
 * @returns The largest stable step.
 * @example
 * ```ts
 * maxStableStep('euler', [{ re: -10, im: 0 }]); // 0.2 (h|λ| ≤ 2)
 * maxStableStep('rk4', [{ re: 0, im: 1 }]);     // 2√2 ≈ 2.83
 * maxStableStep('leapfrog', [{ re: 0, im: 4 }]); // 0.5 (h|λ| ≤ 2 on the imaginary axis)
 * ```
 */
export function maxStableStep(
  method: Method | ButcherTableau,
  eigenvalues: readonly Complex[],
  options: MaxStableStepOptions = {},
): number {
  const resolved = resolveMethod(method);
  const R = amplification(method);
  const samples = assertNumber(options.samples ?? 4000, 'samples', { integer: true, min: 10 });
  const tolerance = assertNumber(options.tolerance ?? 1e-12, 'tolerance', { min: 0 });
  // Every consistent explicit s-stage method has its region in |z| ≤ 2s + 1; leapfrog's is the
  // segment [−2i, 2i].
  const zMax = resolved.kind === 'leapfrog' ? 2 : 2 * resolved.tableau.b.length + 1;
  let best = Number.POSITIVE_INFINITY;
  eigenvalues.forEach((lambda, i) => {
    assertNumber(lambda.re, `eigenvalues[${i}].re`);
    assertNumber(lambda.im, `eigenvalues[${i}].im`);
    const r = Math.hypot(lambda.re, lambda.im);
    if (r === 0) return;
    const stableAt = (h: number): boolean =>
      R({ re: h * lambda.re, im: h * lambda.im }) <= 1 + tolerance;
    const hMax = zMax / r;
    let lo = 0;
    let hi = Number.NaN;
    for (let k = 1; k <= samples; k++) {
      const h = (hMax * k) / samples;
      if (!stableAt(h)) {
        hi = h;
        break;
      }
      lo = h;
    }
    if (Number.isNaN(hi)) {
      best = Math.min(best, hMax);
      return;
    }
    if (lo === 0) {
      best = 0;
      return;
    }
    for (let it = 0; it < 200 && hi - lo > 1e-15 * hi; it++) {
      const mid = (lo + hi) / 2;
      if (stableAt(mid)) lo = mid;
      else hi = mid;
    }
    best = Math.min(best, lo);
  });
  return best;
}

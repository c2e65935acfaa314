import { assertNumber, ValueError } from '@runge/tensor-ops';
import { resolveMethod } from './methods.js';
import type { ButcherTableau, Method } from './types.js';

/** A complex number `re + i·im`. */
export interface Complex {
  readonly re: number;
  readonly im: number;
}

const mul = (a: Complex, b: Complex): Complex => ({
  re: a.re * b.re - a.im * b.im,
  im: a.re * b.im + a.im * b.re,
});
const abs = (a: Complex): number => Math.hypot(a.re, a.im);

function tableauOf(method: Method | ButcherTableau): ButcherTableau {
  const resolved = resolveMethod(method);
  if (resolved.kind !== 'rk') {
    throw new ValueError(
      "stability functions are defined here for Runge–Kutta tableaux; leapfrog is not a one-step map of y' = λy (on q'' = −ω²q it is stable for hω ≤ 2)",
    );
  }
  return resolved.tableau;
}

/**
 * The stability function of an explicit Runge–Kutta method, `R(z) = 1 + z bᵀ (I − zA)⁻¹ 𝟙`: one
 * step of the method on the test equation `y' = λy` multiplies `y` by `R(hλ)`. `A` is strictly
 * lower triangular, so `u = (I − zA)⁻¹ 𝟙` is a forward substitution `u_i = 1 + z Σ_{j<i} a_ij u_j`
 * in complex arithmetic, and `R` is a polynomial of degree at most the number of stages.
 *
 * @param method - A method name (`'euler'`, `'midpoint'`, `'heun'`, `'rk4'`, `'dopri5'`) or a tableau.
 * @returns `z ↦ R(z)`.
 * @throws {@link @runge/tensor-ops!ValueError} for `'leapfrog'` or an invalid tableau.
 * @example
 * ```ts
 * const R = stabilityFunction('euler');
 * R({ re: -2, im: 0 }); // { re: -1, im: 0 }: the edge of forward Euler's stability disk
 * ```
 */
export function stabilityFunction(method: Method | ButcherTableau): (z: Complex) => Complex {
  const { a, b } = tableauOf(method);
  return (z: Complex): Complex => {
    const u: Complex[] = [];
    for (let i = 0; i < b.length; i++) {
      let s: Complex = { re: 0, im: 0 };
      const row = a[i] as readonly number[];
      for (let j = 0; j < i; j++) {
        const aij = row[j] as number;
        if (aij !== 0) {
          const uj = u[j] as Complex;
          s = { re: s.re + aij * uj.re, im: s.im + aij * uj.im };
        }
      }
      const zs = mul(z, s);
      u.push({ re: 1 + zs.re, im: zs.im });
    }
    let bu: Complex = { re: 0, im: 0 };
    u.forEach((ui, i) => {
      const bi = b[i] as number;
      bu = { re: bu.re + bi * ui.re, im: bu.im + bi * ui.im };
    });
    const zbu = mul(z, bu);
    return { re: 1 + zbu.re, im: zbu.im };
  };
}

/**
 * Whether `z = hλ` lies in the method's region of absolute stability, `|R(z)| ≤ 1` (up to
 * `tolerance`, default `1e-12`, for round-off on the boundary).
 *
 * @param method - A method name or tableau.
 * @param z - The point `hλ`.
 * @param tolerance - Slack on the boundary.
 * @returns `|R(z)| ≤ 1 + tolerance`.
 * @example
 * ```ts
 * isStable('euler', { re: 0, im: 0.1 }); // false: forward Euler is unstable on the imaginary axis
 * isStable('rk4', { re: 0, im: 2.8 });   // true: RK4's region contains [−2√2 i, 2√2 i]
 * ```
 */
export function isStable(method: Method | ButcherTableau, z: Complex, tolerance = 1e-12): boolean {
  return abs(stabilityFunction(method)(z)) <= 1 + tolerance;
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

/** `|R(z)|` on a grid, for contour plots of the stability region (`|R| ≤ 1`). */
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
  const R = stabilityFunction(method);
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
  const modulus = im.map((y) => re.map((x) => abs(R({ re: x, im: y }))));
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
 * method (Jeltsch–Nevanlinna: the region lies in `|z + s| ≤ s`), and the first exit is refined by
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
 * ```
 */
export function maxStableStep(
  method: Method | ButcherTableau,
  eigenvalues: readonly Complex[],
  options: MaxStableStepOptions = {},
): number {
  const tableau = tableauOf(method);
  const R = stabilityFunction(tableau);
  const samples = assertNumber(options.samples ?? 4000, 'samples', { integer: true, min: 10 });
  const tolerance = assertNumber(options.tolerance ?? 1e-12, 'tolerance', { min: 0 });
  const zMax = 2 * tableau.b.length + 1;
  let best = Number.POSITIVE_INFINITY;
  eigenvalues.forEach((lambda, i) => {
    assertNumber(lambda.re, `eigenvalues[${i}].re`);
    assertNumber(lambda.im, `eigenvalues[${i}].im`);
    const r = abs(lambda);
    if (r === 0) return;
    const stableAt = (h: number): boolean =>
      abs(R({ re: h * lambda.re, im: h * lambda.im })) <= 1 + tolerance;
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

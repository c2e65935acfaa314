// The simple sets inside a method's stability region that bounds on a Jacobian's spectrum can aim at: a disk through 0, a real interval, an imaginary interval.
import { amplification } from './amplification.js';
import { resolveMethod } from './methods.js';
import { maxStableStep } from './stability.js';
import type { ButcherTableau, Method } from './types.js';

/** Three sets inside a method's region of absolute stability `|R(z)| ≤ 1`, by their size. */
export interface StabilityExtents {
  /**
   * The largest `r` such that the disk `|z + r| ≤ r` (centred on the negative real axis, touching
   * 0) lies in the region: 1 for forward Euler, midpoint and Heun, about 1.39 for RK4; 0 for
   * leapfrog, whose region is a segment.
   */
  readonly disk: number;
  /** The largest `a` with `[−a, 0]` in the region: 2 for Euler, midpoint and Heun, ≈ 2.785 for RK4; 0 for leapfrog. */
  readonly real: number;
  /** The largest `β` with `[−iβ, iβ]` in the region: 0 for Euler, midpoint and Heun, `2√2` for RK4, 2 for leapfrog. */
  readonly imaginary: number;
}

const TOLERANCE = 1e-12;

/** Whether the circle `|z + r| = r` lies in the region (sampled; by the maximum principle its inside then does too). */
function circleInside(growth: (z: { re: number; im: number }) => number, r: number): boolean {
  const samples = 2048;
  for (let k = 0; k < samples; k++) {
    const theta = (2 * Math.PI * k) / samples;
    if (growth({ re: -r + r * Math.cos(theta), im: r * Math.sin(theta) }) > 1 + TOLERANCE) {
      return false;
    }
  }
  return true;
}

const cache = new Map<string, StabilityExtents>();

/**
 * How large a disk `|z + r| ≤ r`, a negative real interval `[−a, 0]` and an imaginary interval
 * `[−iβ, iβ]` fit in a method's stability region (docs: /math/stability). A block whose scaled
 * eigenvalues `hλ` provably lie in one of these sets is stable, whatever they are exactly: the
 * targets of the spectral bounds of stable ODE blocks. The intervals are the first exits of
 * {@link maxStableStep} along the rays `−1` and `i`; the disk radius is found by bisection on
 * `|R| ≤ 1 + 10⁻¹²` sampled on its circle (2048 points; `R` is a polynomial for the Runge–Kutta
 * methods, so the bound on the circle holds inside). Results are cached per method name.
 *
 * @param method - A method name or tableau.
 * @returns `{ disk, real, imaginary }`.
 * @throws {@link @runge/tensor-ops!ValueError} for an unknown method.
 * @example
 * ```ts
 * stabilityExtents('euler'); // { disk: 1, real: 2, imaginary: 0 }
 * stabilityExtents('leapfrog'); // { disk: 0, real: 0, imaginary: 2 }
 * ```
 */
export function stabilityExtents(method: Method | ButcherTableau): StabilityExtents {
  const key = typeof method === 'string' ? method : undefined;
  const known = key === undefined ? undefined : cache.get(key);
  if (known) return known;
  const resolved = resolveMethod(method);
  const real = maxStableStep(method, [{ re: -1, im: 0 }]);
  // Methods of order 2 have |R(iy)|² = 1 + O(y⁴): only a round-off-sized slack keeps them off the axis.
  const imaginary = maxStableStep(method, [{ re: 0, im: 1 }], { tolerance: 1e-15 });
  let disk = 0;
  if (resolved.kind !== 'leapfrog') {
    const growth = amplification(method);
    // The disk's diameter lies on the real interval, so r ≤ a/2.
    let lo = 0;
    let hi = real / 2;
    if (circleInside(growth, hi)) lo = hi;
    else {
      for (let it = 0; it < 60; it++) {
        const mid = (lo + hi) / 2;
        if (circleInside(growth, mid)) lo = mid;
        else hi = mid;
      }
    }
    disk = lo;
  }
  const extents = { disk, real, imaginary };
  if (key !== undefined) cache.set(key, extents);
  return extents;
}

// The amplification of one step on a linear mode for every built-in method: |R(z)| of a tableau, or leapfrog's growth factor.
import { leapfrogGrowth } from './leapfrog-growth.js';
import { resolveMethod } from './methods.js';
import { type Complex, stabilityFunction } from './stability-function.js';
import type { ButcherTableau, Method } from './types.js';

/**
 * `z ↦ |R(z)|` for an integrator: the modulus of the stability function
 * `R(z) = 1 + z bᵀ(I − zA)⁻¹𝟙` of a Runge–Kutta method (forward Euler: `|1 + z|`), or for
 * leapfrog the growth factor {@link leapfrogGrowth}. A step `h` is stable on the mode `λ` when
 * `|R(hλ)| ≤ 1`.
 *
 * @param method - `'euler'`, `'midpoint'`, `'heun'`, `'rk4'`, `'dopri5'`, `'leapfrog'` or a tableau.
 * @returns The modulus as a function of `z = hλ`.
 * @throws {@link @runge/tensor-ops!ValueError} for an unknown method.
 * @example
 * ```ts
 * amplification('euler')({ re: -1, im: 0 }); // 0
 * amplification('leapfrog')({ re: 0, im: 2 }); // 1: the end of leapfrog's interval
 * ```
 */
export function amplification(method: Method | ButcherTableau): (z: Complex) => number {
  if (resolveMethod(method).kind === 'leapfrog') return leapfrogGrowth;
  const R = stabilityFunction(method);
  return (z) => {
    const r = R(z);
    return Math.hypot(r.re, r.im);
  };
}

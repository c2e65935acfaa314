// The stability function R(z) of an explicit Runge–Kutta method: one step on y' = λy multiplies y by R(hλ).
import { ValueError } from '@runge/tensor-ops';
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

/** The tableau of a Runge–Kutta method, or a clear error for leapfrog. */
export function tableauOf(method: Method | ButcherTableau): ButcherTableau {
  const resolved = resolveMethod(method);
  if (resolved.kind !== 'rk') {
    throw new ValueError(
      "a stability function R(z) is defined for Runge–Kutta tableaux; leapfrog is a two-step map of y' = λy: use amplification('leapfrog') for its growth factor (stable exactly on hλ ∈ [−2i, 2i])",
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
 * @throws {@link @runge/tensor-ops!ValueError} for `'leapfrog'` (see {@link amplification}) or an invalid tableau.
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

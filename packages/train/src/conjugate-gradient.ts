// The conjugate-gradient method for A x = b with A symmetric positive (semi-)definite given only by its products A v, truncated at negative curvature as inexact Newton methods need.
import { assertNumber, ShapeError } from '@runge/tensor-ops';
import { axpy, dot, norm2 } from './vector-math.js';

/** Options of {@link conjugateGradient}. */
export interface ConjugateGradientOptions {
  /** Most iterations (products with `A`); default the dimension `n` (exact in exact arithmetic). */
  readonly maxIterations?: number;
  /** Stop when `‖b − A x‖ ≤ tolerance · ‖b‖`; default 1e-6. */
  readonly tolerance?: number;
}

/** Result of {@link conjugateGradient}. */
export interface ConjugateGradientResult {
  /** The approximate solution. */
  readonly x: Float64Array;
  /** Products with `A` spent. */
  readonly iterations: number;
  /** `‖b − A x‖ / ‖b‖` (the recursively updated residual). */
  readonly relativeResidual: number;
  /**
   * `'converged'`, `'max-iterations'`, or `'negative-curvature'` (a direction `d` with
   * `dᵀA d ≤ 0` was met; `x` is the iterate before it, or `b` itself when it was the first).
   */
  readonly reason: 'converged' | 'max-iterations' | 'negative-curvature';
}

/**
 * Solves `A x = b` for a symmetric positive definite `A` known only through `v ↦ A v`, by
 * conjugate gradients from `x₀ = 0` (Hestenes & Stiefel; Nocedal & Wright, Algorithm 5.2):
 * `r₀ = d₀ = b`, `α_k = r_kᵀr_k / d_kᵀA d_k`, `x_{k+1} = x_k + α_k d_k`,
 * `r_{k+1} = r_k − α_k A d_k`, `d_{k+1} = r_{k+1} + (r_{k+1}ᵀr_{k+1} / r_kᵀr_k) d_k`. In exact
 * arithmetic it ends in at most `n` steps (as many as `A` has distinct eigenvalues). Following
 * Newton–CG (Algorithm 7.1), a direction of non-positive curvature ends the iteration with the
 * current iterate (or with `b` on the first step), so the result is always a descent direction
 * for `−b` a gradient.
 *
 * docs: /guide/optimisers
 *
 * @param apply - `v ↦ A v` (must not modify `v`).
 * @param b - The right-hand side, length `n`.
 * @param options - `maxIterations` (default `n`), `tolerance` (default 1e-6, relative).
 * @returns The solution, the products spent, the relative residual and why it stopped.
 * @throws {@link @runge/tensor-ops!ShapeError} when `A v` has another length than `b`.
 * @example
 * ```ts
 * // [[4, 1], [1, 3]] x = [1, 2] → x = [1/11, 7/11]
 * const A = (v: Float64Array) => Float64Array.of(4 * v[0]! + v[1]!, v[0]! + 3 * v[1]!);
 * conjugateGradient(A, Float64Array.of(1, 2)).x; // [0.0909…, 0.6363…]
 * ```
 */
export function conjugateGradient(
  apply: (v: Float64Array) => Float64Array,
  b: Float64Array,
  options: ConjugateGradientOptions = {},
): ConjugateGradientResult {
  const maxIterations = assertNumber(options.maxIterations ?? b.length, 'maxIterations', {
    min: 1,
    integer: true,
  });
  const tolerance = assertNumber(options.tolerance ?? 1e-6, 'tolerance', { min: 0 });
  const bNorm = norm2(b);
  let x: Float64Array = new Float64Array(b.length);
  if (bNorm === 0) return { x, iterations: 0, relativeResidual: 0, reason: 'converged' };
  let r: Float64Array = Float64Array.from(b);
  let d: Float64Array = Float64Array.from(b);
  let rr = dot(r, r);
  let iterations = 0;
  while (iterations < maxIterations) {
    const Ad = apply(d);
    if (Ad.length !== b.length) {
      throw new ShapeError(
        `conjugateGradient: A v has length ${Ad.length}, b has ${b.length}; the product must keep the vector's length`,
      );
    }
    iterations++;
    const curvature = dot(d, Ad);
    if (!(curvature > 0)) {
      if (iterations === 1) x = Float64Array.from(b);
      return {
        x,
        iterations,
        relativeResidual: Math.sqrt(rr) / bNorm,
        reason: 'negative-curvature',
      };
    }
    const alpha = rr / curvature;
    x = axpy(x, alpha, d);
    r = axpy(r, -alpha, Ad);
    const rrNext = dot(r, r);
    if (Math.sqrt(rrNext) <= tolerance * bNorm) {
      return { x, iterations, relativeResidual: Math.sqrt(rrNext) / bNorm, reason: 'converged' };
    }
    d = axpy(r, rrNext / rr, d);
    rr = rrNext;
  }
  return { x, iterations, relativeResidual: Math.sqrt(rr) / bNorm, reason: 'max-iterations' };
}

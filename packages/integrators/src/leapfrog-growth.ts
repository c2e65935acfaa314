// The growth factor of one leapfrog (Störmer–Verlet) step on a linear mode: leapfrog's counterpart of |R(z)|.
import type { Complex } from './stability-function.js';

function csqrt(z: Complex): Complex {
  const r = Math.hypot(z.re, z.im);
  const re = Math.sqrt((r + z.re) / 2);
  const im = Math.sqrt(Math.max(0, (r - z.re) / 2));
  return { re, im: z.im < 0 ? -im : im };
}

/**
 * The growth factor of one leapfrog step on a linear mode with Jacobian eigenvalue `λ`, as a
 * function of `z = hλ`: the step matrix has determinant 1 and trace `2 + z²`, so its eigenvalues
 * are the roots of `μ² − (2 + z²)μ + 1 = 0` and the factor is `max |μ|`. It is 1 exactly on the
 * segment `z ∈ [−2i, 2i]` of the imaginary axis (the leapfrog stability interval) and above 1
 * everywhere else (the roots multiply to 1).
 *
 * @param z - `hλ`.
 * @returns `max |μ|` over the two roots.
 * @example
 * ```ts
 * leapfrogGrowth({ re: 0, im: 1.5 }); // 1: inside the stability interval
 * leapfrogGrowth({ re: -0.1, im: 0 }); // > 1: leapfrog amplifies every mode off the interval
 * ```
 */
export function leapfrogGrowth(z: Complex): number {
  const z2 = { re: z.re * z.re - z.im * z.im, im: 2 * z.re * z.im };
  const a = { re: 1 + z2.re / 2, im: z2.im / 2 };
  const d = csqrt({ re: a.re * a.re - a.im * a.im - 1, im: 2 * a.re * a.im });
  const m1 = Math.hypot(a.re + d.re, a.im + d.im);
  const m2 = Math.hypot(a.re - d.re, a.im - d.im);
  return Math.max(m1, m2);
}

// |R(hλ)| of every built-in method: the polynomials of Euler and RK4, and leapfrog's step matrix.
import { describe, expect, it } from 'vitest';
import { amplification } from './amplification.js';
import { leapfrogGrowth } from './leapfrog-growth.js';
import type { Complex } from './stability-function.js';

const abs = (z: Complex): number => Math.hypot(z.re, z.im);

/**
 * max |μ| over the eigenvalues of one leapfrog (kick–drift–kick) step on q' = p, p' = w q,
 * from the trace and determinant of the multiplied-out 2×2 step matrix.
 */
function leapfrogStepRadius(h: number, w: number): number {
  const mul = (a: number[][], b: number[][]): number[][] =>
    [0, 1].map((i) =>
      [0, 1].map(
        (j) =>
          (a[i] as number[])[0]! * (b[0] as number[])[j]! +
          (a[i] as number[])[1]! * (b[1] as number[])[j]!,
      ),
    );
  // p½ = p + h/2 w q; q₁ = q + h p½; p₁ = p½ + h/2 w q₁, acting on (q, p).
  const kick = [
    [1, 0],
    [(h / 2) * w, 1],
  ];
  const drift = [
    [1, h],
    [0, 1],
  ];
  const M = mul(kick, mul(drift, kick));
  const tr = M[0]![0]! + M[1]![1]!;
  const det = M[0]![0]! * M[1]![1]! - M[0]![1]! * M[1]![0]!;
  const disc = tr * tr - 4 * det;
  if (disc >= 0)
    return Math.max(Math.abs((tr + Math.sqrt(disc)) / 2), Math.abs((tr - Math.sqrt(disc)) / 2));
  return Math.sqrt(det); // a complex pair has |μ|² = det
}

describe('|R(hλ)| of the integrators', () => {
  const zs: Complex[] = [
    { re: -1, im: 0 },
    { re: -2.5, im: 0.3 },
    { re: 0, im: 1 },
    { re: 0.2, im: -0.7 },
  ];

  it('euler: |R(z)| = |1 + z|; rk4: |1 + z + z²/2 + z³/6 + z⁴/24|', () => {
    for (const z of zs) {
      expect(amplification('euler')(z)).toBeCloseTo(Math.hypot(1 + z.re, z.im), 12);
      // Horner in complex arithmetic: 1 + z(1 + z/2(1 + z/3(1 + z/4))).
      let p: Complex = { re: 1, im: 0 };
      for (const k of [4, 3, 2, 1]) {
        const zp = { re: (z.re * p.re - z.im * p.im) / k, im: (z.re * p.im + z.im * p.re) / k };
        p = { re: 1 + zp.re, im: zp.im };
      }
      expect(amplification('rk4')(z)).toBeCloseTo(abs(p), 12);
    }
  });

  it('leapfrog: the spectral radius of the step matrix on the mode with (hλ)² = h²w', () => {
    const h = 0.5;
    for (const w of [-1, -4, -15.9, -16.1, -36, 0.25, 4]) {
      const expected = leapfrogStepRadius(h, w);
      // λ² = w: λ = ±√w, imaginary for w < 0.
      const z = w < 0 ? { re: 0, im: h * Math.sqrt(-w) } : { re: h * Math.sqrt(w), im: 0 };
      expect(leapfrogGrowth(z)).toBeCloseTo(expected, 10);
    }
    // stable exactly on [−2i, 2i]: |μ| = 1 there, > 1 beyond and off the axis
    expect(leapfrogGrowth({ re: 0, im: 1.99 })).toBeCloseTo(1, 12);
    expect(leapfrogGrowth({ re: 0, im: 3 })).toBeCloseTo((7 + Math.sqrt(45)) / 2, 12);
    expect(leapfrogGrowth({ re: -0.1, im: 0.5 })).toBeGreaterThan(1.01);
  });
});

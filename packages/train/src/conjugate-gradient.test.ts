import { describe, expect, it } from 'vitest';
import { gaussSolve, spdMatrix } from '../test/helpers.js';
import { conjugateGradient } from './conjugate-gradient.js';

const matVec = (A: number[][]) => (v: Float64Array) =>
  Float64Array.from(A, (row) => row.reduce((s, a, j) => s + a * (v[j] as number), 0));

describe('conjugateGradient', () => {
  it('solves an n × n SPD system in at most n products', () => {
    const n = 7;
    const A = spdMatrix(n);
    const b = Array.from({ length: n }, (_, i) => Math.cos(i));
    const result = conjugateGradient(matVec(A), Float64Array.from(b), { tolerance: 1e-12 });
    expect(result.iterations).toBeLessThanOrEqual(n);
    const exact = gaussSolve(A, b);
    for (const [i, xi] of result.x.entries()) expect(xi).toBeCloseTo(exact[i] as number, 9);
  });

  it('needs as many products as A has distinct eigenvalues', () => {
    // diag(2, 2, 2, 5, 5): two distinct eigenvalues, two steps
    const d = [2, 2, 2, 5, 5];
    const result = conjugateGradient(
      (v) => Float64Array.from(v, (vi, i) => (d[i] as number) * vi),
      Float64Array.of(1, -1, 3, 2, 4),
      { tolerance: 1e-12 },
    );
    expect(result.reason).toBe('converged');
    expect(result.iterations).toBe(2);
    for (const [i, v] of [0.5, -0.5, 1.5, 0.4, 0.8].entries())
      expect(result.x[i]).toBeCloseTo(v, 12);
  });

  it('stops at negative curvature with the right-hand side on the first step', () => {
    const result = conjugateGradient(
      (v) => Float64Array.from(v, (vi) => -vi),
      Float64Array.of(1, 2),
    );
    expect(result.reason).toBe('negative-curvature');
    expect(Array.from(result.x)).toEqual([1, 2]);
  });
});

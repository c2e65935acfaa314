import { describe, expect, it } from 'vitest';
import { strongWolfeLineSearch } from './line-search.js';

describe('strongWolfeLineSearch', () => {
  it('accepts the exact minimiser of a quadratic when it is the first trial', () => {
    // φ(α) = (α − 1)², minimiser α = 1, φ′(1) = 0
    let calls = 0;
    const phi = (a: number) => {
      calls++;
      return { step: a, value: (a - 1) ** 2, slope: 2 * (a - 1) };
    };
    const { point, satisfied, evaluations } = strongWolfeLineSearch(phi, phi(0));
    expect(satisfied).toBe(true);
    expect(point.step).toBe(1);
    expect(evaluations).toBe(calls - 1);
  });

  it('returns steps meeting both strong Wolfe conditions on a quartic, whether it must grow or shrink', () => {
    // φ(α) = (α − m)⁴ − m⁴ for minimisers m far beyond and far inside the first trial α = 1
    for (const m of [0.05, 0.3, 7, 40]) {
      const phi = (a: number) => ({
        step: a,
        value: (a - m) ** 4 - m ** 4,
        slope: 4 * (a - m) ** 3,
      });
      const start = phi(0);
      for (const c2 of [0.9, 0.1]) {
        const { point, satisfied } = strongWolfeLineSearch(phi, start, { c2 });
        expect(satisfied).toBe(true);
        expect(point.value).toBeLessThanOrEqual(start.value + 1e-4 * point.step * start.slope);
        expect(Math.abs(point.slope)).toBeLessThanOrEqual(c2 * Math.abs(start.slope));
      }
    }
  });

  it('refuses an ascent direction and bad constants', () => {
    const phi = (a: number) => ({ step: a, value: a, slope: 1 });
    expect(() => strongWolfeLineSearch(phi, phi(0))).toThrow(/descent direction/);
    const down = (a: number) => ({ step: a, value: -a, slope: -1 });
    expect(() => strongWolfeLineSearch(down, down(0), { c1: 0.5, c2: 0.4 })).toThrow(/c2/);
  });
});

// The two-sample Kolmogorov–Smirnov statistic against distribution functions worked out by hand.
import { ValueError } from '@runge/tensor-ops';
import { describe, expect, it } from 'vitest';
import { ksStatistic } from './ks-statistic.js';

describe('ksStatistic', () => {
  it('is the largest gap of the empirical distribution functions (hand-computed cases)', () => {
    // a = {1, 2, 3}, b = {2.5, 4}: after x = 2, F_a = 2/3 and F_b = 0 (later gaps: 1/6, 1/2).
    expect(ksStatistic([3, 1, 2], [4, 2.5])).toBeCloseTo(2 / 3, 12);
    // Ties across the samples are taken together: a = {1, 2, 2, 5}, b = {2, 3, 4}.
    // x = 1: |1/4 − 0| = 1/4; x = 2: |3/4 − 1/3| = 5/12; x = 3: |3/4 − 2/3| = 1/12;
    // x = 4: |3/4 − 1| = 1/4; x = 5: 0. So D = 5/12.
    expect(ksStatistic([1, 2, 2, 5], [2, 3, 4])).toBeCloseTo(5 / 12, 12);
    // Identical samples: 0. Separated samples: 1. Symmetric in its arguments.
    expect(ksStatistic([0.5, -1, 2], [2, 0.5, -1])).toBe(0);
    expect(ksStatistic([1, 2], [3, 4, 5])).toBe(1);
    expect(ksStatistic([2, 3, 4], [1, 2, 2, 5])).toBeCloseTo(5 / 12, 12);
  });

  it('of two large samples of one law is of order √((n+m)/(nm)); of shifted laws, near the exact gap', () => {
    // Uniform grids on [0, 1): the exact sup gap of U(0,1) and U(0.3, 1.3) is 0.3.
    const n = 4000;
    const a = Array.from({ length: n }, (_, i) => (i + 0.5) / n);
    const b = a.map((x) => x + 0.3);
    expect(ksStatistic(a, b)).toBeCloseTo(0.3, 3);
    const c = Array.from({ length: 3000 }, (_, i) => (i + 0.25) / 3000);
    expect(ksStatistic(a, c)).toBeLessThan(1.36 * Math.sqrt((n + 3000) / (n * 3000)));
  });

  it('rejects empty samples and values that are not finite, naming them', () => {
    expect(() => ksStatistic([], [1])).toThrow(ValueError);
    expect(() => ksStatistic([1], [Number.NaN])).toThrow(/sample b\[0\] is NaN/);
  });
});

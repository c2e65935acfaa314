// Moments of log-return series against sums written out by hand.
import { ShapeError, ValueError } from '@runge/tensor-ops';
import { describe, expect, it } from 'vitest';
import { logReturnMoments } from './log-return-moments.js';

describe('logReturnMoments', () => {
  it('gives the pooled mean, unbiased variance and within-series lag-1 autocorrelation', () => {
    // Series (1, 2) and (3, 4): m = 2.5; deviations −1.5, −0.5, 0.5, 1.5; Σd² = 5, v = 5/3;
    // pairs within a series: (−1.5)(−0.5) + (0.5)(1.5) = 1.5, so ρ₁ = 1.5/5 = 0.3 (the pair
    // (2, 3) straddles two series and does not count).
    const m = logReturnMoments([1, 2, 3, 4], 2);
    expect(m.mean).toBeCloseTo(2.5, 12);
    expect(m.variance).toBeCloseTo(5 / 3, 12);
    expect(m.lag1).toBeCloseTo(0.3, 12);
    // An alternating series (1, −1, 1, −1): m = 0, Σd² = 4, lagged sum −3, ρ₁ = −3/4.
    expect(logReturnMoments([1, -1, 1, -1], 4).lag1).toBeCloseTo(-0.75, 12);
    // A constant series has no variance and no correlation.
    expect(logReturnMoments([2, 2, 2, 2], 2)).toEqual({ mean: 2, variance: 0, lag1: 0 });
  });

  it('rejects counts that are not whole series, short series and non-finite returns', () => {
    expect(() => logReturnMoments([1, 2, 3], 2)).toThrow(ShapeError);
    expect(() => logReturnMoments([1, 2], 1)).toThrow(ValueError);
    expect(() => logReturnMoments([1, Number.POSITIVE_INFINITY], 2)).toThrow(/return 1/);
  });
});

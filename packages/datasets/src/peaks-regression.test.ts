// The peaks regression set: the surface's values at the points the classification set draws.
import { Rng, ValueError } from '@runge/tensor-ops';
import { describe, expect, it } from 'vitest';
import { disposeDataset } from './dataset.js';
import { peaks, peaksFunction, peaksRegression } from './peaks.js';

describe('peaksRegression', () => {
  it('targets are p(x₁, x₂) at the same points peaks draws, shapes [n, 2] → [n, 1]', () => {
    const surface = peaksRegression({ n: 200, rng: Rng.fromSeed(7) });
    const classes = peaks({ n: 200, rng: Rng.fromSeed(7) });
    expect(surface.x.shape).toEqual([200, 2]);
    expect(surface.y.shape).toEqual([200, 1]);
    expect(surface.numClasses).toBeUndefined();
    const x = surface.x.dataSync();
    const y = surface.y.dataSync();
    expect(Array.from(x)).toEqual(Array.from(classes.x.dataSync()));
    for (let i = 0; i < 200; i++) {
      const expected = peaksFunction(x[2 * i] as number, x[2 * i + 1] as number);
      expect(y[i]).toBeCloseTo(expected, 4);
    }
    // the surface's range on [−3, 3]²
    expect(Math.min(...y)).toBeGreaterThanOrEqual(-6.56);
    expect(Math.max(...y)).toBeLessThanOrEqual(8.11);
    disposeDataset(surface);
    disposeDataset(classes);
  });

  it('refuses a non-positive size', () => {
    expect(() => peaksRegression({ n: 0, rng: Rng.fromSeed(1) })).toThrow(ValueError);
  });
});

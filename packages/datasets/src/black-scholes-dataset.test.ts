import { Rng, ValueError } from '@runge/tensor-ops';
import { describe, expect, it } from 'vitest';
import { blackScholesCall, blackScholesPut } from './black-scholes.js';
import { blackScholesDataset } from './black-scholes-dataset.js';
import { disposeDataset } from './dataset.js';

describe('blackScholesDataset', () => {
  it('samples inputs inside the default ranges and targets the closed-form price', () => {
    const ds = blackScholesDataset({ n: 200, rng: Rng.fromSeed(2) });
    expect(ds.x.shape).toEqual([200, 5]);
    expect(ds.y.shape).toEqual([200, 1]);
    expect(ds.numClasses).toBeUndefined();
    expect(ds.name).toBe('black-scholes-call');
    const x = ds.x.arraySync() as number[][];
    const y = ds.y.dataSync();
    const ranges = [
      [50, 150],
      [50, 150],
      [0.05, 2],
      [0.05, 0.6],
      [0, 0.1],
    ];
    x.forEach((row, i) => {
      row.forEach((v, j) => {
        expect(v).toBeGreaterThanOrEqual(Math.fround(ranges[j]![0]!));
        expect(v).toBeLessThanOrEqual(Math.fround(ranges[j]![1]!));
      });
      const [S, K, T, sigma, r] = row as [number, number, number, number, number];
      const ref = blackScholesCall({ S, K, T, sigma, r }).price;
      // Inputs were rounded to float32 after pricing, so allow their effect (delta · ulp(S) etc.).
      expect(Math.abs((y[i] as number) - ref)).toBeLessThan(1e-5 * Math.max(ref, 1));
    });
    disposeDataset(ds);
  });

  it('returns puts with all six targets and honours custom ranges', () => {
    const ds = blackScholesDataset({
      n: 50,
      rng: Rng.fromSeed(3),
      option: 'put',
      targets: 'greeks',
      ranges: { K: [100, 100], r: [-0.02, 0] },
    });
    expect(ds.y.shape).toEqual([50, 6]);
    const x = ds.x.arraySync() as number[][];
    const y = ds.y.arraySync() as number[][];
    x.forEach((row, i) => {
      const [S, K, T, sigma, r] = row as [number, number, number, number, number];
      expect(K).toBe(100);
      expect(r).toBeLessThanOrEqual(0);
      const g = blackScholesPut({ S, K, T, sigma, r });
      [g.price, g.delta, g.gamma, g.vega, g.theta, g.rho].forEach((ref, j) => {
        expect(Math.abs((y[i]![j] as number) - ref)).toBeLessThan(
          1e-4 * Math.max(Math.abs(ref), 1),
        );
      });
    });
    disposeDataset(ds);
  });

  it('is reproducible from the seed and validates ranges', () => {
    const a = blackScholesDataset({ n: 20, rng: Rng.fromSeed(9) });
    const b = blackScholesDataset({ n: 20, rng: Rng.fromSeed(9) });
    expect(Array.from(a.x.dataSync())).toEqual(Array.from(b.x.dataSync()));
    disposeDataset(a);
    disposeDataset(b);
    const rng = Rng.fromSeed(1);
    expect(() => blackScholesDataset({ n: 5, rng, ranges: { S: [10, 5] } })).toThrow(ValueError);
    expect(() => blackScholesDataset({ n: 5, rng, ranges: { T: [0, 1] } })).toThrow(ValueError);
    expect(() => blackScholesDataset({ n: 0, rng })).toThrow(ValueError);
  });
});

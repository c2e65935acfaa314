import { Rng, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { gbmPaths } from './gbm.js';

describe('gbmPaths', () => {
  it('log-returns have mean (μ − σ²/2)Δ and variance σ²Δ within 3 standard errors', () => {
    const mu = 0.1;
    const sigma = 0.3;
    const dt = 1 / 52;
    const paths = 2000;
    const steps = 50;
    const S = gbmPaths({ paths, steps, dt, mu, sigma, s0: 100, rng: Rng.fromSeed(17) });
    expect(S.shape).toEqual([paths, steps + 1]);
    expect(S.dtype).toBe('float32');
    const v = S.dataSync();
    const returns: number[] = [];
    for (let p = 0; p < paths; p++) {
      expect(v[p * (steps + 1)]).toBe(100);
      for (let j = 0; j < steps; j++) {
        const a = v[p * (steps + 1) + j] as number;
        const b = v[p * (steps + 1) + j + 1] as number;
        expect(b).toBeGreaterThan(0);
        returns.push(Math.log(b / a));
      }
    }
    const n = returns.length;
    const mean = returns.reduce((s, r) => s + r, 0) / n;
    const variance = returns.reduce((s, r) => s + (r - mean) ** 2, 0) / (n - 1);
    const expectedMean = (mu - 0.5 * sigma * sigma) * dt;
    const expectedVariance = sigma * sigma * dt;
    const seMean = Math.sqrt(variance / n);
    const seVariance = variance * Math.sqrt(2 / (n - 1));
    expect(Math.abs(mean - expectedMean)).toBeLessThan(3 * seMean);
    expect(Math.abs(variance - expectedVariance)).toBeLessThan(3 * seVariance);
    // Increments are independent in time: lag-1 autocorrelation within 3/√n of 0.
    let cov = 0;
    for (let p = 0; p < paths; p++) {
      for (let j = 0; j + 1 < steps; j++) {
        cov += (returns[p * steps + j]! - mean) * (returns[p * steps + j + 1]! - mean);
      }
    }
    const m = paths * (steps - 1);
    expect(Math.abs(cov / m / variance)).toBeLessThan(3 / Math.sqrt(m));
    S.dispose();
  });

  it('is deterministic in the seed, and exact without volatility: S_j = s0 e^{μ j Δ}', () => {
    const a = gbmPaths({ paths: 3, steps: 4, dt: 0.5, mu: 0.2, sigma: 0.1, rng: Rng.fromSeed(1) });
    const b = gbmPaths({ paths: 3, steps: 4, dt: 0.5, mu: 0.2, sigma: 0.1, rng: Rng.fromSeed(1) });
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    const c = gbmPaths({
      paths: 1,
      steps: 4,
      dt: 0.5,
      mu: 0.2,
      sigma: 0,
      s0: 2,
      rng: Rng.fromSeed(1),
    });
    Array.from(c.dataSync()).forEach((s, j) => {
      expect(s).toBeCloseTo(2 * Math.exp(0.2 * j * 0.5), 5);
    });
    tf.dispose([a, b, c]);
  });

  it('validates its options', () => {
    const rng = Rng.fromSeed(1);
    expect(() => gbmPaths({ paths: 0, steps: 1, dt: 1, mu: 0, sigma: 1, rng })).toThrow(ValueError);
    expect(() => gbmPaths({ paths: 1, steps: 1, dt: 0, mu: 0, sigma: 1, rng })).toThrow(ValueError);
    expect(() => gbmPaths({ paths: 1, steps: 1, dt: 1, mu: 0, sigma: -1, rng })).toThrow(
      ValueError,
    );
    expect(() => gbmPaths({ paths: 1, steps: 1, dt: 1, mu: 0, sigma: 1, s0: 0, rng })).toThrow(
      ValueError,
    );
  });
});

// The data of the applications: call quotes priced by the closed form, a sparse regression whose targets are its relevant features' sum, a noisy curve with the spread it was drawn with.
import { Rng } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { blackScholesQuotes } from './black-scholes-quotes.js';
import { disposeDataset } from './dataset.js';
import { curveFunction, noisyCurve } from './noisy-curve.js';
import { sparseRegression } from './sparse-regression.js';

/** The standard normal CDF by Simpson's rule on [0, |z|] (independent of the package's own). */
function phi(z: number): number {
  const steps = 2000;
  const h = Math.abs(z) / steps;
  let s = 0;
  for (let i = 0; i <= steps; i++) {
    const w = i === 0 || i === steps ? 1 : i % 2 ? 4 : 2;
    s += w * Math.exp(-((i * h) ** 2) / 2);
  }
  const half = (s * h) / 3 / Math.sqrt(2 * Math.PI);
  return z >= 0 ? 0.5 + half : 0.5 - half;
}

describe('application data', () => {
  it('black-scholes quotes: x = (ln(S/K), τ) in range, y = S Φ(d₁) − K e^{−rτ} Φ(d₂) over K', () => {
    const before = tf.memory().numTensors;
    const quotes = blackScholesQuotes({ n: 50, rng: Rng.fromSeed(3), sigma: 0.2, r: 0.05 });
    const x = quotes.x.arraySync() as number[][];
    const y = quotes.y.arraySync() as number[][];
    x.forEach(([m, tau], i) => {
      expect(Math.abs(m as number)).toBeLessThanOrEqual(0.3);
      expect([1, 2, 3, 4, 5, 6, 7, 8].map((j) => j / 8)).toContain(tau);
      const t = tau as number;
      const d1 = ((m as number) + (0.05 + 0.02) * t) / (0.2 * Math.sqrt(t));
      const d2 = d1 - 0.2 * Math.sqrt(t);
      const price = Math.exp(m as number) * phi(d1) - Math.exp(-0.05 * t) * phi(d2);
      expect(y[i]?.[0]).toBeCloseTo(price, 5);
    });
    disposeDataset(quotes);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('black-scholes quotes with noise ε: the relative deviations have standard deviation ε', () => {
    const clean = blackScholesQuotes({ n: 4000, rng: Rng.fromSeed(4), sigma: 0.2, r: 0.05 });
    const noisy = blackScholesQuotes({
      n: 4000,
      rng: Rng.fromSeed(4),
      sigma: 0.2,
      r: 0.05,
      noise: 0.01,
    });
    const a = clean.y.dataSync();
    const b = noisy.y.dataSync();
    // the same draws of (x, τ) until the first normal; compare on the noisy set's own inputs
    expect(Array.from(noisy.x.dataSync().slice(0, 2))).toEqual(
      Array.from(clean.x.dataSync().slice(0, 2)),
    );
    const xs = noisy.x.arraySync() as number[][];
    let sq = 0;
    xs.forEach(([m, t], i) => {
      const d1 = ((m as number) + 0.07 * (t as number)) / (0.2 * Math.sqrt(t as number));
      const d2 = d1 - 0.2 * Math.sqrt(t as number);
      const price = Math.exp(m as number) * phi(d1) - Math.exp(-0.05 * (t as number)) * phi(d2);
      sq += ((b[i] as number) / price - 1) ** 2;
    });
    // the sample standard deviation of 4000 normals is within 5 % of ε with overwhelming probability
    expect(Math.sqrt(sq / 4000)).toBeGreaterThan(0.0095);
    expect(Math.sqrt(sq / 4000)).toBeLessThan(0.0105);
    expect(a.length).toBe(4000);
    disposeDataset(clean);
    disposeDataset(noisy);
  });

  it('sparse regression: y is the relevant features’ weighted sum plus noise, other weights zero', () => {
    const { dataset, relevant, coefficients } = sparseRegression({
      n: 200,
      rng: Rng.fromSeed(5),
      features: 12,
      relevant: 4,
      noise: 0,
    });
    expect(relevant).toHaveLength(4);
    expect([...relevant].sort((a, b) => a - b)).toEqual(relevant);
    coefficients.forEach((c, j) => {
      if (relevant.includes(j)) {
        expect(Math.abs(c)).toBeGreaterThanOrEqual(1);
        expect(Math.abs(c)).toBeLessThanOrEqual(2);
      } else expect(c).toBe(0);
    });
    const x = dataset.x.arraySync() as number[][];
    const y = dataset.y.arraySync() as number[][];
    x.forEach((row, i) => {
      const sum = row.reduce((s, v, j) => s + v * (coefficients[j] as number), 0);
      expect(y[i]?.[0]).toBeCloseTo(sum, 4);
    });
    disposeDataset(dataset);
    expect(() =>
      sparseRegression({ n: 10, rng: Rng.fromSeed(1), features: 3, relevant: 4 }),
    ).toThrow(/at most as many/);
  });

  it('noisy curve: x in [−1, 1], residuals y − f(x) with mean 0 and standard deviation s', () => {
    const curve = noisyCurve({ n: 4000, rng: Rng.fromSeed(6), noise: 0.2 });
    const x = curve.x.dataSync();
    const y = curve.y.dataSync();
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < x.length; i++) {
      expect(Math.abs(x[i] as number)).toBeLessThanOrEqual(1);
      const e = (y[i] as number) - curveFunction(x[i] as number);
      sum += e;
      sq += e * e;
    }
    // f(½) = sin(π/2) + ¼
    expect(curveFunction(0.5)).toBeCloseTo(1.25, 12);
    // mean within 4 standard errors (0.2/√4000 ≈ 0.0032), spread within 5 %
    expect(Math.abs(sum / 4000)).toBeLessThan(0.013);
    expect(Math.sqrt(sq / 4000)).toBeGreaterThan(0.19);
    expect(Math.sqrt(sq / 4000)).toBeLessThan(0.21);
    disposeDataset(curve);
  });
});

import type * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ValueError } from './errors.js';
import { Rng } from './rng.js';

function values(t: tf.Tensor): number[] {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
}

describe('seeded random numbers', () => {
  it('gives the same tensors for the same seed and different ones for another seed', () => {
    const a = values(Rng.fromSeed(7).normal([100]));
    const b = values(Rng.fromSeed(7).normal([100]));
    const c = values(Rng.fromSeed(8).normal([100]));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    // seeds beyond 32 bits use both halves
    expect(values(Rng.fromSeed(2 ** 40).uniform([4]))).not.toEqual(
      values(Rng.fromSeed(0).uniform([4])),
    );
  });

  it('continues exactly from a saved state, also mid Box–Muller pair', () => {
    const rng = Rng.fromSeed(3);
    rng.nextNormal(); // leaves a spare normal
    const saved = JSON.parse(JSON.stringify(rng.state()));
    const expected = values(rng.normal([33]));
    expect(values(Rng.fromState(saved).normal([33]))).toEqual(expected);
    expect(() => Rng.fromState({ algorithm: 'mt', words: [1, 2, 3, 4] } as never)).toThrow(
      ValueError,
    );
  });

  it('draws normals whose mean and variance match N(μ, σ²) within 4 standard errors', () => {
    const n = 20000;
    const mu = 1.5;
    const sigma = 2;
    const v = values(Rng.fromSeed(11).normal([n], { mean: mu, std: sigma }));
    const mean = v.reduce((s, x) => s + x, 0) / n;
    const variance = v.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
    expect(Math.abs(mean - mu)).toBeLessThan((4 * sigma) / Math.sqrt(n));
    // Var of the sample variance for a normal: 2σ⁴/(n-1)
    expect(Math.abs(variance - sigma ** 2)).toBeLessThan(4 * Math.sqrt((2 * sigma ** 4) / (n - 1)));
  });

  it('draws uniforms in [low, high) with the uniform mean, and Bernoulli masks with rate p', () => {
    const n = 20000;
    const u = values(Rng.fromSeed(5).uniform([n], { low: -1, high: 3 }));
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...u)).toBeLessThan(3);
    const mean = u.reduce((s, x) => s + x, 0) / n;
    expect(Math.abs(mean - 1)).toBeLessThan(4 * Math.sqrt(16 / 12 / n));
    const m = values(Rng.fromSeed(5).bernoulli([n], 0.3));
    const rate = m.reduce((s, x) => s + x, 0) / n;
    expect(Math.abs(rate - 0.3)).toBeLessThan(4 * Math.sqrt((0.3 * 0.7) / n));
  });

  it('produces permutations and independent split streams', () => {
    const rng = Rng.fromSeed(9);
    const p = Array.from(rng.permutation(1000));
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(p).not.toEqual(Array.from({ length: 1000 }, (_, i) => i));
    const s1 = rng.split();
    const s2 = rng.split();
    const x = values(s1.normal([5000]));
    const y = values(s2.normal([5000]));
    const corr = x.reduce((s, xi, i) => s + xi * (y[i] as number), 0) / x.length;
    expect(Math.abs(corr)).toBeLessThan(4 / Math.sqrt(5000));
  });

  it('rejects bad arguments with clear errors', () => {
    const rng = Rng.fromSeed(1);
    expect(() => Rng.fromSeed(0.5)).toThrow('seed: expected a safe integer, got 0.5');
    expect(() => rng.normal([2, -1])).toThrow('shape[1]: expected an integer >= 0, got -1');
    expect(() => rng.normal([2], { std: -1 })).toThrow(ValueError);
    expect(() => rng.uniform([2], { low: 1, high: 1 })).toThrow(/low < high/);
    expect(() => rng.bernoulli([2], 1.5)).toThrow(ValueError);
  });
});

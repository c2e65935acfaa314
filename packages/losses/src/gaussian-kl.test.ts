import { DTypeError, ShapeError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, numbers, take } from '../test/gradient-check.js';
import { gaussianKl } from './gaussian-kl.js';

/** KL(N(m, v) ‖ N(0, 1)) = ∫ q log(q/p) by Simpson's rule: independent of the closed form. */
function klByQuadrature(m: number, v: number): number {
  const a = m - 12 * Math.sqrt(v);
  const b = m + 12 * Math.sqrt(v);
  const n = 4000;
  const h = (b - a) / n;
  const f = (z: number): number => {
    const logQ = -((z - m) ** 2) / (2 * v) - 0.5 * Math.log(2 * Math.PI * v);
    const logP = -(z * z) / 2 - 0.5 * Math.log(2 * Math.PI);
    return Math.exp(logQ) * (logQ - logP);
  };
  let s = f(a) + f(b);
  for (let i = 1; i < n; i++) s += (i % 2 === 1 ? 4 : 2) * f(a + i * h);
  return (s * h) / 3;
}

describe('gaussianKl', () => {
  it('matches KL(N(μ, s²) ‖ N(0, 1)) integrated numerically, summed over dims, mean over batch', () => {
    const mus = [0.7, -1.2, 0, 0.3];
    const vars = [0.5, 2, 1, 0.1];
    const mu = tf.tensor2d(mus, [2, 2]);
    const logVar = tf.tensor2d(vars.map(Math.log), [2, 2]);
    const perDim = mus.map((m, i) => klByQuadrature(m, vars[i] as number));
    const expected = perDim.reduce((a, b) => a + b, 0) / 2;
    expect(take(gaussianKl(mu, logVar))).toBeCloseTo(expected, 5);
    // the closed form ½(μ² + s² − log s² − 1) for the first entry alone
    const m1 = tf.tensor2d([[0.7]]);
    const v1 = tf.tensor2d([[Math.log(0.5)]]);
    expect(take(gaussianKl(m1, v1))).toBeCloseTo(0.5 * (0.49 + 0.5 - Math.log(0.5) - 1), 6);
    tf.dispose([mu, logVar, m1, v1]);
  });

  it('is zero exactly at the prior and sums over every non-batch axis', () => {
    const zeros = tf.zeros([3, 2, 2]);
    expect(take(gaussianKl(zeros, zeros))).toBe(0);
    const mu = tf.ones([3, 2, 2]);
    // each of the 4 latent entries contributes ½·1; mean over the batch of 3
    expect(take(gaussianKl(mu, zeros))).toBeCloseTo(2, 6);
    tf.dispose([zeros, mu]);
  });

  it('is finite for very large and very small log-variances', () => {
    const mu = tf.tensor2d([[0, 0]]);
    const logVar = tf.tensor2d([[60, -60]]);
    const kl = take(gaussianKl(mu, logVar));
    expect(Number.isFinite(kl)).toBe(true);
    expect(kl / (0.5 * (Math.exp(60) - 61 + Math.exp(-60) + 59))).toBeCloseTo(1, 5);
    tf.dispose([mu, logVar]);
  });

  it('has gradients (μ/B, ½(s² − 1)/B) matching central differences', () => {
    const logVar = tf.tensor2d(numbers(4, 1, -1, 1), [2, 2]);
    const mu0 = numbers(4, 2, -2, 2);
    const gMu = checkGradient((m) => gaussianKl(m, logVar), mu0, [2, 2]);
    gMu.forEach((g, i) => {
      expect(g).toBeCloseTo((mu0[i] as number) / 2, 6);
    });
    const mu = tf.tensor2d(mu0, [2, 2]);
    const lv0 = numbers(4, 3, -1, 1);
    const gLv = checkGradient((lv) => gaussianKl(mu, lv), lv0, [2, 2]);
    gLv.forEach((g, i) => {
      expect(g).toBeCloseTo((0.5 * (Math.exp(lv0[i] as number) - 1)) / 2, 5);
    });
    tf.dispose([logVar, mu]);
  });

  it('rejects mismatched shapes, rank < 2 and integer input, naming the argument', () => {
    const a = tf.zeros([2, 3]);
    const b = tf.zeros([2, 4]);
    const flat = tf.zeros([3]);
    const ints = tf.zeros([2, 3], 'int32');
    expect(() => gaussianKl(a, b)).toThrow(ShapeError);
    expect(() => gaussianKl(a, b)).toThrow(/logVar: expected shape \[2, 3\].*got \[2, 4\]/);
    expect(() => gaussianKl(flat, flat)).toThrow(/mu: expected rank >= 2/);
    expect(() => gaussianKl(a, ints)).toThrow(DTypeError);
    expect(() => gaussianKl(a, ints)).toThrow(/logVar/);
    tf.dispose([a, b, flat, ints]);
  });
});

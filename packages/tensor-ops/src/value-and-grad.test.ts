import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { treeDispose } from './tree.js';
import { valueAndGrad } from './value-and-grad.js';

describe('valueAndGrad over parameter trees', () => {
  it('matches the analytic gradient of a quadratic', () => {
    const params = { w: tf.tensor([1, -2, 3]), layer: [{ b: tf.scalar(0.5) }] };
    const { value, grads } = valueAndGrad((p: typeof params) =>
      tf.add(tf.sum(tf.square(p.w)), tf.mul(3, p.layer[0]!.b)),
    )(params);
    expect(value.dataSync()[0]).toBeCloseTo(1 + 4 + 9 + 1.5, 5);
    expect(Array.from(grads.w.dataSync())).toEqual([2, -4, 6]);
    expect(grads.layer[0]!.b.dataSync()[0]).toBe(3);
    value.dispose();
    treeDispose(grads);
    treeDispose(params);
  });

  it('matches central finite differences on a nonlinear function', () => {
    const x0 = [0.3, -0.7, 1.1];
    const f = (p: { x: tf.Tensor }): tf.Scalar =>
      tf.sum(tf.mul(tf.tanh(p.x), tf.exp(tf.mul(p.x, 0.5))));
    const params = { x: tf.tensor(x0) };
    const { value, grads } = valueAndGrad(f)(params);
    const g = Array.from(grads.x.dataSync());
    const eps = 1e-2;
    const scalarF = (x: number): number => Math.tanh(x) * Math.exp(0.5 * x);
    x0.forEach((xi, i) => {
      const fd = (scalarF(xi + eps) - scalarF(xi - eps)) / (2 * eps);
      expect(Math.abs((g[i] as number) - fd)).toBeLessThan(1e-3 * Math.max(1, Math.abs(fd)));
    });
    value.dispose();
    treeDispose(grads);
    treeDispose(params);
  });

  it('rejects functions that do not return a scalar', () => {
    const params = { x: tf.tensor([1, 2]) };
    expect(() => valueAndGrad((p: typeof params) => p.x as tf.Scalar)(params)).toThrow(
      /must return a scalar tensor/,
    );
    treeDispose(params);
  });
});

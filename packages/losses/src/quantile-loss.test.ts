import { ShapeError, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, numbers, take } from '../test/gradient-check.js';
import { quantileLoss } from './quantile-loss.js';

function pinball(x: readonly number[], y: readonly number[], alpha: number): number {
  let total = 0;
  x.forEach((xi, i) => {
    const d = (y[i] as number) - xi;
    total += d > 0 ? alpha * d : (alpha - 1) * d;
  });
  return total / x.length;
}

describe('quantileLoss', () => {
  it('matches hand-computed pinball losses', () => {
    const x = tf.tensor1d([0, 1, 2]);
    const y = tf.tensor1d([1, 1, 0]);
    // (0.9·1 + 0 + 0.1·2) / 3
    expect(take(quantileLoss(x, y, 0.9))).toBeCloseTo(1.1 / 3, 6);
    // (0.25·1 + 0 + 0.75·2) / 3
    expect(take(quantileLoss(x, y, 0.25))).toBeCloseTo(1.75 / 3, 6);
    const xs = numbers(12, 3, -2, 2);
    const ys = numbers(12, 4, -2, 2);
    const xt = tf.tensor2d(xs, [3, 4]);
    const yt = tf.tensor2d(ys, [3, 4]);
    expect(take(quantileLoss(xt, yt, 0.99))).toBeCloseTo(pinball(xs, ys, 0.99), 6);
    tf.dispose([x, y, xt, yt]);
  });

  it('is half the mean absolute error at α = 0.5', () => {
    const xs = numbers(10, 5, -3, 3);
    const ys = numbers(10, 6, -3, 3);
    const x = tf.tensor1d(xs);
    const y = tf.tensor1d(ys);
    const mae = xs.reduce((a, xi, i) => a + Math.abs(xi - (ys[i] as number)), 0) / xs.length;
    expect(take(quantileLoss(x, y, 0.5))).toBeCloseTo(mae / 2, 6);
    tf.dispose([x, y]);
  });

  it('is minimised over constants by the α-quantile of the targets', () => {
    const targets = Array.from({ length: 100 }, (_, i) => i);
    const y = tf.tensor1d(targets);
    const at = (c: number): number => {
      const x = tf.fill([100], c);
      const v = take(quantileLoss(x, y, 0.9));
      x.dispose();
      return v;
    };
    // 90 of the 100 targets lie below 89.5: the empirical 0.9-quantile
    expect(at(89.5)).toBeLessThan(at(85));
    expect(at(89.5)).toBeLessThan(at(95));
    y.dispose();
  });

  it('has the gradient −α / (1 − α) per entry, matching central differences', () => {
    const y = tf.tensor1d([0, 0, 0, 0]);
    const x0 = [-1, -0.3, 0.4, 2];
    const g = checkGradient((x) => quantileLoss(x, y, 0.8), x0, [4]);
    [-0.8, -0.8, 0.2, 0.2].forEach((v, i) => {
      expect(g[i]).toBeCloseTo(v / 4, 6);
    });
    y.dispose();
  });

  it('rejects α outside (0, 1) and mismatched shapes', () => {
    const x = tf.tensor1d([1, 2]);
    const y = tf.tensor1d([1, 2, 3]);
    for (const alpha of [0, 1, -0.1, 1.5, Number.NaN]) {
      expect(() => quantileLoss(x, x, alpha)).toThrow(ValueError);
      expect(() => quantileLoss(x, x, alpha)).toThrow(/alpha: expected a finite number > 0 < 1/);
    }
    expect(() => quantileLoss(x, y, 0.5)).toThrow(ShapeError);
    expect(() => quantileLoss(x, y, 0.5)).toThrow(/target/);
    tf.dispose([x, y]);
  });
});

import { DTypeError, ShapeError, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, numbers, takeAll } from '../test/gradient-check.js';
import { logSoftmax, softmax } from './softmax.js';

function jsSoftmax(row: readonly number[]): number[] {
  const e = row.map(Math.exp);
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

describe('softmax', () => {
  it('matches exp/sum and the rounded values for [0.6, 1.0, 2.0]', () => {
    const x = tf.tensor2d([[0.6, 1.0, 2.0]]);
    const p = takeAll(softmax(x));
    x.dispose();
    const expected = jsSoftmax([0.6, 1.0, 2.0]);
    p.forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i] as number, 6);
    });
    [0.153, 0.228, 0.619].forEach((v, i) => {
      expect(p[i]).toBeCloseTo(v, 3);
    });
  });

  it('has rows summing to 1 and equals exp(logSoftmax)', () => {
    const values = numbers(4 * 7, 3, -5, 5);
    const x = tf.tensor2d(values, [4, 7]);
    const p = takeAll(softmax(x));
    const lp = takeAll(logSoftmax(x));
    x.dispose();
    for (let r = 0; r < 4; r++) {
      const row = p.slice(7 * r, 7 * r + 7);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      const expected = jsSoftmax(values.slice(7 * r, 7 * r + 7));
      row.forEach((v, k) => {
        expect(v).toBeCloseTo(expected[k] as number, 6);
        expect(lp[7 * r + k]).toBeCloseTo(Math.log(expected[k] as number), 5);
      });
    }
  });

  it('is finite for logits of ±1e4', () => {
    const x = tf.tensor2d([
      [1e4, -1e4, 0],
      [-1e4, -1e4, -1e4],
    ]);
    const p = takeAll(softmax(x));
    const lp = takeAll(logSoftmax(x));
    x.dispose();
    expect(p.every(Number.isFinite)).toBe(true);
    expect(lp.every(Number.isFinite)).toBe(true);
    expect(p.slice(0, 3)).toEqual([1, 0, 0]);
    p.slice(3).forEach((v) => {
      expect(v).toBeCloseTo(1 / 3, 6);
    });
    expect(lp.slice(0, 3)).toEqual([0, -2e4, -1e4]);
    lp.slice(3).forEach((v) => {
      expect(v).toBeCloseTo(-Math.log(3), 5);
    });
  });

  it('has gradients matching central differences', () => {
    const weights = tf.tensor2d(numbers(6, 11), [2, 3]);
    const x0 = numbers(6, 5, -2, 2);
    checkGradient((x) => tf.sum(tf.mul(softmax(x), weights)), x0, [2, 3]);
    checkGradient((x) => tf.sum(tf.mul(logSoftmax(x), weights)), x0, [2, 3]);
    weights.dispose();
  });

  it('works along the last axis of higher-rank logits', () => {
    const x = tf.tensor3d(numbers(12, 8), [2, 2, 3]);
    const sums = takeAll(tf.tidy(() => tf.sum(softmax(x), -1)));
    x.dispose();
    sums.forEach((s) => {
      expect(s).toBeCloseTo(1, 6);
    });
  });

  it('rejects bad inputs, naming the argument', () => {
    const ints = tf.tensor1d([1, 2], 'int32');
    const scalar = tf.scalar(1);
    expect(() => softmax(ints)).toThrow(DTypeError);
    expect(() => softmax(ints)).toThrow(/logits/);
    expect(() => logSoftmax(scalar)).toThrow(ShapeError);
    expect(() => logSoftmax(scalar)).toThrow(/logits: expected rank >= 1/);
    expect(() => softmax([1, 2] as unknown as tf.Tensor)).toThrow(ValueError);
    tf.dispose([ints, scalar]);
  });
});

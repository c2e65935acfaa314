import { DTypeError, ShapeError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, numbers, take } from '../test/gradient-check.js';
import { mse } from './mse.js';

describe('mse', () => {
  it('is the mean of the squared differences over every entry', () => {
    const x = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const y = tf.tensor2d([
      [0, 4],
      [3, 1],
    ]);
    expect(take(mse(x, y))).toBeCloseTo((1 + 4 + 0 + 9) / 4, 6);
    expect(take(mse(x, x))).toBe(0);
    tf.dispose([x, y]);
  });

  it('has the gradient 2(x − y)/n, matching central differences', () => {
    const y = tf.tensor2d(numbers(6, 1), [3, 2]);
    const x0 = numbers(6, 2);
    const yv = Array.from(y.dataSync());
    const g = checkGradient((x) => mse(x, y), x0, [3, 2]);
    g.forEach((gi, i) => {
      expect(gi).toBeCloseTo((2 * ((x0[i] as number) - (yv[i] as number))) / 6, 5);
    });
    y.dispose();
  });

  it('rejects mismatched shapes and dtypes, naming the argument', () => {
    const x = tf.tensor1d([1, 2]);
    const column = tf.tensor2d([[1], [2]]);
    const ints = tf.tensor1d([1, 2], 'int32');
    expect(() => mse(x, column)).toThrow(ShapeError);
    expect(() => mse(x, column)).toThrow(/target: expected shape \[2\].*got \[2, 1\]/);
    expect(() => mse(ints, x)).toThrow(DTypeError);
    expect(() => mse(ints, x)).toThrow(/prediction/);
    tf.dispose([x, column, ints]);
  });
});

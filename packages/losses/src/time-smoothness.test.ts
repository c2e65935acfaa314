import { DTypeError, ShapeError, StructureError, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, numbers, take } from '../test/gradient-check.js';
import { timeSmoothness } from './time-smoothness.js';

describe('timeSmoothness', () => {
  it('is Σ_j ‖θ_{j+1} − θ_j‖² / h for a stacked tensor', () => {
    const stack = tf.tensor2d([
      [0, 0],
      [1, 0],
      [1, 1],
    ]);
    expect(take(timeSmoothness(stack, 0.5))).toBeCloseTo(4, 6);
    const values = numbers(4 * 2 * 3, 1);
    const big = tf.tensor3d(values, [4, 2, 3]);
    let expected = 0;
    for (let j = 0; j < 3; j++) {
      for (let i = 0; i < 6; i++)
        expected += ((values[6 * (j + 1) + i] as number) - (values[6 * j + i] as number)) ** 2;
    }
    expect(take(timeSmoothness(big, 0.25))).toBeCloseTo(expected / 0.25, 5);
    tf.dispose([stack, big]);
  });

  it('is zero for a constant stack and for a single step', () => {
    const constant = tf.tidy(() => tf.tile(tf.tensor3d(numbers(6, 2), [1, 2, 3]), [5, 1, 1]));
    const single = tf.ones([1, 4]);
    expect(take(timeSmoothness(constant, 0.1))).toBe(0);
    expect(take(timeSmoothness(single, 0.1))).toBe(0);
    const trees = [0, 1, 2].map(() => ({ K: tf.ones([2, 2]), b: tf.zeros([2]) }));
    expect(take(timeSmoothness(trees, 1))).toBe(0);
    tf.dispose([constant, single]);
    trees.forEach((t) => {
      tf.dispose([t.K, t.b]);
    });
  });

  it('gives the same value for a list of trees as for the stacked leaves', () => {
    const K = numbers(3 * 4, 3);
    const b = numbers(3 * 2, 4);
    const trees = [0, 1, 2].map((j) => ({
      K: tf.tensor2d(K.slice(4 * j, 4 * j + 4), [2, 2]),
      b: tf.tensor1d(b.slice(2 * j, 2 * j + 2)),
    }));
    const stackK = tf.tensor3d(K, [3, 2, 2]);
    const stackB = tf.tensor2d(b, [3, 2]);
    const expected = take(timeSmoothness(stackK, 0.2)) + take(timeSmoothness(stackB, 0.2));
    expect(take(timeSmoothness(trees, 0.2))).toBeCloseTo(expected, 5);
    tf.dispose([stackK, stackB]);
    trees.forEach((t) => {
      tf.dispose([t.K, t.b]);
    });
  });

  it('has gradients matching central differences', () => {
    checkGradient((s) => timeSmoothness(s, 0.5), numbers(8, 5), [4, 2]);
  });

  it('rejects h ≤ 0, empty lists and mismatched steps', () => {
    const stack = tf.zeros([3, 2]);
    const ints = tf.zeros([3, 2], 'int32');
    const a = { K: tf.zeros([2]) };
    const b = { W: tf.zeros([2]) };
    const c = { K: tf.zeros([3]) };
    expect(() => timeSmoothness(stack, 0)).toThrow(ValueError);
    expect(() => timeSmoothness(stack, 0)).toThrow(/h: expected a finite number > 0/);
    expect(() => timeSmoothness(ints, 1)).toThrow(DTypeError);
    expect(() => timeSmoothness([], 1)).toThrow(/stack: expected at least one step/);
    expect(() => timeSmoothness([a, b], 1)).toThrow(StructureError);
    expect(() => timeSmoothness([a, c], 1)).toThrow(ShapeError);
    expect(() => timeSmoothness([a, c], 1)).toThrow(/stack\[1\]: a leaf has shape \[3\].*\[2\]/);
    expect(() => timeSmoothness('x' as never, 1)).toThrow(/stack: expected a tensor/);
    tf.dispose([stack, ints, a.K, b.W, c.K]);
  });
});

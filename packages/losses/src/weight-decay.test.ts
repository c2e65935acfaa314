import { ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, numbers, take } from '../test/gradient-check.js';
import { weightDecay } from './weight-decay.js';

describe('weightDecay', () => {
  it('is λ/2 Σ w² over every leaf', () => {
    const tree = { a: tf.tensor1d([3, 4]), b: [tf.tensor2d([[1, -1]])] };
    expect(take(weightDecay(tree, 0.1))).toBeCloseTo(0.05 * (25 + 2), 6);
    expect(take(weightDecay(tree.a, 2))).toBeCloseTo(25, 5);
    tf.dispose([tree.a, tree.b[0] as tf.Tensor]);
  });

  it('has the gradient λ w, matching central differences', () => {
    const w0 = numbers(6, 3, -2, 2);
    const g = checkGradient((w) => weightDecay([w], 0.7), w0, [2, 3]);
    g.forEach((gi, i) => {
      expect(gi).toBeCloseTo(0.7 * (w0[i] as number), 5);
    });
  });

  it('rejects a negative or non-finite λ', () => {
    const w = tf.tensor1d([1]);
    expect(() => weightDecay(w, -0.1)).toThrow(ValueError);
    expect(() => weightDecay(w, Number.POSITIVE_INFINITY)).toThrow(/lambda/);
    w.dispose();
  });
});

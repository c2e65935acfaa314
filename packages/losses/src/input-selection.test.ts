import { ShapeError, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, numbers, take, takeAll } from '../test/gradient-check.js';
import {
  inputSelectionApply,
  inputSelectionInit,
  inputSelectionPenalty,
} from './input-selection.js';

describe('input selection', () => {
  it('starts with every input selected (w = 1) and scales feature i by w_i', () => {
    const w0 = inputSelectionInit(3);
    expect(w0.shape).toEqual([3]);
    const x = tf.tensor2d([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const same = takeAll(inputSelectionApply(w0, x));
    expect(same).toEqual([1, 2, 3, 4, 5, 6]);
    const w = tf.tensor1d([2, 0, -1]);
    expect(takeAll(inputSelectionApply(w, x))).toEqual([2, 0, -3, 8, 0, -6]);
    tf.dispose([w0, x, w]);
  });

  it('penalises λ‖w‖₁, with the gradient λ sign(w)', () => {
    const w = tf.tensor1d([2, 0, -1]);
    expect(take(inputSelectionPenalty(w, 0.5))).toBeCloseTo(1.5, 6);
    checkGradient((v) => inputSelectionPenalty(v, 0.5), [2, 0.5, -1], [3]).forEach((g, i) => {
      expect(g).toBeCloseTo(0.5 * Math.sign([2, 0.5, -1][i] as number), 6);
    });
    w.dispose();
  });

  it('has the gradient Σ_b x_b c_b of ⟨c, x ⊙ w⟩ w.r.t. w, matching central differences', () => {
    const xs = numbers(6, 1);
    const cs = numbers(6, 2);
    const x = tf.tensor2d(xs, [2, 3]);
    const c = tf.tensor2d(cs, [2, 3]);
    const g = checkGradient((w) => tf.sum(tf.mul(inputSelectionApply(w, x), c)), [1, 0.5, -2], [3]);
    g.forEach((gi, i) => {
      expect(gi).toBeCloseTo(
        (xs[i] as number) * (cs[i] as number) + (xs[i + 3] as number) * (cs[i + 3] as number),
        5,
      );
    });
    tf.dispose([x, c]);
  });

  it('rejects mismatched feature counts and bad sizes, naming the argument', () => {
    const w = tf.ones([4]);
    const x = tf.ones([2, 3]);
    const matrix = tf.ones([3, 3]);
    expect(() => inputSelectionApply(w, x)).toThrow(ShapeError);
    expect(() => inputSelectionApply(w, x)).toThrow(/w: expected shape \[3\].*got \[4\]/);
    expect(() => inputSelectionPenalty(matrix, 1)).toThrow(/w: expected shape \[F\]/);
    expect(() => inputSelectionPenalty(w, -1)).toThrow(/lambda/);
    expect(() => inputSelectionInit(0)).toThrow(ValueError);
    expect(() => inputSelectionInit(2.5)).toThrow(/features: expected an integer >= 1/);
    tf.dispose([w, x, matrix]);
  });
});

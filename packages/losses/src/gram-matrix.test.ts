import { DTypeError, ShapeError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, numbers, takeAll } from '../test/gradient-check.js';
import { gramMatrix } from './gram-matrix.js';

/** G[n][c][c'] = 1/(C H W) Σ_{h,w} φ[n,h,w,c] φ[n,h,w,c'] by loops over a flat NHWC array. */
function gramByLoops(phi: readonly number[], [n, h, w, c]: readonly number[]): number[] {
  const N = n as number;
  const H = h as number;
  const W = w as number;
  const C = c as number;
  const at = (b: number, i: number, j: number, k: number): number =>
    phi[((b * H + i) * W + j) * C + k] as number;
  const out: number[] = [];
  for (let b = 0; b < N; b++) {
    for (let c1 = 0; c1 < C; c1++) {
      for (let c2 = 0; c2 < C; c2++) {
        let s = 0;
        for (let i = 0; i < H; i++)
          for (let j = 0; j < W; j++) s += at(b, i, j, c1) * at(b, i, j, c2);
        out.push(s / (C * H * W));
      }
    }
  }
  return out;
}

describe('gramMatrix', () => {
  it('matches the Gram matrix computed by hand loops', () => {
    const shape = [2, 2, 3, 2] as const;
    const values = numbers(24, 9);
    const phi = tf.tensor4d(values, [...shape]);
    const G = gramMatrix(phi);
    expect(G.shape).toEqual([2, 2, 2]);
    const got = takeAll(G);
    gramByLoops(values, shape).forEach((v, i) => {
      expect(got[i]).toBeCloseTo(v, 6);
    });
    // symmetric
    expect(got[1]).toBeCloseTo(got[2] as number, 7);
    phi.dispose();
  });

  it('is 1/C everywhere for a map of ones', () => {
    const ones = tf.ones([1, 4, 4, 3]) as tf.Tensor4D;
    takeAll(gramMatrix(ones)).forEach((v) => {
      expect(v).toBeCloseTo(1 / 3, 6);
    });
    ones.dispose();
  });

  it('has gradients matching central differences', () => {
    const weights = tf.tensor3d(numbers(8, 2), [2, 2, 2]);
    checkGradient(
      (x) => tf.sum(tf.mul(gramMatrix(x as tf.Tensor4D), weights)),
      numbers(16, 3),
      [2, 2, 2, 2],
    );
    weights.dispose();
  });

  it('rejects non-NHWC and non-float input', () => {
    const rank3 = tf.zeros([2, 2, 2]);
    const ints = tf.zeros([1, 2, 2, 1], 'int32');
    expect(() => gramMatrix(rank3 as tf.Tensor4D)).toThrow(ShapeError);
    expect(() => gramMatrix(rank3 as tf.Tensor4D)).toThrow(
      /features: expected NHWC.*got \[2, 2, 2\]/,
    );
    expect(() => gramMatrix(ints as tf.Tensor4D)).toThrow(DTypeError);
    tf.dispose([rank3, ints]);
  });
});

import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { values } from '../test/helpers.js';
import { explicitRkStep } from './explicit-rk.js';
import { stabilityFunction } from './stability-function.js';

describe('explicitRkStep', () => {
  it('on y′ = λ y multiplies y by R(hλ), the stability function, for every built-in method', () => {
    for (const method of ['euler', 'midpoint', 'heun', 'rk4'] as const) {
      const lambda = -1.3;
      const h = 0.4;
      const out = tf.tidy(() =>
        values(
          explicitRkStep({ f: (_t, y) => tf.mul(y, lambda), method, y: tf.tensor1d([2, -1]), h }),
        ),
      );
      const R = stabilityFunction(method)({ re: h * lambda, im: 0 }).re;
      expect(out[0]).toBeCloseTo(2 * R, 6);
      expect(out[1]).toBeCloseTo(-R, 6);
    }
  });

  it('evaluates the stages at t + c_i h with the parameters (Heun on y′ = a t: exact for linear t)', () => {
    const out = tf.tidy(() =>
      values(
        explicitRkStep({
          f: (t, y, p: { a: tf.Tensor }) => tf.mul(tf.onesLike(y), tf.mul(p.a, t)),
          method: 'heun',
          y: tf.zeros([1]),
          t: 1,
          h: 0.5,
          params: { a: tf.scalar(2) },
        }),
      ),
    );
    // ∫_1^1.5 2t dt = 1.25
    expect(out[0]).toBeCloseTo(1.25, 6);
  });

  it('works on trees and validates the method', () => {
    tf.tidy(() => {
      const next = explicitRkStep({
        f: (_t, y: { a: tf.Tensor; b: tf.Tensor }) => ({ a: y.b, b: tf.neg(y.a) }),
        method: 'euler',
        y: { a: tf.scalar(1), b: tf.scalar(0) },
        h: 0.1,
      });
      expect(values(next.a)[0]).toBeCloseTo(1, 6);
      expect(values(next.b)[0]).toBeCloseTo(-0.1, 6);
      expect(() =>
        explicitRkStep({ f: (_t, y) => y, method: 'rk5' as 'rk4', y: tf.scalar(1), h: 0.1 }),
      ).toThrow(/expected one of 'euler', 'midpoint', 'heun', 'rk4'/);
    });
  });
});

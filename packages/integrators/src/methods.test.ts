import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { logLogSlope } from '../test/helpers.js';
import { METHOD_NAMES, methodOrder, resolveMethod } from './methods.js';
import { solve } from './solve.js';
import type { ButcherTableau, Method } from './types.js';

/** Kutta's third-order method, given as a user tableau. */
const KUTTA3: ButcherTableau = {
  name: 'kutta3',
  order: 3,
  a: [[], [1 / 2], [-1, 2]],
  b: [1 / 6, 2 / 3, 1 / 6],
  c: [0, 1 / 2, 1],
};

const T = 2;
const SAVE = [0.5, 1, 1.5, 2];

/** Max relative error over the save times of y' = cos(t) y, y(t) = y0 e^{sin t} (non-autonomous). */
function rkError(method: Method, steps: number): number {
  return tf.tidy(() => {
    const y0 = tf.tensor2d([[1], [-0.5]]);
    const { ys } = solve({
      f: (t, y) => tf.mul(y, Math.cos(t)),
      y0,
      t1: T,
      steps,
      method,
      saveAt: SAVE,
    });
    let worst = 0;
    ys.forEach((y, i) => {
      const exact = Math.exp(Math.sin(SAVE[i] as number));
      y.dataSync().forEach((v, j) => {
        const e = (j === 0 ? 1 : -0.5) * exact;
        worst = Math.max(worst, Math.abs(v - e) / Math.abs(e));
      });
    });
    return worst;
  });
}

/**
 * Max error over the save times of the forced oscillator q'' = −q + cos t, q(0) = 1, q'(0) = 0,
 * as the partitioned system q' = p, p' = −q + cos t: q = cos t + t sin t / 2.
 */
function leapfrogError(steps: number): number {
  return tf.tidy(() => {
    const { ys } = solve({
      f: { dq: (_t, p: tf.Tensor) => p, dp: (t, q: tf.Tensor) => tf.add(tf.neg(q), Math.cos(t)) },
      y0: { q: tf.tensor2d([[1]]), p: tf.tensor2d([[0]]) },
      t1: T,
      steps,
      saveAt: SAVE,
    });
    let worst = 0;
    ys.forEach((y, i) => {
      const t = SAVE[i] as number;
      const q = Math.cos(t) + (t * Math.sin(t)) / 2;
      const p = -Math.sin(t) / 2 + (t * Math.cos(t)) / 2;
      worst = Math.max(
        worst,
        Math.hypot((y.q.dataSync()[0] as number) - q, (y.p.dataSync()[0] as number) - p),
      );
    });
    return worst;
  });
}

interface Case {
  readonly name: string;
  readonly method: Method;
  readonly order: number;
  /** Step counts in the asymptotic range, above float32 round-off. */
  readonly steps: readonly number[];
}

const methods: Case[] = [
  { name: 'euler', method: 'euler', order: 1, steps: [16, 32, 64, 128] },
  { name: 'midpoint', method: 'midpoint', order: 2, steps: [16, 32, 64, 128] },
  { name: 'heun', method: 'heun', order: 2, steps: [16, 32, 64, 128] },
  { name: 'kutta3 (user tableau)', method: KUTTA3, order: 3, steps: [8, 16, 32, 64] },
  { name: 'rk4', method: 'rk4', order: 4, steps: [4, 8, 16] },
  { name: 'leapfrog', method: 'leapfrog', order: 2, steps: [8, 16, 32, 64] },
];

describe('convergence order of every fixed-step method', () => {
  it.each(methods)(
    '$name: slope of log(error) vs log(h) is within 0.2 of its order',
    ({ method, order, steps }) => {
      expect(methodOrder(method)).toBe(order);
      const errors = steps.map((n) =>
        method === 'leapfrog' ? leapfrogError(n) : rkError(method, n),
      );
      // Errors shrink monotonically and stay well above float32 round-off.
      errors.forEach((e, i) => {
        expect(e).toBeGreaterThan(2e-7);
        if (i > 0) expect(e).toBeLessThan(errors[i - 1] as number);
      });
      const slope = logLogSlope(
        steps.map((n) => T / n),
        errors,
      );
      expect(Math.abs(slope - order)).toBeLessThan(0.2);
    },
  );
});

describe('resolveMethod', () => {
  it('knows every listed name', () => {
    for (const name of METHOD_NAMES) expect(resolveMethod(name).name).toBe(name);
  });

  it('lists the allowed names for an unknown one', () => {
    expect(() => resolveMethod('rk5')).toThrow(
      /unknown 'rk5'.*'euler', 'midpoint', 'heun', 'rk4', 'dopri5', 'leapfrog'/,
    );
  });

  it('marks dopri5 and user tableaux with bHat as embedded', () => {
    expect(resolveMethod('dopri5')).toMatchObject({ kind: 'rk', embedded: true, order: 5 });
    expect(resolveMethod(KUTTA3)).toMatchObject({ kind: 'rk', embedded: false, order: 3 });
  });
});

import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  expm,
  type Mat,
  matVec,
  memoryPeak,
  randomMatrix,
  relErr,
  scale,
  tidyValue,
  transpose,
  values,
} from '../test/helpers.js';
import type { GradientMode } from './gradient-mode.js';
import { solve } from './solve.js';
import type { Method } from './types.js';

const A: Mat = randomMatrix(3, 3, 8, 0.9);
const Y0 = [0.5, -1, 0.25];
const C = [1, 2, -1];
const T = 1.5;

/** The continuous problem: L(y0, A) = cᵀ e^{TA} y0; ∂L/∂y0 = e^{TAᵀ} c, ∂L/∂A by central differences (float64). */
function continuousGradient(): { gy0: number[]; gA: number[] } {
  const loss = (a: Mat): number =>
    matVec(expm(scale(a, T)), Y0).reduce((s, v, i) => s + v * (C[i] as number), 0);
  const gy0 = matVec(transpose(expm(scale(A, T))), C);
  const eps = 1e-6;
  const gA: number[] = [];
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      const shift = (d: number) =>
        A.map((row, r) => row.map((x, c) => (r === i && c === j ? x + d : x)));
      gA.push((loss(shift(eps)) - loss(shift(-eps))) / (2 * eps));
    }
  }
  return { gy0, gA };
}

function linearGradients(gradient: GradientMode, method: Method, options: object): number[] {
  const grads = tf.tidy(() => {
    const c = tf.tensor2d([C]);
    return tf.grads((y0: tf.Tensor, a: tf.Tensor) => {
      const { y } = solve({
        f: (_t, x, p: { A: tf.Tensor }) => tf.matMul(x, p.A, false, true),
        y0,
        params: { A: a },
        t1: T,
        method,
        gradient,
        ...options,
      });
      return tf.sum(tf.mul(y, c));
    })([tf.tensor2d([Y0]), tf.tensor2d(A)]);
  });
  const out = grads.flatMap((g) => values(g));
  tf.dispose(grads);
  return out;
}

describe("gradient 'adjoint'", () => {
  const exact = continuousGradient();
  const exactAll = [...exact.gy0, ...exact.gA];

  it.each([
    ['euler', [8, 16, 32], 1],
    ['heun', [4, 8, 16], 2],
    ['rk4', [2, 4, 8], 4],
  ] as const)(
    '%s: its error against the continuous gradient shrinks with the step, at the method order',
    (method, steps, order) => {
      const errors = steps.map((n) =>
        relErr(linearGradients('adjoint', method, { steps: n }), exactAll),
      );
      for (let i = 1; i < errors.length; i++) {
        const observed = Math.log2((errors[i - 1] as number) / (errors[i] as number));
        expect(observed).toBeGreaterThan(order - 0.5);
      }
      // Backprop differs from the adjoint by the discretisation error, which also shrinks.
      const gaps = steps.map((n) =>
        relErr(
          linearGradients('adjoint', method, { steps: n }),
          linearGradients('backprop', method, { steps: n }),
        ),
      );
      expect(gaps[gaps.length - 1]).toBeLessThan(
        (gaps[0] as number) / 2 ** (order * (steps.length - 1) - 1),
      );
      expect(gaps[0]).toBeGreaterThan(1e-5);
    },
  );

  it('dopri5: adaptive backward solve with the same tolerances approximates the continuous gradient', () => {
    const g = linearGradients('adjoint', 'dopri5', { adaptive: { rtol: 1e-6, atol: 1e-8 } });
    expect(relErr(g, exactAll)).toBeLessThan(1e-4);
  });

  it('with save times: λ jumps by ∂L/∂y(s) (y′ = a y, L = y(T) + y(T/2), ∂L/∂a = T e^{aT} + T/2 e^{aT/2})', () => {
    const a = -0.7;
    const y0 = 1.3;
    const expected = y0 * (T * Math.exp(a * T) + (T / 2) * Math.exp((a * T) / 2));
    const dy0 = Math.exp(a * T) + Math.exp((a * T) / 2);
    for (const [method, options] of [
      ['rk4', { steps: 16 }],
      ['dopri5', { adaptive: { rtol: 1e-7, atol: 1e-9 } }],
    ] as const) {
      const grads = tf.tidy(() =>
        tf.grads((x: tf.Tensor, k: tf.Tensor) => {
          const r = solve({
            f: (_t, y, p: { a: tf.Tensor }) => tf.mul(y, p.a),
            y0: x,
            params: { a: k },
            t1: T,
            saveAt: [T / 2],
            method,
            gradient: 'adjoint',
            ...options,
          });
          return tf.add(tf.sum(r.y), tf.sum(r.ys[0] as tf.Tensor));
        })([tf.scalar(y0), tf.scalar(a)]),
      );
      const [gy, ga] = grads.map((g) => g.dataSync()[0] as number);
      tf.dispose(grads);
      expect(Math.abs((ga as number) / expected - 1)).toBeLessThan(1e-4);
      expect(Math.abs((gy as number) / dy0 - 1)).toBeLessThan(1e-4);
    }
  });

  it('leapfrog: the adjoint of a partitioned system is partitioned again (q″ = −ω² q, ∂q(T)/∂ω exact)', () => {
    // q = q0 cos ωT + (p0/ω) sin ωT.
    const w = 1.7;
    const q0 = 0.8;
    const p0 = -0.4;
    const dqdw =
      -q0 * T * Math.sin(w * T) + p0 * ((T * Math.cos(w * T)) / w - Math.sin(w * T) / (w * w));
    const errors = [16, 32, 64].map((steps) => {
      const g = tf.tidy(() =>
        tf.grad((omega: tf.Tensor) =>
          tf.sum(
            solve({
              f: {
                dq: (_t, p: tf.Tensor) => p,
                dp: (_t, q: tf.Tensor, pr: { w: tf.Tensor }) => tf.mul(q, tf.neg(tf.square(pr.w))),
              },
              y0: { q: tf.scalar(q0), p: tf.scalar(p0) },
              params: { w: omega },
              t1: T,
              steps,
              gradient: 'adjoint',
            }).y.q,
          ),
        )(tf.scalar(w)),
      );
      const v = g.dataSync()[0] as number;
      g.dispose();
      return Math.abs(v - dqdw);
    });
    expect(Math.log2((errors[0] as number) / (errors[2] as number)) / 2).toBeGreaterThan(1.7);
    expect(errors[2]).toBeLessThan(1e-3 * Math.abs(dqdw));
  });

  it('backwards in time (t1 < t0): adjoint and checkpoint agree with backprop', () => {
    const grads = (gradient: GradientMode, method: Method) =>
      tidyValue(() => {
        const g = tf.grads((y0: tf.Tensor, k: tf.Tensor) =>
          tf.sum(
            tf.square(
              solve({
                f: (t, y, p: { k: tf.Tensor }) => tf.tanh(tf.mul(y, tf.mul(p.k, t))),
                y0,
                controls: { values: { k } },
                t0: 1,
                t1: -0.5,
                steps: 12,
                method,
                gradient,
                saveAt: [0.5, 0],
              }).ys[1] as tf.Tensor,
            ),
          ),
        )([tf.tensor1d([0.3, -0.8]), tf.tensor1d([1, -2, 0.5])]);
        return g.flatMap((x) => values(x));
      });
    for (const method of ['rk4', 'heun'] as const) {
      const reference = grads('backprop', method);
      expect(relErr(grads('checkpoint', method), reference)).toBeLessThan(1e-5);
      expect(relErr(grads('adjoint', method), reference)).toBeLessThan(
        method === 'rk4' ? 1e-3 : 2e-2,
      );
    }
  });

  it('leapfrog: the adjoint solved with leapfrog is exactly the discrete (backprop) gradient', () => {
    // Symplectic partitioned schemes commute with differentiation (Sanz-Serna 2016): applying
    // leapfrog to the partitioned adjoint system gives the adjoint of the leapfrog map itself.
    type Theta = { K: tf.Tensor; b: tf.Tensor };
    const layer = (x: tf.Tensor, { K, b }: Theta) =>
      tf.matMul(tf.tanh(tf.add(tf.matMul(x, K, false, true), b)), K);
    const f = {
      dq: (_t: number, p: tf.Tensor, th: Theta) => layer(p, th),
      dp: (_t: number, q: tf.Tensor, th: Theta) => tf.neg(layer(q, th)),
    };
    const tensor = (seed: number, shape: number[], a: number) =>
      tf.tensor(
        randomMatrix(
          1,
          shape.reduce((x, y) => x * y, 1),
          seed,
          a,
        )[0] as number[],
        shape,
      );
    const grads = (gradient: GradientMode) =>
      tidyValue(() =>
        tf
          .grads(
            (q: tf.Tensor, k: tf.Tensor, b: tf.Tensor) =>
              tf.sum(
                tf.square(
                  solve({
                    f,
                    y0: { q, p: tf.mul(q, 0.3) },
                    controls: { values: { K: k, b }, interpolation: 'linear' },
                    t1: 3,
                    steps: 16,
                    gradient,
                  }).y.q,
                ),
              ) as tf.Scalar,
          )([tensor(1, [3, 4], 1), tensor(2, [4, 4, 4], 0.8), tensor(3, [4, 4], 0.3)])
          .map((x) => values(x)),
      );
    const adjoint = grads('adjoint');
    const backprop = grads('backprop');
    adjoint.forEach((g, i) => {
      expect(relErr(g, backprop[i] as number[])).toBeLessThan(1e-5);
    });
  });

  it('memory does not grow with the number of steps', () => {
    const peak = (n: number) =>
      memoryPeak((probe) => {
        const g = tf.tidy(() => {
          const K = tf.mul(tf.eye(16), 0.5);
          return tf.grad((x: tf.Tensor) =>
            tf.sum(
              solve({
                f: (_t, y, p: { K: tf.Tensor }) => {
                  probe();
                  return tf.tanh(tf.matMul(y, p.K));
                },
                y0: x,
                params: { K },
                steps: n,
                method: 'heun',
                gradient: 'adjoint',
              }).y,
            ),
          )(tf.ones([32, 16]));
        });
        g.dispose();
      });
    const small = peak(16);
    const large = peak(128);
    expect(large.bytes).toBeLessThan(1.25 * small.bytes);
    expect(large.tensors).toBeLessThan(1.25 * small.tensors + 10);
  });
});

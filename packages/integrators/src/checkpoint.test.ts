import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  add,
  identity,
  type Mat,
  matMul,
  matVec,
  memoryPeak,
  randomMatrix,
  relErr,
  scale,
  transpose,
  values,
} from '../test/helpers.js';
import { checkpoint, type GradientMode } from './gradient-mode.js';
import { solve } from './solve.js';
import type { Method } from './types.js';

const A: Mat = randomMatrix(3, 3, 3, 0.8);
const Y0 = [0.5, -1, 0.25];
const C = [1, 2, -1];
const T = 1.5;

/** RK4's one-step matrix for y' = A y: R(hA) = I + hA + (hA)²/2 + (hA)³/6 + (hA)⁴/24. */
function rk4Matrix(a: Mat, h: number): Mat {
  let term = identity(a.length);
  let sum = identity(a.length);
  for (let k = 1; k <= 4; k++) {
    term = scale(matMul(term, scale(a, h)), 1 / k);
    sum = add(sum, term);
  }
  return sum;
}

/** The discrete loss L = cᵀ R(hA)^N y0 in float64. */
function discreteLoss(a: Mat, y0: readonly number[], n: number): number {
  const R = rk4Matrix(a, T / n);
  let y = y0.slice();
  for (let k = 0; k < n; k++) y = matVec(R, y);
  return y.reduce((s, v, i) => s + v * (C[i] as number), 0);
}

/** The exact gradient of the discrete loss: ∂L/∂y0 = (R^N)ᵀ c, ∂L/∂A by central differences (float64). */
function discreteGradient(n: number): { gy0: number[]; gA: number[] } {
  const R = rk4Matrix(A, T / n);
  let v = C.slice();
  for (let k = 0; k < n; k++) v = matVec(transpose(R), v);
  const eps = 1e-6;
  const gA: number[] = [];
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      const plus = A.map((row, r) => row.map((x, c) => (r === i && c === j ? x + eps : x)));
      const minus = A.map((row, r) => row.map((x, c) => (r === i && c === j ? x - eps : x)));
      gA.push((discreteLoss(plus, Y0, n) - discreteLoss(minus, Y0, n)) / (2 * eps));
    }
  }
  return { gy0: v, gA };
}

/** Gradients of L = ⟨c, y(T)⟩ for y' = A y (row convention y' = y Aᵀ) through solve. */
function linearGradients(
  gradient: GradientMode,
  n: number,
  extra: object = {},
): { gy0: number[]; gA: number[] } {
  const [gy0, gA] = tf.tidy(() => {
    const c = tf.tensor2d([C]);
    return tf.grads((y0: tf.Tensor, a: tf.Tensor) => {
      const { y } = solve({
        f: (_t, x, p: { A: tf.Tensor }) => tf.matMul(x, p.A, false, true),
        y0,
        params: { A: a },
        t1: T,
        steps: n,
        gradient,
        ...extra,
      });
      return tf.sum(tf.mul(y, c));
    })([tf.tensor2d([Y0]), tf.tensor2d(A)]);
  }) as [tf.Tensor, tf.Tensor];
  const out = { gy0: values(gy0), gA: values(gA) };
  tf.dispose([gy0, gA]);
  return out;
}

describe("gradient 'checkpoint'", () => {
  it('gives the exact gradient of the discrete solution (y′ = A y, RK4: ∂L/∂y0 = (R(hA)^N)ᵀ c)', () => {
    for (const n of [5, 16]) {
      const exact = discreteGradient(n);
      for (const gradient of ['backprop', 'checkpoint'] as const) {
        const g = linearGradients(gradient, n);
        expect(relErr(g.gy0, exact.gy0)).toBeLessThan(1e-5);
        expect(relErr(g.gA, exact.gA)).toBeLessThan(1e-4);
      }
    }
  });

  /** A tanh network on a pytree state with controls, saved outputs and a loss on both. */
  function networkGradients(
    gradient: GradientMode,
    method: Method,
    extra: object = {},
  ): number[][] {
    return tf.tidy(() => {
      const rng = (s: number, shape: number[]) =>
        tf.tensor(
          randomMatrix(
            1,
            shape.reduce((a, b) => a * b, 1),
            s,
            0.7,
          )[0] as number[],
          shape,
        );
      const K = rng(1, [4, 3, 3]);
      const b = rng(2, [4, 3]);
      const u0 = rng(3, [2, 3]);
      const v0 = rng(4, [2, 3]);
      const f = (
        t: number,
        y: { u: tf.Tensor; v: tf.Tensor },
        p: { K: tf.Tensor; b: tf.Tensor },
      ) => ({
        u: tf.tanh(tf.add(tf.matMul(y.v, p.K), p.b)),
        v: tf.mul(tf.sin(tf.add(y.u, t)), -1),
      });
      const grads = tf.grads((u: tf.Tensor, v: tf.Tensor, k: tf.Tensor, bb: tf.Tensor) => {
        const r = solve({
          f,
          y0: { u, v },
          controls: { values: { K: k, b: bb }, interpolation: 'linear' },
          t1: 2,
          method,
          saveAt: [0, 0.5, 1.25],
          gradient,
          ...(method === 'dopri5' ? { adaptive: { rtol: 1e-4 } } : { steps: 24 }),
          ...extra,
        });
        const terms = [r.y, ...r.ys].map((s, i) =>
          tf.sum(tf.mul(tf.square(tf.add(s.u, 0.3 * i)), tf.cos(s.v))),
        );
        return tf.addN(terms) as tf.Scalar;
      })([u0, v0, K, b]);
      return grads.map((g) => values(g));
    });
  }

  it.each(['euler', 'rk4', 'dopri5'] as const)(
    '%s: the same gradient as backprop (pytree state, linear controls, saveAt)',
    (method) => {
      const reference = networkGradients('backprop', method);
      for (const every of [undefined, 1, 3]) {
        const g = networkGradients(
          every === undefined ? 'checkpoint' : checkpoint({ every }),
          method,
        );
        g.forEach((leaf, i) => {
          expect(relErr(leaf, reference[i] as number[])).toBeLessThan(1e-5);
        });
      }
    },
  );

  it('peak memory during the backward pass grows sublinearly in N, unlike backprop', () => {
    const peak = (gradient: GradientMode, n: number) =>
      memoryPeak((probe) => {
        const grad = tf.tidy(() => {
          const K = tf.mul(tf.eye(16), 0.5);
          const y0 = tf.ones([32, 16]);
          const g = tf.grad((x: tf.Tensor) =>
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
                gradient,
              }).y,
            ),
          )(y0);
          probe();
          return g;
        });
        grad.dispose();
      });
    const stateBytes = 32 * 16 * 4;
    const b16 = peak('backprop', 16);
    const b128 = peak('backprop', 128);
    const c16 = peak('checkpoint', 16);
    const c128 = peak('checkpoint', 128);
    const backpropGrowth = b128.bytes / b16.bytes;
    const checkpointGrowth = c128.bytes / c16.bytes;
    // Backprop keeps every step's tape: growth ≈ 128/16 = 8. Checkpointing (k = ⌈√N⌉) keeps
    // N/k states plus one segment's tape: (128/12 + 12)/(16/4 + 4) ≈ 2.8.
    expect(backpropGrowth).toBeGreaterThan(6);
    expect(checkpointGrowth).toBeLessThan(Math.sqrt(128 / 16) * 1.5);
    expect(checkpointGrowth).toBeLessThan(backpropGrowth / 2);
    expect(c128.bytes).toBeLessThan(b128.bytes / 3);
    expect(c128.tensors).toBeLessThan(b128.tensors / 3);
    expect(b128.bytes).toBeGreaterThan(128 * stateBytes);
    console.info(
      JSON.stringify({
        measure: 'peak tensor memory above baseline during a gradient (bytes / tensors)',
        stateBytes,
        backprop: { N16: b16, N128: b128 },
        checkpoint: { N16: c16, N128: c128 },
      }),
    );
  });
});

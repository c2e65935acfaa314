import * as tf from '@tensorflow/tfjs-core';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { matMul, randomMatrix, transpose, values } from '../test/helpers.js';
import { leapfrogStep } from './leapfrog.js';
import { solve } from './solve.js';

// S = A − Aᵀ (antisymmetric, 4×4): y' = S y keeps ‖y‖ constant; its eigenvalues are ±iω.
const A = randomMatrix(4, 4, 11);
const S = A.map((row, i) => row.map((x, j) => x - ((A[j] as number[])[i] as number)));
const S2 = matMul(S, S);
const omegas = new EigenvalueDecomposition(new Matrix(S)).imaginaryEigenvalues.map(Math.abs);
const y0Values = [[0.3, -1, 0.5, 0.8]];

describe('energy of y′ = (A − Aᵀ) y', () => {
  it('forward Euler: ‖y‖² grows every step by a factor in [1 + h²ω²_min, 1 + h²ω²_max], without bound', () => {
    const h = 0.05;
    const steps = 200;
    const saveAt = Array.from({ length: steps }, (_, k) => (k + 1) * h);
    const energies = tf.tidy(() => {
      const St = tf.tensor2d(transpose(S));
      const { ys } = solve({
        f: (_t, y) => tf.matMul(y, St),
        y0: tf.tensor2d(y0Values),
        t1: steps * h,
        steps,
        method: 'euler',
        saveAt,
      });
      return ys.map((y) => tf.sum(tf.square(y)).dataSync()[0] as number);
    });
    const e0 = (y0Values[0] as number[]).reduce((s, x) => s + x * x, 0);
    const lo = 1 + h * h * Math.min(...omegas) ** 2;
    const hi = 1 + h * h * Math.max(...omegas) ** 2;
    let prev = e0;
    for (const e of energies) {
      const ratio = e / prev;
      expect(ratio).toBeGreaterThan(lo - 1e-5);
      expect(ratio).toBeLessThan(hi + 1e-5);
      prev = e;
    }
    const last = energies[energies.length - 1] as number;
    // At least geometric growth with ratio 1 + h²ω²_min > 1 (ω_min > 0): unbounded as n → ∞.
    expect(Math.min(...omegas)).toBeGreaterThan(0);
    expect(last / e0).toBeGreaterThan(lo ** steps * (1 - 1e-3));
  });

  it('leapfrog on the second-order form q″ = S² q (q = y, p = y′): ‖q‖² stays within 1% over 10,000 steps', () => {
    const h = 0.01;
    const steps = 10_000;
    const saveAt = Array.from({ length: 100 }, (_, k) => (k + 1) * 100 * h);
    const energies = tf.tidy(() => {
      const S2t = tf.tensor2d(transpose(S2));
      const q0 = tf.tensor2d(y0Values);
      const p0 = tf.matMul(q0, tf.tensor2d(transpose(S)));
      const { ys } = solve({
        f: { dq: (_t, p: tf.Tensor) => p, dp: (_t, q: tf.Tensor) => tf.matMul(q, S2t) },
        y0: { q: q0, p: p0 },
        t1: steps * h,
        steps,
        saveAt,
      });
      return ys.map((y) => tf.sum(tf.square(y.q)).dataSync()[0] as number);
    });
    const e0 = (y0Values[0] as number[]).reduce((s, x) => s + x * x, 0);
    expect(energies).toHaveLength(100);
    for (const e of energies) expect(Math.abs(e / e0 - 1)).toBeLessThan(0.01);
    // Stable for hω < 2: far from it here.
    expect(h * Math.max(...omegas)).toBeLessThan(0.1);
  });
});

describe('leapfrog cost', () => {
  it('reuses the closing kick as the next opening kick (2N + 1 evaluations) unless the controls jump', () => {
    tf.tidy(() => {
      const f = {
        dq: (_t: number, p: tf.Tensor) => p,
        dp: (_t: number, q: tf.Tensor, c: { k: tf.Tensor }) => tf.mul(q, c.k),
      };
      const y0 = { q: tf.ones([2]), p: tf.zeros([2]) };
      const params = solve({ f, y0, params: { k: tf.scalar(-1) }, steps: 10 });
      expect(params.stats.nfe).toBe(2 * 10 + 1);
      // One control piece per step: every opening kick sees a new piece.
      const perStep = solve({ f, y0, controls: { values: { k: tf.fill([10], -1) } }, steps: 10 });
      expect(perStep.stats.nfe).toBe(3 * 10);
      // Reuse does not change the result.
      expect(values(perStep.y.q)).toEqual(values(params.y.q));
    });
  });
});

describe('leapfrogStep', () => {
  it('is reversible: a step of −h undoes a step of h (to float32 round-off)', () => {
    tf.tidy(() => {
      const K = tf.tensor2d(randomMatrix(3, 3, 5));
      const f = {
        dq: (_t: number, p: tf.Tensor, { K: k }: { K: tf.Tensor }) =>
          tf.matMul(tf.tanh(tf.matMul(p, k)), k, false, true),
        dp: (t: number, q: tf.Tensor, { K: k }: { K: tf.Tensor }) =>
          tf.mul(tf.matMul(tf.tanh(tf.matMul(q, k)), k, false, true), -1 - t),
      };
      const y = { q: tf.tensor2d([[0.2, -0.4, 1]]), p: tf.tensor2d([[0.5, 0.1, -0.3]]) };
      const forward = leapfrogStep({ f, y, t: 0.3, h: 0.1, params: { K } });
      const back = leapfrogStep({ f, y: forward, t: 0.4, h: -0.1, params: { K } });
      expect(tf.max(tf.abs(tf.sub(back.q, y.q))).dataSync()[0]).toBeLessThan(1e-6);
      expect(tf.max(tf.abs(tf.sub(back.p, y.p))).dataSync()[0]).toBeLessThan(1e-6);
      expect(tf.max(tf.abs(tf.sub(forward.q, y.q))).dataSync()[0]).toBeGreaterThan(1e-3);
    });
  });

  it('is one step of solve with method leapfrog', () => {
    tf.tidy(() => {
      const f = {
        dq: (_t: number, p: tf.Tensor) => p,
        dp: (t: number, q: tf.Tensor) => tf.mul(q, -t),
      };
      const y = { q: tf.tensor1d([1, 2]), p: tf.tensor1d([0, -1]) };
      const one = leapfrogStep({ f, y, t: 0.5, h: 0.25 });
      const viaSolve = solve({ f, y0: y, t0: 0.5, t1: 0.75, steps: 1 }).y;
      expect(Array.from(one.q.dataSync())).toEqual(Array.from(viaSolve.q.dataSync()));
      expect(Array.from(one.p.dataSync())).toEqual(Array.from(viaSolve.p.dataSync()));
      // p½ = p − h/2 t q; q₁ = q + h p½; p₁ = p½ − h/2 (t + h) q₁
      const pHalf = [0 - 0.125 * 0.5 * 1, -1 - 0.125 * 0.5 * 2];
      const q1 = [1 + 0.25 * (pHalf[0] as number), 2 + 0.25 * (pHalf[1] as number)];
      const p1 = pHalf.map((v, i) => v - 0.125 * 0.75 * (q1[i] as number));
      Array.from(one.q.dataSync()).forEach((v, i) => {
        expect(v).toBeCloseTo(q1[i] as number, 6);
      });
      Array.from(one.p.dataSync()).forEach((v, i) => {
        expect(v).toBeCloseTo(p1[i] as number, 6);
      });
    });
  });
});

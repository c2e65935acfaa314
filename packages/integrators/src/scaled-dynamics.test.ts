// Scaled and residual evaluations: the RK steps use c·f where a stage enters once (and forward Euler y + h·f in one call), with the scheme's own result and gradients.
import { ShapeError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  add,
  identity,
  type Mat,
  matMul,
  randomMatrix,
  relErr,
  scale,
  values,
} from '../test/helpers.js';
import type { GradientModeName } from './gradient-mode.js';
import { residualOf, scaledOf, withScaled } from './scaled-dynamics.js';
import { solve } from './solve.js';
import type { Dynamics } from './types.js';

const A: Mat = randomMatrix(3, 3, 11, 0.8);
const Y0: Mat = [
  [0.5, -1, 0.25],
  [1, 0.5, -0.75],
];
const W: Mat = [
  [1, -2, 0.5],
  [0.25, 1, -1],
];
const T = 1.2;
const N = 6;

type P = { A: tf.Tensor };

/**
 * Counts calls of `f`, of its scaled evaluation and (with `residual`) of its residual evaluation,
 * recording each coefficient.
 */
function counted(residual = false): {
  f: Dynamics<tf.Tensor, P>;
  calls: { f: number; scaled: number[]; residual: number[] };
} {
  const calls = { f: 0, scaled: [] as number[], residual: [] as number[] };
  const f = withScaled<tf.Tensor, P>(
    (_t, y, p) => {
      calls.f++;
      return tf.matMul(y, p.A);
    },
    (_t, y, p, c) => {
      calls.scaled.push(c);
      return tf.matMul(y, tf.mul(p.A, c));
    },
    residual
      ? (_t, y, p, c) => {
          calls.residual.push(c);
          return tf.add(y, tf.matMul(y, tf.mul(p.A, c)));
        }
      : undefined,
  );
  return { f, calls };
}

/** `I + Z + Z²/2! + … + Z^p/p!`, the stability polynomial of an explicit p-stage method of order p ≤ 4. */
function taylor(z: Mat, p: number): Mat {
  let term = identity(z.length);
  let sum = term;
  for (let k = 1; k <= p; k++) {
    term = scale(matMul(term, z), 1 / k);
    sum = add(sum, term);
  }
  return sum;
}

/** `y0 · R(hA)^N` in float64 (rows are states: `y' = y A`). */
function discrete(p: number, a: Mat = A, y0: Mat = Y0): Mat {
  const R = taylor(scale(a, T / N), p);
  let y = y0;
  for (let j = 0; j < N; j++) y = matMul(y, R);
  return y;
}

const ORDER = { euler: 1, midpoint: 2, heun: 2, rk4: 4 } as const;

/** y(T) of `y' = f(y)` from Y0 with N fixed steps of `method` and θ = { A }, as numbers. */
function solved(f: Dynamics<tf.Tensor, P>, method: keyof typeof ORDER): number[] {
  return tf.tidy(() =>
    values(
      solve({ f, y0: tf.tensor2d(Y0), params: { A: tf.tensor2d(A) }, t1: T, steps: N, method }).y,
    ),
  );
}

describe('withScaled', () => {
  it('leaves f alone and is found by scaledOf', () => {
    const plain: Dynamics<tf.Tensor, P> = (_t, y) => y;
    const scaled = (_t: number, y: tf.Tensor, _p: P, c: number) => tf.mul(y, c);
    const f = withScaled(plain, scaled);
    expect(scaledOf(plain)).toBeUndefined();
    expect(scaledOf(f)).toBe(scaled);
    expect(f).not.toBe(plain);
    expect((plain as { scaled?: unknown }).scaled).toBeUndefined();
  });

  it('each RK method gives y0·R(hA)^N, with c·f for exactly the stages that enter once', () => {
    // Euler: k1 (b = 1). Midpoint: k1 (a21 = 1/2), k2 (b = 1). Heun: k2 only (b = 1/2; k1 enters
    // twice). RK4: k4 only (b = 1/6).
    const h = T / N;
    const expected = {
      euler: { f: 0, scaled: [h] },
      midpoint: { f: 0, scaled: [h / 2, h] },
      heun: { f: N, scaled: [h / 2] },
      rk4: { f: 3 * N, scaled: [h / 6] },
    } as const;
    for (const method of ['euler', 'midpoint', 'heun', 'rk4'] as const) {
      const { f, calls } = counted();
      const out = solved(f, method);
      expect(relErr(out, discrete(ORDER[method]).flat())).toBeLessThan(1e-5);
      expect(calls.f).toBe(expected[method].f);
      const perStep = expected[method].scaled;
      expect(calls.scaled.length).toBe(N * perStep.length);
      calls.scaled.forEach((c, i) => {
        expect(c).toBeCloseTo(perStep[i % perStep.length] as number, 12);
      });
    }
  });

  it('a scaled evaluation that disagrees with c·f changes the result (the step relies on it)', () => {
    const f = withScaled<tf.Tensor, P>(
      (_t, y, p) => tf.matMul(y, p.A),
      (_t, y, p, c) => tf.matMul(y, tf.mul(p.A, 2 * c)),
    );
    const out = solved(f, 'euler');
    // Forward Euler with 2A is what the wrong evaluation integrates.
    expect(relErr(out, discrete(1, scale(A, 2)).flat())).toBeLessThan(1e-5);
  });

  it('adaptive Dormand–Prince steps use f alone', () => {
    const { f, calls } = counted();
    tf.tidy(() => {
      solve({ f, y0: tf.tensor2d(Y0), params: { A: tf.tensor2d(A) }, t1: T, method: 'dopri5' });
    });
    expect(calls.f).toBeGreaterThan(0);
    expect(calls.scaled).toEqual([]);
  });

  it('gradients in y0 and A equal the discrete map’s, by central differences, in every gradient mode', () => {
    // L = Σ W ⊙ y_N for forward Euler and the midpoint method.
    const w = W.flat();
    const weighted = (m: Mat): number => m.flat().reduce((s, v, i) => s + v * (w[i] as number), 0);
    const lossOf = (a: Mat, p: number): number => weighted(discrete(p, a));
    const eps = 1e-6;
    for (const method of ['euler', 'midpoint'] as const) {
      const p = ORDER[method];
      const gA: number[] = [];
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) {
          const shifted = (d: number): Mat =>
            A.map((row, r) => row.map((x, c) => (r === i && c === j ? x + d : x)));
          gA.push((lossOf(shifted(eps), p) - lossOf(shifted(-eps), p)) / (2 * eps));
        }
      }
      // ∂L/∂y0[i][j] = L of the unit matrix e_ij propagated by the (linear) discrete map.
      const gy0: number[] = [];
      for (let i = 0; i < 2; i++) {
        for (let j = 0; j < 3; j++) {
          const e: Mat = Y0.map((row, r) => row.map((_, c) => (r === i && c === j ? 1 : 0)));
          gy0.push(weighted(discrete(p, A, e)));
        }
      }
      const gradsOf = (f: Dynamics<tf.Tensor, P>, gradient: GradientModeName): number[][] =>
        tf.tidy(() => {
          const w = tf.tensor2d(W);
          const g = tf.grads((y0: tf.Tensor, a: tf.Tensor) =>
            tf.sum(
              tf.mul(solve({ f, y0, params: { A: a }, t1: T, steps: N, method, gradient }).y, w),
            ),
          )([tf.tensor2d(Y0), tf.tensor2d(A)]);
          return g.map((t) => values(t));
        });
      for (const gradient of ['backprop', 'checkpoint'] as GradientModeName[]) {
        const { f, calls } = counted();
        const [dy0, dA] = gradsOf(f, gradient);
        expect(calls.scaled.length).toBeGreaterThan(0);
        expect(relErr(dy0 as number[], gy0)).toBeLessThan(1e-5);
        expect(relErr(dA as number[], gA)).toBeLessThan(1e-5);
      }
      // The adjoint integrates the continuous adjoint equation, so it matches the discrete map only
      // to O(h^p); with and without the scaled evaluation it is the same computation.
      const { f, calls } = counted();
      const scaledGrads = gradsOf(f, 'adjoint');
      const plainGrads = gradsOf((_t, y, q) => tf.matMul(y, q.A), 'adjoint');
      expect(calls.scaled.length).toBeGreaterThan(0);
      expect(relErr(scaledGrads.flat(), plainGrads.flat())).toBeLessThan(1e-5);
    }
  });

  it('a scaled evaluation of the wrong shape is refused, naming it', () => {
    const f = withScaled<tf.Tensor, P>(
      (_t, y, p) => tf.matMul(y, p.A),
      (_t, y) => tf.zeros([y.shape[0] as number, 2]),
    );
    let thrown: unknown;
    try {
      solved(f, 'euler');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ShapeError);
    expect((thrown as Error).message).toMatch(/f\.scaled/);
  });
});

describe('residual evaluations (withScaled’s third argument)', () => {
  it('are found by residualOf, and absent unless given', () => {
    const plain: Dynamics<tf.Tensor, P> = (_t, y) => y;
    const scaled = (_t: number, y: tf.Tensor, _p: P, c: number) => tf.mul(y, c);
    const residual = (_t: number, y: tf.Tensor, _p: P, c: number) => tf.mul(y, 1 + c);
    expect(residualOf(withScaled(plain, scaled))).toBeUndefined();
    expect(residualOf(withScaled(plain, scaled, residual))).toBe(residual);
  });

  it('forward Euler is one residual call per step (c = h); the other methods never call it', () => {
    const h = T / N;
    const { f, calls } = counted(true);
    expect(relErr(solved(f, 'euler'), discrete(1).flat())).toBeLessThan(1e-5);
    expect(calls.f).toBe(0);
    expect(calls.scaled).toEqual([]);
    expect(calls.residual.length).toBe(N);
    for (const c of calls.residual) expect(c).toBeCloseTo(h, 12);
    for (const method of ['midpoint', 'heun', 'rk4'] as const) {
      const other = counted(true);
      expect(relErr(solved(other.f, method), discrete(ORDER[method]).flat())).toBeLessThan(1e-5);
      expect(other.calls.residual).toEqual([]);
    }
  });

  it('a residual evaluation that disagrees with y + c·f changes Euler’s result (the step relies on it)', () => {
    const f = withScaled<tf.Tensor, P>(
      (_t, y, p) => tf.matMul(y, p.A),
      (_t, y, p, c) => tf.matMul(y, tf.mul(p.A, c)),
      (_t, y, p, c) => tf.add(y, tf.matMul(y, tf.mul(p.A, 2 * c))),
    );
    expect(relErr(solved(f, 'euler'), discrete(1, scale(A, 2)).flat())).toBeLessThan(1e-5);
  });

  it('Euler’s gradients through it equal the discrete map’s, in backprop and checkpoint modes', () => {
    const w = W.flat();
    const weighted = (m: Mat): number => m.flat().reduce((s, v, i) => s + v * (w[i] as number), 0);
    const eps = 1e-6;
    const gA: number[] = [];
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const shifted = (d: number): Mat =>
          A.map((row, r) => row.map((x, c) => (r === i && c === j ? x + d : x)));
        gA.push(
          (weighted(discrete(1, shifted(eps))) - weighted(discrete(1, shifted(-eps)))) / (2 * eps),
        );
      }
    }
    const gy0: number[] = [];
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 3; j++) {
        gy0.push(
          weighted(
            discrete(
              1,
              A,
              Y0.map((row, r) => row.map((_, c) => (r === i && c === j ? 1 : 0))),
            ),
          ),
        );
      }
    }
    for (const gradient of ['backprop', 'checkpoint'] as GradientModeName[]) {
      const { f, calls } = counted(true);
      const [dy0, dA] = tf.tidy(() => {
        const wt = tf.tensor2d(W);
        return tf
          .grads((y0: tf.Tensor, a: tf.Tensor) =>
            tf.sum(
              tf.mul(
                solve({ f, y0, params: { A: a }, t1: T, steps: N, method: 'euler', gradient }).y,
                wt,
              ),
            ),
          )([tf.tensor2d(Y0), tf.tensor2d(A)])
          .map((t) => values(t));
      });
      expect(calls.residual.length).toBeGreaterThan(0);
      expect(relErr(dy0 as number[], gy0)).toBeLessThan(1e-5);
      expect(relErr(dA as number[], gA)).toBeLessThan(1e-5);
    }
  });

  it('a residual evaluation of the wrong shape is refused, naming it', () => {
    const f = withScaled<tf.Tensor, P>(
      (_t, y, p) => tf.matMul(y, p.A),
      (_t, y, p, c) => tf.matMul(y, tf.mul(p.A, c)),
      (_t, y) => tf.zeros([y.shape[0] as number, 2]),
    );
    expect(() => solved(f, 'euler')).toThrow(ShapeError);
    expect(() => solved(f, 'euler')).toThrow(/f\.residual/);
  });
});

import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { logLogSlope } from '../test/helpers.js';
import { controlsAt } from './controls.js';
import { solve } from './solve.js';
import type { ControlGrid, Method } from './types.js';

const THETA = [2, -1, 1.5, 1];
const M = THETA.length;
const T = 2;
const Y0 = -0.5;

/** y' = θ(t) cos y has y(T) = gd(∫θ dt + gd⁻¹(y0)), with gd(s) = atan(sinh s), gd⁻¹(y) = asinh(tan y). */
function continuous(interpolation: 'constant' | 'linear'): number {
  let integral = 0;
  if (interpolation === 'constant') {
    for (const v of THETA) integral += (v * T) / M;
  } else {
    for (let j = 0; j + 1 < M; j++)
      integral += (((THETA[j] as number) + (THETA[j + 1] as number)) / 2) * (T / (M - 1));
  }
  return Math.atan(Math.sinh(integral + Math.asinh(Math.tan(Y0))));
}

const dynamics = (_t: number, y: tf.Tensor, p: { theta: tf.Tensor }): tf.Tensor =>
  tf.mul(p.theta, tf.cos(y));

function solveError(
  interpolation: 'constant' | 'linear',
  steps: number,
  method: Method = 'rk4',
): number {
  return tf.tidy(() => {
    const controls: ControlGrid<{ theta: tf.Tensor }> = {
      values: { theta: tf.tensor2d(THETA, [M, 1]) },
      interpolation,
    };
    const { y } = solve({ f: dynamics, y0: tf.fill([2, 1], Y0), controls, t1: T, steps, method });
    const v = y.dataSync();
    return Math.max(...Array.from(v).map((x) => Math.abs(x - continuous(interpolation))));
  });
}

describe('controlsAt', () => {
  it('piecewise constant: values[j] on [t0 + jT/M, t0 + (j+1)T/M), the last piece closed at t1', () => {
    tf.tidy(() => {
      const controls = { values: { a: tf.tensor1d(THETA) } };
      const at = (t: number): number =>
        controlsAt(controls, t, { t0: 0, t1: T }).a.dataSync()[0] as number;
      expect(at(0)).toBe(THETA[0]);
      expect(at(0.49)).toBe(THETA[0]);
      expect(at(0.5)).toBe(THETA[1]);
      expect(at(1.2)).toBe(THETA[2]);
      expect(at(1.5)).toBe(THETA[3]);
      expect(at(2)).toBe(THETA[3]);
    });
  });

  it('linear: interpolates between nodes t0 + jT/(M − 1)', () => {
    tf.tidy(() => {
      const controls: ControlGrid = {
        values: tf.tensor2d([
          [0, 10],
          [3, 20],
          [6, 0],
        ]),
        interpolation: 'linear',
      };
      const at = (t: number): number[] =>
        Array.from((controlsAt(controls, t, { t0: 1, t1: 3 }) as tf.Tensor).dataSync());
      expect(at(1)).toEqual([0, 10]);
      at(1.5).forEach((v, i) => {
        expect(v).toBeCloseTo([1.5, 15][i] as number, 5);
      });
      expect(at(2)).toEqual([3, 20]);
      at(2.75).forEach((v, i) => {
        expect(v).toBeCloseTo([5.25, 5][i] as number, 5);
      });
    });
  });

  it('validates the grid', () => {
    tf.tidy(() => {
      expect(() => controlsAt({ values: { a: tf.zeros([3]), b: tf.zeros([4, 2]) } }, 0)).toThrow(
        /disagree on the number of control points M/,
      );
      expect(() => controlsAt({ values: tf.zeros([1, 2]), interpolation: 'linear' }, 0)).toThrow(
        /M \(leading axis\): expected .*≥ 2|at least 2|>= 2|min/,
      );
      expect(() => controlsAt({ values: tf.scalar(1) }, 0)).toThrow(/leading axis of length M/);
      expect(() =>
        controlsAt({ values: tf.zeros([2]), interpolation: 'cubic' as 'linear' }, 0),
      ).toThrow(/expected one of 'constant', 'linear'/);
      expect(() => controlsAt({ values: tf.zeros([2]) }, 1.5)).toThrow(/t: expected/);
    });
  });
});

describe('decoupled control grid: refining N at fixed M converges to the continuous-time model', () => {
  it.each([
    ['constant', [8, 16, 32], 'rk4', 4],
    ['constant', [16, 32, 64, 128], 'euler', 1],
    ['constant', [8, 16, 32, 64], 'heun', 2],
    ['linear', [6, 12, 24], 'rk4', 4],
    ['linear', [12, 24, 48, 96], 'euler', 1],
  ] as const)(
    '%s controls, N = %j (multiples of the control intervals), %s: order %d',
    (interpolation, steps, method, order) => {
      const errors = steps.map((n) => solveError(interpolation, n, method));
      errors.forEach((e) => {
        expect(e).toBeGreaterThan(3e-7);
      });
      const slope = logLogSlope(
        steps.map((n) => T / n),
        errors,
      );
      expect(Math.abs(slope - order)).toBeLessThan(0.2);
    },
  );

  it('a step that straddles a jump of piecewise-constant controls costs the order (N not a multiple of M)', () => {
    expect(solveError('constant', 17)).toBeGreaterThan(50 * solveError('constant', 16));
  });

  it('dopri5 stops at the jumps, so it reaches the continuous solution to its tolerance', () => {
    tf.tidy(() => {
      const controls = { values: { theta: tf.tensor2d(THETA, [M, 1]) } };
      const { y, stats } = solve({
        f: dynamics,
        y0: tf.fill([1, 1], Y0),
        controls,
        t1: T,
        method: 'dopri5',
        adaptive: { rtol: 1e-6 },
      });
      expect(Math.abs((y.dataSync()[0] as number) - continuous('constant'))).toBeLessThan(1e-5);
      // First same as last is not reused across the M − 1 jumps: one extra evaluation each.
      expect(stats.nfe).toBe(2 + 6 * (stats.steps + stats.rejected) + (M - 1));
    });
  });

  it('the number of weights (and their gradient) depends on M, not on N', () => {
    for (const steps of [4, 12]) {
      const grads = tf.tidy(() => {
        const values = tf.tensor2d(THETA, [M, 1]);
        return tf.grad((v: tf.Tensor) =>
          tf.sum(
            solve({
              f: dynamics,
              y0: tf.fill([1, 1], Y0),
              controls: { values: { theta: v } },
              t1: T,
              steps,
            }).y,
          ),
        )(values);
      });
      expect(grads.shape).toEqual([M, 1]);
      grads.dispose();
    }
  });

  it('unstacks each control leaf once per solve (no slice per stage), also under a gradient tape', async () => {
    const values = { K: tf.randomNormal([5, 3, 3]), b: tf.randomNormal([5, 3]) };
    const y0 = tf.randomNormal([2, 3]);
    const f = (_t: number, y: tf.Tensor, p: { K: tf.Tensor; b: tf.Tensor }): tf.Tensor =>
      tf.tanh(tf.add(tf.matMul(y, p.K), p.b));
    const profile = await tf.profile(() =>
      tf.tidy(() => {
        const g = tf.grads((K: tf.Tensor, b: tf.Tensor) =>
          tf.sum(solve({ f, y0, controls: { values: { K, b } }, steps: 20 }).y),
        );
        return g([values.K, values.b]);
      }),
    );
    const names = profile.kernels.map((k) => k.name);
    expect(names.filter((n) => n === 'Unpack')).toHaveLength(2);
    expect(names.filter((n) => n === 'Pack')).toHaveLength(2);
    expect(names.filter((n) => /Slice|Gather/.test(n))).toHaveLength(0);
    profile.result && tf.dispose(profile.result as tf.Tensor[]);
    tf.dispose([values.K, values.b, y0]);
  });
});

import { NumericalError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { adaptiveSteps } from './adaptive-steps.js';
import { solve } from './solve.js';

const T = 10;
/** y' = cos(t) y, y(t) = y0 e^{sin t}: smooth, non-autonomous. */
const f = (t: number, y: tf.Tensor): tf.Tensor => tf.mul(y, Math.cos(t));
const exact = (t: number): number => Math.exp(Math.sin(t));

function finalError(options: object): {
  error: number;
  nfe: number;
  steps: number;
  rejected: number;
} {
  const y0 = tf.tensor2d([[1], [2]]);
  let v: number[];
  let stats: { nfe: number; steps: number; rejected: number };
  try {
    const r = solve({ ...options, f, y0, t1: T } as Parameters<typeof solve>[0]);
    v = Array.from((r.y as tf.Tensor).dataSync());
    stats = r.stats;
    tf.dispose(r.y as tf.Tensor);
  } finally {
    y0.dispose();
  }
  const error = Math.max(
    Math.abs((v[0] as number) - exact(T)) / exact(T),
    Math.abs((v[1] as number) - 2 * exact(T)) / (2 * exact(T)),
  );
  return { error, ...stats };
}

describe('dopri5', () => {
  it('reaches relative error 1e-5 with fewer right-hand-side evaluations than RK4 needs', () => {
    // A rotation y' = y [[0, −ω], [ω, 0]] over five periods: the phase error accumulates.
    const w = 2;
    const horizon = 10;
    const target = 1e-5;
    const run = (options: object): { error: number; nfe: number } =>
      tf.tidy(() => {
        const A = tf.tensor2d([
          [0, -w],
          [w, 0],
        ]);
        const { y, stats } = solve({
          f: (_t, x) => tf.matMul(x, A),
          y0: tf.tensor2d([[1, 0]]),
          t1: horizon,
          ...options,
        });
        const [a = 0, b = 0] = Array.from(y.dataSync());
        return {
          error: Math.hypot(a - Math.cos(w * horizon), b + Math.sin(w * horizon)),
          nfe: stats.nfe,
        };
      });
    // The loosest tolerance that meets the target, and the fewest RK4 steps (by doubling).
    let dp = { error: Number.POSITIVE_INFINITY, nfe: 0 };
    for (const rtol of [1e-3, 3e-4, 1e-4, 3e-5, 1e-5, 3e-6, 1e-6]) {
      dp = run({ method: 'dopri5', adaptive: { rtol, atol: rtol / 100 } });
      if (dp.error <= target) break;
    }
    expect(dp.error).toBeLessThanOrEqual(target);
    let steps = 16;
    let rk = run({ method: 'rk4', steps });
    while (rk.error > target) {
      steps *= 2;
      rk = run({ method: 'rk4', steps });
    }
    expect(rk.nfe).toBe(4 * steps);
    expect(dp.nfe).toBeLessThan(rk.nfe);
  });

  it('costs 6 evaluations per attempted step (first same as last) plus 2 to start', () => {
    const r = finalError({ method: 'dopri5', adaptive: { rtol: 1e-5 } });
    expect(r.nfe).toBe(2 + 6 * (r.steps + r.rejected));
  });

  it('the error shrinks as the tolerance is tightened', () => {
    const errors = [1e-3, 1e-4, 1e-5].map(
      (rtol) => finalError({ method: 'dopri5', adaptive: { rtol, atol: rtol * 1e-2 } }).error,
    );
    expect(errors[1]).toBeLessThan(errors[0] as number);
    expect(errors[2]).toBeLessThan(errors[1] as number);
  });

  it('steps exactly to the save times', () => {
    tf.tidy(() => {
      const saveAt = [0.3, 1.7, 4, 9.99];
      const { ys, ts } = solve({
        f,
        y0: tf.ones([1, 1]),
        t1: T,
        method: 'dopri5',
        saveAt,
        adaptive: { rtol: 1e-6 },
      });
      expect(ts).toEqual(saveAt);
      ys.forEach((y, i) => {
        expect(Math.abs((y.dataSync()[0] as number) / exact(saveAt[i] as number) - 1)).toBeLessThan(
          2e-5,
        );
      });
    });
  });

  it('integrates backwards in time (t1 < t0)', () => {
    tf.tidy(() => {
      const { y } = solve({
        f: (_t, x) => tf.neg(x),
        y0: tf.scalar(Math.exp(-1)),
        t0: 1,
        t1: 0,
        method: 'dopri5',
        adaptive: { rtol: 1e-6 },
      });
      expect(y.dataSync()[0]).toBeCloseTo(1, 5);
    });
  });

  it('accepts PI controller settings (beta = 0 is the classical controller)', () => {
    const pi = finalError({ method: 'dopri5', adaptive: adaptiveSteps({ rtol: 1e-5 }) });
    const classic = finalError({
      method: 'dopri5',
      adaptive: adaptiveSteps({ rtol: 1e-5, controller: { beta: 0, safety: 0.8 } }),
    });
    expect(classic.error).toBeLessThan(1e-3);
    expect(classic.steps).not.toBe(0);
    expect(pi.error).toBeLessThan(1e-3);
  });

  it('fails with a NumericalError naming the time and what to try when the step underflows dtMin', () => {
    // y' = y², y(0) = 1 blows up at t = 1.
    const y0 = tf.ones([1]);
    let caught: unknown;
    try {
      solve({ f: (_t, x) => tf.square(x), y0, t1: 2, method: 'dopri5', adaptive: { dtMin: 1e-6 } });
    } catch (e) {
      caught = e;
    }
    y0.dispose();
    expect(caught).toBeInstanceOf(NumericalError);
    const message = (caught as Error).message;
    expect(message).toMatch(/fell below dtMin = (1e-6|0\.000001) at t = 0\.99/);
    expect(message).toMatch(/loosen rtol/);
  });

  it('fails with a NumericalError when maxSteps is reached', () => {
    expect(() => finalError({ method: 'dopri5', adaptive: { rtol: 1e-6, maxSteps: 5 } })).toThrow(
      /maxSteps = 5 reached at t = .* raise maxSteps/,
    );
  });

  it('reports a right-hand side that returns NaN', () => {
    const y0 = tf.ones([1]);
    expect(() =>
      solve({ f: (t, x) => (t > 0.5 ? tf.mul(x, Number.NaN) : tf.neg(x)), y0, method: 'dopri5' }),
    ).toThrow(/not finite: f returns NaN or Inf/);
    y0.dispose();
  });

  it('runs with fixed steps when steps are given (the fifth-order solution)', () => {
    const r = finalError({ method: 'dopri5', steps: 40 });
    expect(r.steps).toBe(40);
    expect(r.rejected).toBe(0);
    expect(r.nfe).toBe(6 * 40);
    expect(r.error).toBeLessThan(1e-4);
  });
});

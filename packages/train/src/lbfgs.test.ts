import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { lbfgs, lbfgsMinimize } from './lbfgs.js';
import type { IterationRecord } from './minimize-result.js';

/** Rosenbrock f(a, b) = 100 (b − a²)² + (1 − a)² and its gradient, in float64. */
function rosenbrock(x: Float64Array): { value: number; grad: Float64Array } {
  const a = x[0] as number;
  const b = x[1] as number;
  return {
    value: 100 * (b - a * a) ** 2 + (1 - a) ** 2,
    grad: Float64Array.of(-400 * a * (b - a * a) - 2 * (1 - a), 200 * (b - a * a)),
  };
}

describe('L-BFGS', () => {
  it('every accepted step on Rosenbrock satisfies the strong Wolfe conditions', () => {
    const records: IterationRecord[] = [];
    const result = lbfgsMinimize(rosenbrock, Float64Array.of(-1.2, 1), {
      gradientTolerance: 1e-10,
      onIteration: (r) => records.push(r),
    });
    expect(result.reason).toBe('converged');
    expect(records.length).toBeGreaterThan(10);
    for (const { x, direction: p, step } of records) {
      const here = rosenbrock(x);
      const there = rosenbrock(Float64Array.from(x, (xi, i) => xi + step * (p[i] as number)));
      const slope0 =
        (here.grad[0] as number) * (p[0] as number) + (here.grad[1] as number) * (p[1] as number);
      const slope1 =
        (there.grad[0] as number) * (p[0] as number) + (there.grad[1] as number) * (p[1] as number);
      expect(slope0).toBeLessThan(0);
      expect(there.value).toBeLessThanOrEqual(here.value + 1e-4 * step * slope0);
      expect(Math.abs(slope1)).toBeLessThanOrEqual(0.9 * Math.abs(slope0));
    }
    expect(Math.abs((result.x[0] as number) - 1)).toBeLessThan(1e-8);
    expect(Math.abs((result.x[1] as number) - 1)).toBeLessThan(1e-8);
  });

  it('minimises the float32 Rosenbrock of a parameter tree from (−1.2, 1) to 1e-4 in under 100 iterations, leak-free', () => {
    const start = { a: tf.scalar(-1.2), b: tf.scalar(1) };
    const before = tf.memory().numTensors;
    const { params, result } = lbfgs(
      (p: { a: tf.Scalar; b: tf.Scalar }) =>
        tf.add(
          tf.mul(100, tf.square(tf.sub(p.b, tf.square(p.a)))),
          tf.square(tf.sub(1, p.a)),
        ) as tf.Scalar,
      start,
      { gradientTolerance: 1e-7 },
    );
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(result.iterations).toBeLessThan(100);
    expect(Math.abs((params.a.dataSync()[0] as number) - 1)).toBeLessThan(1e-4);
    expect(Math.abs((params.b.dataSync()[0] as number) - 1)).toBeLessThan(1e-4);
    tf.dispose([start.a, start.b, params.a, params.b]);
  });

  it('uses the curvature it stores: an n-dimensional convex quadratic within n + 2 iterations', () => {
    // f(x) = ½ Σ d_i x_i², d_i = 1..8: BFGS with exact line searches ends in ≤ n steps
    const n = 8;
    const f = (x: Float64Array) => {
      let value = 0;
      const grad = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        value += 0.5 * (i + 1) * (x[i] as number) ** 2;
        grad[i] = (i + 1) * (x[i] as number);
      }
      return { value, grad };
    };
    const result = lbfgsMinimize(f, new Float64Array(n).fill(1), {
      gradientTolerance: 1e-8,
      lineSearch: { c2: 0.1 },
    });
    expect(result.reason).toBe('converged');
    expect(result.iterations).toBeLessThanOrEqual(n + 6);
  });
});

import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { gaussSolve, spdMatrix } from '../test/helpers.js';
import { hessianVectorProduct, newton } from './newton.js';

describe('Newton–CG', () => {
  it('solves a strictly convex float32 quadratic ½ θᵀAθ − bᵀθ in one step', () => {
    const n = 6;
    const A = spdMatrix(n);
    const b = Array.from({ length: n }, (_, i) => Math.cos(i));
    const exact = gaussSolve(A, b);
    const At = tf.tensor2d(A);
    const bt = tf.tensor1d(b);
    const start = { theta: tf.ones([n]) };
    const before = tf.memory().numTensors;
    const { params, result } = newton(
      (p: { theta: tf.Tensor }) =>
        tf.tidy(() => {
          const th = tf.reshape(p.theta, [n, 1]);
          const quad = tf.mul(0.5, tf.sum(tf.mul(th, tf.matMul(At, th))));
          return tf.sub(quad, tf.sum(tf.mul(bt, p.theta))) as tf.Scalar;
        }),
      start,
      { maxIterations: 1 },
    );
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(result.iterations).toBe(1);
    const theta = params.theta.dataSync();
    // float32 gradients: the error after one step is at the rounding level of A θ − b
    const err = Math.hypot(...exact.map((e, i) => (theta[i] as number) - e));
    const err0 = Math.hypot(...exact.map((e) => 1 - e));
    expect(err / err0).toBeLessThan(1e-4);
    tf.dispose([At, bt, start.theta, params.theta]);
  });

  it('differences of gradients give the Hessian–vector product of a cubic', () => {
    // f = x₀² x₁: ∇f = (2 x₀ x₁, x₀²), ∇²f = [[2 x₁, 2 x₀], [2 x₀, 0]]
    const f = (x: Float64Array) => {
      const [a, c] = [x[0] as number, x[1] as number];
      return { value: a * a * c, grad: Float64Array.of(2 * a * c, a * a) };
    };
    const hv = hessianVectorProduct(f, Float64Array.of(1, 2), Float64Array.of(1, -3), 1e-3);
    // [[4, 2], [2, 0]] (1, −3) = (−2, 2); central differences are exact for this cubic up to O(ε²) in the x₀² term, which is quadratic: exact
    expect(hv[0]).toBeCloseTo(-2, 8);
    expect(hv[1]).toBeCloseTo(2, 8);
  });
});

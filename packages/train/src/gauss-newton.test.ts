import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { gaussSolve } from '../test/helpers.js';
import { gaussNewton } from './gauss-newton.js';
import { outputLoss } from './output-loss.js';

describe('Gauss–Newton', () => {
  it('solves linear least squares in one step', () => {
    const [N, d, k] = [24, 3, 2];
    const X = Array.from({ length: N }, (_, i) =>
      Array.from({ length: d }, (_, j) => Math.sin(0.7 * (j + 1) * i + 0.2)),
    );
    const T = Array.from({ length: N }, (_, i) =>
      Array.from({ length: k }, (_, c) => Math.cos(0.5 * i - c)),
    );
    // normal equations of [X 1] [w; b] = T, one column of T at a time
    const Xa = X.map((row) => [...row, 1]);
    const AtA = Xa[0]!.map((_, i) =>
      Xa[0]!.map((_, j) => Xa.reduce((s, r) => s + r[i]! * r[j]!, 0)),
    );
    const exact = Array.from({ length: k }, (_, c) =>
      gaussSolve(
        AtA,
        Xa[0]!.map((_, i) => Xa.reduce((s, r, n) => s + r[i]! * T[n]![c]!, 0)),
      ),
    );
    const x = tf.tensor2d(X);
    const t = tf.tensor2d(T);
    const start = { w: tf.zeros([d, k]), b: tf.zeros([k]) };
    const before = tf.memory().numTensors;
    const { params, result } = gaussNewton(
      {
        outputs: (p: { w: tf.Tensor; b: tf.Tensor }) => tf.add(tf.matMul(x, p.w), p.b),
        loss: outputLoss('squared-error', t),
      },
      start,
      { maxIterations: 1 },
    );
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(result.iterations).toBe(1);
    const w = params.w.arraySync() as number[][];
    const b = params.b.arraySync() as number[];
    let err = 0;
    let scale = 0;
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < d; j++) {
        err = Math.max(err, Math.abs(w[j]![c]! - exact[c]![j]!));
        scale = Math.max(scale, Math.abs(exact[c]![j]!));
      }
      err = Math.max(err, Math.abs(b[c]! - exact[c]![d]!));
    }
    expect(err / scale).toBeLessThan(1e-4);
    tf.dispose([x, t, start.w, start.b, params.w, params.b]);
  });

  it('drives a convex softmax regression to a vanishing gradient in a few steps', () => {
    // separable-free data: labels from a noisy linear rule, so the optimum is finite
    const [N, d, k] = [60, 2, 3];
    const X = Array.from({ length: N }, (_, i) => [Math.sin(i), Math.cos(1.7 * i)]);
    const labels = X.map(
      ([a, c], i) => ((a! + 2 * c! + Math.sin(5 * i) > 0.3 ? 1 : 0) + (i % 4 === 0 ? 1 : 0)) % k,
    );
    const x = tf.tensor2d(X);
    const y = tf.tensor1d(labels, 'int32');
    const start = { w: tf.zeros([d, k]), b: tf.zeros([k]) };
    const { params, result } = gaussNewton(
      {
        outputs: (p: { w: tf.Tensor; b: tf.Tensor }) => tf.add(tf.matMul(x, p.w), p.b),
        loss: outputLoss('softmax-cross-entropy', y),
      },
      start,
      { maxIterations: 15, gradientTolerance: 1e-5, damping: 1e-6 },
    );
    // for softmax regression the Gauss–Newton matrix is the Hessian: Newton's fast local convergence
    expect(result.reason).toBe('converged');
    expect(result.iterations).toBeLessThanOrEqual(12);
    tf.dispose([x, y, start.w, start.b, params.w, params.b]);
  });
});

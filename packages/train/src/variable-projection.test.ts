import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { solveSoftmaxHead } from './variable-projection.js';

/** ∇E of the regularised softmax head problem in float64, written out: Φ̃ᵀ(P − Y)/N + λŴ. */
function headGradient(
  X: number[][],
  y: number[],
  W: number[][],
  b: number[],
  lambda: number,
): number[] {
  const [N, d, k] = [X.length, X[0]!.length, b.length];
  const gW = Array.from({ length: d }, (_, j) => W[j]!.map((w) => lambda * w));
  const gb = b.map((v) => lambda * v);
  for (let i = 0; i < N; i++) {
    const z = b.map((bc, c) => bc + X[i]!.reduce((s, x, j) => s + x * W[j]![c]!, 0));
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const sum = e.reduce((s, v) => s + v, 0);
    for (let c = 0; c < k; c++) {
      const r = (e[c]! / sum - (y[i] === c ? 1 : 0)) / N;
      gb[c]! += r;
      for (let j = 0; j < d; j++) gW[j]![c]! += X[i]![j]! * r;
    }
  }
  return [...gW.flat(), ...gb];
}

describe('variable projection', () => {
  it("the head's Newton–CG solve reaches the convex optimum: gradient below 1e-5 of its value at zero", () => {
    const [N, d, k, lambda] = [90, 5, 3, 1e-3];
    const X = Array.from({ length: N }, (_, i) =>
      Array.from({ length: d }, (_, j) => Math.sin(0.37 * (j + 1) * i + j)),
    );
    // overlapping classes (a noisy linear rule), so the unregularised optimum would be finite too
    const y = X.map((x, i) =>
      x[0]! + x[1]! - x[2]! + 0.8 * Math.sin(7.1 * i) > 0 ? (i % 3 === 0 ? 2 : 1) : 0,
    );
    const features = tf.tensor2d(X);
    const labels = tf.tensor1d(y, 'int32');
    const before = tf.memory().numTensors;
    const solved = solveSoftmaxHead(features, labels, { classes: k, regularization: lambda });
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(solved.relativeGradNorm).toBeLessThan(1e-5);
    const W = solved.W.arraySync();
    const b = Array.from(solved.b.dataSync());
    const zero = Array.from({ length: d }, () => new Array<number>(k).fill(0));
    const norm = (v: number[]) => Math.hypot(...v);
    const rel =
      norm(headGradient(X, y, W, b, lambda)) / norm(headGradient(X, y, zero, [0, 0, 0], lambda));
    expect(rel).toBeLessThan(1e-5);
    expect(solved.iterations).toBeLessThan(30);
    tf.dispose([features, labels, solved.W, solved.b]);
  });

  it('a warm start at the optimum takes no Newton step', () => {
    const X = [
      [1, 0],
      [0, 1],
      [1, 1],
      [-1, 0.5],
      [0.3, -0.7],
      [-0.2, -0.4],
    ];
    const features = tf.tensor2d(X);
    const labels = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 1, 0, 1, 0], 'int32'), 2));
    const short = tf.tensor1d([0, 1], 'int32');
    const first = solveSoftmaxHead(features, labels, { regularization: 1e-2, tolerance: 1e-4 });
    const again = solveSoftmaxHead(features, labels, {
      regularization: 1e-2,
      tolerance: 1e-4,
      initial: first,
    });
    expect(again.iterations).toBe(0);
    expect(() => solveSoftmaxHead(features, short, { classes: 2 })).toThrow(
      /6 feature rows but 2 labels/,
    );
    tf.dispose([features, labels, short, first.W, first.b, again.W, again.b]);
  });
});

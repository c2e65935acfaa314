import { type TensorTree, treeDispose } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { classification } from './classification.js';
import { fit } from './fit.js';
import { gaussNewtonOptimizer } from './gauss-newton.js';
import { lbfgsOptimizer } from './lbfgs.js';
import { newtonOptimizer } from './newton.js';
import type { Optimizer } from './optimizer.js';
import { regression } from './regression.js';
import { tensorSource } from './tensor-source.js';
import { solveSoftmaxHead, variableProjection } from './variable-projection.js';

/** y = x A + c exactly, so the least-squares optimum has zero loss. */
function linearData(): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const X = Array.from({ length: 40 }, (_, i) => [
    Math.sin(0.9 * i),
    Math.cos(1.3 * i),
    Math.sin(0.4 * i + 1),
  ]);
  const Y = X.map(([a, b, c]) => [2 * a! - b! + 0.5, 0.3 * c! + a! - 1]);
  return { x: tf.tensor2d(X), y: tf.tensor2d(Y) };
}

describe('second-order optimisers in fit', () => {
  it('L-BFGS, Newton and Gauss–Newton fit an exactly linear regression on full batches', async () => {
    const cases: [Optimizer, number][] = [
      [newtonOptimizer(), 1],
      [gaussNewtonOptimizer(), 1],
      [lbfgsOptimizer({ maxIterations: 40 }), 1],
    ];
    for (const [optimizer, epochs] of cases) {
      const { x, y } = linearData();
      const result = await fit({
        problem: regression({
          apply: (p: { w: tf.Tensor; b: tf.Tensor }, input) => tf.add(tf.matMul(input, p.w), p.b),
          params: { w: tf.zeros([3, 2]), b: tf.zeros([2]) },
          optimizer,
        }),
        train: tensorSource({ x, y }),
        epochs,
        batchSize: 40,
        seed: 1,
      });
      const { w, b } = (result.params as { model: { w: tf.Tensor; b: tf.Tensor } }).model;
      const W = w.arraySync() as number[][];
      const B = b.arraySync() as number[];
      const expected = [
        [2, 1],
        [-1, 0],
        [0, 0.3],
      ];
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 2; j++) expect(W[i]![j]).toBeCloseTo(expected[i]![j]!, 3);
      expect(B[0]).toBeCloseTo(0.5, 3);
      expect(B[1]).toBeCloseTo(-1, 3);
      treeDispose([result.params, result.state] as TensorTree);
      tf.dispose([x, y]);
    }
  });

  it("variable projection leaves the classifier head at its convex optimum for the step's features", async () => {
    const X = Array.from({ length: 60 }, (_, i) => [Math.sin(0.7 * i), Math.cos(1.1 * i)]);
    const labels = X.map(([a, b], i) =>
      a! * b! + 0.2 * Math.sin(3 * i) > 0 ? 1 : a! > 0.3 ? 2 : 0,
    );
    const x = tf.tensor2d(X);
    const y = tf.tensor1d(labels, 'int32');
    const hidden = {
      W: tf.tensor2d(
        Array.from({ length: 2 }, (_, i) =>
          Array.from({ length: 6 }, (_, j) => Math.sin(i + 2 * j + 1)),
        ),
      ),
      b: tf.fill([6], 0.1),
    };
    const features = (p: TensorTree, input: tf.Tensor) => {
      const h = (p as { hidden: { W: tf.Tensor; b: tf.Tensor } }).hidden;
      return tf.relu(tf.add(tf.matMul(input, h.W), h.b));
    };
    const lambda = 1e-3;
    const result = await fit({
      problem: classification({
        apply: (
          p: { hidden: { W: tf.Tensor; b: tf.Tensor }; head: { W: tf.Tensor; b: tf.Tensor } },
          input,
        ) => tf.add(tf.matMul(features(p, input), p.head.W), p.head.b),
        params: { hidden, head: { W: tf.zeros([6, 3]), b: tf.zeros([3]) } },
        optimizer: variableProjection({
          head: 'head',
          features,
          inner: { regularization: lambda, tolerance: 1e-6 },
        }),
        // the outer step is negligible, so the features stay those the head was solved for
        learningRate: 1e-12,
      }),
      train: tensorSource({ x, y }),
      epochs: 1,
      batchSize: 60,
      seed: 2,
    });
    const model = (
      result.params as {
        model: { hidden: { W: tf.Tensor; b: tf.Tensor }; head: { W: tf.Tensor; b: tf.Tensor } };
      }
    ).model;
    // ∇ of the head problem, by autodiff: mean CE + λ/2 (‖W‖² + ‖b‖²)
    const [gradNorm, zeroNorm] = tf.tidy(() => {
      const phi = features(model, x);
      const objective = (W: tf.Tensor, b: tf.Tensor) =>
        tf.add(
          tf.losses.softmaxCrossEntropy(tf.oneHot(y, 3), tf.add(tf.matMul(phi, W), b)),
          tf.mul(lambda / 2, tf.add(tf.sum(tf.square(W)), tf.sum(tf.square(b)))),
        ) as tf.Scalar;
      const norm = (W: tf.Tensor, b: tf.Tensor) => {
        const [gW, gb] = tf.grads(objective)([W, b]);
        return Math.hypot(...gW!.dataSync(), ...gb!.dataSync());
      };
      return [
        norm(model.head.W, model.head.b),
        norm(tf.zerosLike(model.head.W), tf.zerosLike(model.head.b)),
      ];
    });
    expect(gradNorm / zeroNorm).toBeLessThan(1e-4);
    treeDispose([result.params, result.state] as TensorTree);
    tf.dispose([x, y]);
  });

  it("variable projection's outer steps descend on the reduced objective min over the head", async () => {
    const X = Array.from({ length: 60 }, (_, i) => [Math.sin(0.7 * i), Math.cos(1.1 * i)]);
    const labels = X.map(([a, b], i) =>
      a! * b! + 0.2 * Math.sin(3 * i) > 0 ? 1 : a! > 0.3 ? 2 : 0,
    );
    const x = tf.tensor2d(X);
    const y = tf.tensor1d(labels, 'int32');
    const features = (p: TensorTree, input: tf.Tensor) => {
      const h = (p as { hidden: { W: tf.Tensor; b: tf.Tensor } }).hidden;
      return tf.relu(tf.add(tf.matMul(input, h.W), h.b));
    };
    const lambda = 1e-3;
    /** L̂(θ) = min over (W, b) of the regularised head objective, for the features of θ. */
    const reduced = (hidden: TensorTree): number => {
      const phi = tf.tidy(() => features({ hidden } as TensorTree, x));
      const s = solveSoftmaxHead(phi, y, { classes: 3, regularization: lambda, tolerance: 1e-6 });
      tf.dispose([phi, s.W, s.b]);
      return s.value;
    };
    const hidden = {
      W: tf.tensor2d(
        Array.from({ length: 2 }, (_, i) =>
          Array.from({ length: 6 }, (_, j) => Math.sin(i + 2 * j + 1)),
        ),
      ),
      b: tf.fill([6], 0.1),
    };
    const before = reduced(hidden);
    const result = await fit({
      problem: classification({
        apply: (
          p: { hidden: { W: tf.Tensor; b: tf.Tensor }; head: { W: tf.Tensor; b: tf.Tensor } },
          input,
        ) => tf.add(tf.matMul(features(p, input), p.head.W), p.head.b),
        params: { hidden, head: { W: tf.zeros([6, 3]), b: tf.zeros([3]) } },
        optimizer: variableProjection({
          head: 'head',
          features,
          inner: { regularization: lambda },
        }),
        learningRate: 1,
      }),
      train: tensorSource({ x, y }),
      epochs: 10,
      batchSize: 60,
      seed: 2,
    });
    const after = reduced((result.params as { model: { hidden: TensorTree } }).model.hidden);
    // ∂E/∂θ at the optimal head is the gradient of L̂ (envelope theorem), so the steps descend:
    // L̂ falls from 0.43 to about 0.2 in 10 full-batch steps
    expect(after).toBeLessThan(0.7 * before);
    treeDispose([result.params, result.state] as TensorTree);
    tf.dispose([x, y]);
  });
});

// supervised's trainingApply: update s of fit runs the forward pass trainingApply(s); evaluation keeps apply.
import { treeDispose } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { fit, sgd, supervised, tensorSource } from './index.js';

describe('supervised: a forward pass per training update', () => {
  it('update s uses trainingApply(s); the result is plain SGD on the alternating losses', async () => {
    // One example x = 1, target 1. Even updates predict w·x, odd ones 2w·x; loss (pred − 1)².
    // Gradients: 2(w − 1) at even updates, 4(2w − 1) at odd ones.
    const lr = 0.05;
    const n = 6;
    let w = 0.3;
    for (let s = 0; s < n; s++) w -= lr * (s % 2 === 0 ? 2 * (w - 1) : 4 * (2 * w - 1));

    const seen: number[] = [];
    let evaluated = 0;
    const plain = (p: { w: tf.Tensor }, x: tf.Tensor) => tf.mul(x, p.w);
    const doubled = (p: { w: tf.Tensor }, x: tf.Tensor) => tf.mul(2, tf.mul(x, p.w));
    const problem = supervised(
      {
        apply: (p: { w: tf.Tensor }, x: tf.Tensor) => {
          evaluated++;
          return plain(p, x);
        },
        trainingApply: (step) => {
          seen.push(step);
          return step % 2 === 0 ? plain : doubled;
        },
        params: { w: tf.scalar(0.3) },
        optimizer: sgd(),
        learningRate: lr,
      },
      {
        learningRate: lr,
        loss: (y, batch) => ({ loss: tf.sum(tf.square(tf.sub(y, batch.y))) as tf.Scalar }),
        evaluate: () => ({}),
      },
    );
    const data = { x: tf.tensor1d([1]), y: tf.tensor1d([1]) };
    const result = await fit({
      problem,
      train: tensorSource(data),
      epochs: n,
      batchSize: 1,
      seed: 0,
    });
    const got = (result.params.model as { w: tf.Tensor }).w.dataSync()[0] as number;
    expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
    expect(evaluated).toBe(0);
    expect(got).toBeCloseTo(w, 5);
    // Not what training on `apply` alone gives (the check can tell the two apart).
    let wPlain = 0.3;
    for (let s = 0; s < n; s++) wPlain -= lr * 2 * (wPlain - 1);
    expect(Math.abs(got - wPlain)).toBeGreaterThan(0.05);
    treeDispose(result.params);
    tf.dispose([data.x, data.y]);
  });
});

import type { ApplyFn } from '@runge/architectures';
import { Rng, type TensorTree, treeDispose } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { adam } from './adam.js';
import { classification, evaluateClassifier } from './classification.js';
import { fit } from './fit.js';
import { tensorSource } from './tensor-source.js';

type Linear = { W: tf.Tensor; b: tf.Tensor };
const linear: ApplyFn<Linear> = (p, x) => tf.add(tf.matMul(x, p.W), p.b);

/** Three Gaussian blobs at well separated centres: linearly separable with high probability. */
function blobs(n: number, seed: number): { x: tf.Tensor; y: tf.Tensor } {
  const rng = Rng.fromSeed(seed);
  const centres = [
    [0, 4],
    [4, -2],
    [-4, -2],
  ];
  const labels = Int32Array.from({ length: n }, (_, i) => i % 3);
  const noise = rng.normal([n, 2], { std: 0.5 });
  const x = tf.tidy(() =>
    tf.add(tf.tensor2d(Array.from(labels, (c) => centres[c] as number[])), noise),
  );
  noise.dispose();
  return { x, y: tf.tensor1d(labels, 'int32') };
}

describe('classification problems', () => {
  it('train a linear classifier to separate three blobs, with validation metrics each epoch', async () => {
    const train = blobs(150, 1);
    const test = blobs(60, 2);
    const problem = classification<Linear>({
      apply: linear,
      params: { W: tf.zeros([2, 3]), b: tf.zeros([3]) },
      optimizer: adam(),
      learningRate: 0.05,
    });
    const result = await fit({
      problem,
      train: tensorSource(train),
      validation: tensorSource(test),
      epochs: 15,
      batchSize: 25,
      seed: 4,
    });
    expect(result.history.at(-1)?.validation?.accuracy).toBe(1);
    expect(result.history.at(-1)?.train.accuracy).toBeGreaterThan(0.98);
    const evaluation = evaluateClassifier(
      linear,
      result.params.model as Linear,
      {},
      tensorSource(test),
      { batchSize: 7 },
    );
    expect(evaluation.accuracy).toBe(1);
    expect(evaluation.confusion).toEqual([
      [20, 0, 0],
      [0, 20, 0],
      [0, 0, 20],
    ]);
    treeDispose(result.params);
    tf.dispose([train.x, train.y, test.x, test.y]);
  });

  it('augments training batches only: zeroed inputs give ∂L/∂W = xᵀ(softmax − onehot) = 0', async () => {
    const train = blobs(60, 3);
    const test = blobs(30, 5);
    const W0 = [0.3, -0.2, 0.1, 0.5, -0.4, 0.2];
    let calls = 0;
    const problem = classification<Linear>({
      apply: linear,
      params: { W: tf.tensor2d(W0, [2, 3]), b: tf.zeros([3]) },
      learningRate: 0.5,
      augment: (x, rng) => {
        calls++;
        expect(rng.nextFloat()).toBeLessThan(1);
        return tf.mul(x, 0);
      },
    });
    const result = await fit({
      problem,
      train: tensorSource(train),
      validation: tensorSource(test),
      epochs: 2,
      batchSize: 20,
      seed: 1,
    });
    // 3 batches × 2 epochs; validation (un-augmented) never passes through augment
    expect(calls).toBe(6);
    const params = result.params.model as Linear;
    const W = Array.from(params.W.dataSync());
    for (let i = 0; i < W0.length; i++) expect(W[i]).toBeCloseTo(W0[i] as number, 6);
    // the bias still learns (balanced classes: the gradient is 0 only at equal logits)
    expect(Array.from(params.b.dataSync()).every((v) => Number.isFinite(v))).toBe(true);
    // validation sees the real inputs: its accuracy is that of the final parameters on the raw set
    const raw = evaluateClassifier(linear, params, {}, tensorSource(test));
    expect(result.history.at(-1)?.validation?.accuracy).toBe(raw.accuracy);
    treeDispose(result.params);
    tf.dispose([train.x, train.y, test.x, test.y]);
  });

  it('evaluates mean cross-entropy and the confusion matrix exactly for fixed logits', () => {
    // a "model" that ignores its parameters and returns the input as logits
    const identity: ApplyFn<TensorTree> = (_p, x) => tf.clone(x);
    const logits = tf.tensor2d([
      [2, 0, 0],
      [0, 1, 0],
      [0, 0, 3],
      [1, 0, 0],
    ]);
    const labels = tf.tensor1d([0, 2, 2, 1], 'int32');
    const ev = evaluateClassifier(identity, {}, {}, tensorSource({ x: logits, y: labels }), {
      batchSize: 3,
    });
    const ce = (row: number[], c: number): number =>
      Math.log(row.reduce((s, z) => s + Math.exp(z), 0)) - (row[c] as number);
    const expected =
      (ce([2, 0, 0], 0) + ce([0, 1, 0], 2) + ce([0, 0, 3], 2) + ce([1, 0, 0], 1)) / 4;
    expect(ev.loss).toBeCloseTo(expected, 5);
    expect(ev.accuracy).toBe(0.5);
    expect(ev.confusion).toEqual([
      [1, 0, 0],
      [1, 0, 0],
      [0, 1, 1],
    ]);
    tf.dispose([logits, labels]);
  });
});

// Batched inference equals one forward pass on everything, for batch sizes that do and do not divide n.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { predict } from './predict.js';

describe('predict', () => {
  it('stacks the batches: the same as applying the model to every example at once', () => {
    const W = tf.tensor2d([
      [1, -2],
      [0.5, 3],
    ]);
    const x = tf.tensor2d(
      Array.from({ length: 14 }, (_, i) => i / 7 - 1),
      [7, 2],
    );
    const apply = (p: { W: tf.Tensor }, input: tf.Tensor) => tf.tanh(tf.matMul(input, p.W));
    const whole = tf.tidy(() => apply({ W }, x));
    for (const batchSize of [1, 3, 7, 100]) {
      const y = predict(apply, { W }, {}, x, { batchSize });
      expect(y.shape).toEqual([7, 2]);
      expect(Array.from(y.dataSync())).toEqual(Array.from(whole.dataSync()));
      y.dispose();
    }
    tf.dispose([W, x, whole]);
  });
});

// fit's epoch hook: called once per epoch, awaited, with the parameters the next epoch starts from.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { fit } from './fit.js';
import { regression } from './regression.js';
import { sgd } from './sgd.js';
import { tensorSource } from './tensor-source.js';

describe('fit onEpochEnd', () => {
  it('sees each epoch’s parameters; the last ones are those returned; training waits for it', async () => {
    // y = 2x on 8 points; one full batch per epoch, so each epoch is one SGD step on the MSE
    const x = tf.tensor2d([0, 1, 2, 3, 4, 5, 6, 7], [8, 1]);
    const y = tf.mul(x, 2);
    const seen: number[] = [];
    const order: string[] = [];
    const eta = 0.01;
    const result = await fit({
      problem: regression({
        apply: (p: { w: tf.Tensor }, input) => tf.mul(input, p.w),
        params: { w: tf.scalar(0) },
        optimizer: sgd(),
        learningRate: eta,
      }),
      train: tensorSource({ x, y }),
      epochs: 3,
      batchSize: 8,
      seed: 1,
      onEvent: (e) => {
        if (e.type === 'epoch-start') order.push(`start ${e.epoch}`);
      },
      onEpochEnd: async ({ record, params }) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        seen.push((params.model as { w: tf.Tensor }).w.dataSync()[0] as number);
        order.push(`end ${record.epoch}`);
      },
    });
    // gradient of mean (w x − 2x)² is 2 (w − 2) mean(x²) = 2 (w − 2) · 17.5: w ← w − η · 35 (w − 2)
    let w = 0;
    const expected = [1, 2, 3].map(() => {
      w -= eta * 35 * (w - 2);
      return w;
    });
    seen.forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i] as number, 5);
    });
    expect(order).toEqual(['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
    expect((result.params.model as { w: tf.Tensor }).w.dataSync()[0]).toBe(seen[2]);
    tf.dispose([x, y, (result.params.model as { w: tf.Tensor }).w]);
  });
});

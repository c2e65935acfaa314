import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectWasmMatchesCpu } from '../../test/compare-backends.js';
import { initBackend } from '../backend.js';
import { Rng } from '../rng.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

const cases: {
  name: string;
  x: [number, number, number, number];
  size: number;
  stride: number;
  pad: 'same' | 'valid' | number;
}[] = [
  { name: '2×2 stride 2 valid, even', x: [2, 6, 6, 3], size: 2, stride: 2, pad: 'valid' },
  { name: '2×2 stride 2 same, odd', x: [2, 5, 6, 3], size: 2, stride: 2, pad: 'same' },
  { name: '3×3 stride 1 same (overlapping)', x: [2, 5, 5, 4], size: 3, stride: 1, pad: 'same' },
  { name: '3×3 stride 2 valid, one channel', x: [1, 7, 5, 1], size: 3, stride: 2, pad: 'valid' },
  { name: '2×2 stride 1 valid, batch 3', x: [3, 4, 4, 2], size: 2, stride: 1, pad: 'valid' },
  { name: 'numeric pad 1', x: [2, 6, 5, 3], size: 3, stride: 2, pad: 1 },
];

describe('MaxPoolGrad on wasm', () => {
  it.each(cases)('matches cpu: $name', async ({ x, size, stride, pad }) => {
    await expectWasmMatchesCpu(() => {
      const rng = Rng.fromSeed(x[1] * 10 + size);
      const xs = rng.normal(x) as tf.Tensor4D;
      const w = rng.normal(tf.maxPool(xs, size, stride, pad).shape);
      return tf.grad((v: tf.Tensor) =>
        tf.sum(tf.mul(tf.maxPool(v as tf.Tensor4D, size, stride, pad), w)),
      )(xs);
    });
  });

  it('satisfies Σ w·maxPool(x) = Σ x·∇ (max pooling selects inputs)', async () => {
    await initBackend({ backend: 'wasm' });
    const rng = Rng.fromSeed(31);
    const x = rng.normal([2, 7, 6, 5]) as tf.Tensor4D;
    const w = rng.normal([2, 4, 3, 5]);
    const [lhs, rhs] = tf
      .tidy(() => {
        const g = tf.grad((v: tf.Tensor) =>
          tf.sum(tf.mul(tf.maxPool(v as tf.Tensor4D, 3, 2, 'same'), w)),
        )(x);
        return [tf.sum(tf.mul(tf.maxPool(x, 3, 2, 'same'), w)), tf.sum(tf.mul(x, g))];
      })
      .map((t) => {
        const v = t.dataSync()[0] as number;
        t.dispose();
        return v;
      }) as [number, number];
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-4 * Math.abs(lhs));
    tf.dispose([x, w]);
  });
});

import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectWasmMatchesCpu } from '../../test/compare-backends.js';
import { conv2dCases } from '../../test/conv2d-cases.js';
import { initBackend } from '../backend.js';
import { Rng } from '../rng.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('Conv2DBackpropInput on wasm', () => {
  it.each(conv2dCases)('matches cpu: $name', async ({ x, filter, strides, pad, rounding }) => {
    await expectWasmMatchesCpu(() => {
      const rng = Rng.fromSeed(x.length * 7 + filter[3]);
      const xs = rng.normal(x) as tf.Tensor4D;
      const w = rng.normal(filter) as tf.Tensor4D;
      const y = tf.conv2d(xs, w, strides, pad, 'NHWC', 1, rounding);
      const dy = rng.normal(y.shape);
      return tf.grad((v: tf.Tensor) =>
        tf.sum(tf.mul(tf.conv2d(v as tf.Tensor4D, w, strides, pad, 'NHWC', 1, rounding), dy)),
      )(xs);
    });
  });

  it('is the adjoint of the forward convolution: <conv(x), dy> = <x, convᵀ(dy)>', async () => {
    await initBackend({ backend: 'wasm' });
    const rng = Rng.fromSeed(11);
    const x = rng.normal([2, 9, 8, 3]) as tf.Tensor4D;
    const w = rng.normal([3, 3, 3, 5]) as tf.Tensor4D;
    const y = tf.conv2d(x, w, 2, 'same');
    const dy = rng.normal(y.shape) as tf.Tensor4D;
    const dx = tf.conv2dTranspose(dy, w, [2, 9, 8, 3], 2, 'same');
    const [l, r] = tf
      .tidy(() => [tf.sum(tf.mul(y, dy)), tf.sum(tf.mul(x, dx))])
      .map((t) => {
        const value = t.dataSync()[0] as number;
        t.dispose();
        return value;
      }) as [number, number];
    expect(Math.abs(l - r)).toBeLessThan(1e-4 * Math.abs(l));
    tf.dispose([x, w, y, dy, dx]);
  });
});

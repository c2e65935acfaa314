import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, it } from 'vitest';
import { expectWasmMatchesCpu } from '../../test/compare-backends.js';
import { conv2dCases } from '../../test/conv2d-cases.js';
import { initBackend } from '../backend.js';
import { Rng } from '../rng.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('Conv2DBackpropFilter on wasm', () => {
  it.each(conv2dCases)('matches cpu: $name', async ({ x, filter, strides, pad, rounding }) => {
    await expectWasmMatchesCpu(() => {
      const rng = Rng.fromSeed(x.length * 5 + filter[2]);
      const xs = rng.normal(x) as tf.Tensor4D;
      const w = rng.normal(filter) as tf.Tensor4D;
      const y = tf.conv2d(xs, w, strides, pad, 'NHWC', 1, rounding);
      const dy = rng.normal(y.shape);
      return tf.grad((v: tf.Tensor) =>
        tf.sum(tf.mul(tf.conv2d(xs, v as tf.Tensor4D, strides, pad, 'NHWC', 1, rounding), dy)),
      )(w);
    });
  });
});

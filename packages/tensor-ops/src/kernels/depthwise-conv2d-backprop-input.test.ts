import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectWasmMatchesCpu, relativeError, valuesOn } from '../../test/compare-backends.js';
import { depthwiseCases } from '../../test/conv2d-cases.js';
import { initBackend } from '../backend.js';
import { Rng } from '../rng.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('DepthwiseConv2dNativeBackpropInput on wasm', () => {
  it.each(depthwiseCases)('matches cpu: $name', async ({ x, filter, strides, pad, dilations }) => {
    await expectWasmMatchesCpu(() => {
      const rng = Rng.fromSeed(x[1] * 13 + filter[3]);
      const w = rng.normal(filter) as tf.Tensor4D;
      const y = tf.depthwiseConv2d(tf.zeros(x) as tf.Tensor4D, w, strides, pad, 'NHWC', dilations);
      const dy = rng.normal(y.shape);
      return tf.engine().runKernel(
        tf.DepthwiseConv2dNativeBackpropInput,
        { dy, filter: w },
        {
          strides,
          pad,
          dilations,
          inputShape: x,
        },
      ) as tf.Tensor;
    });
  });

  it('backpropagates through tf.depthwiseConv2d like cpu', async () => {
    await expectWasmMatchesCpu(() => {
      const rng = Rng.fromSeed(3);
      const x = rng.normal([2, 7, 6, 3]) as tf.Tensor4D;
      const w = rng.normal([3, 3, 3, 2]) as tf.Tensor4D;
      return tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.square(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'))),
      )([x, w]);
    });
  });

  it('handles dilation 2: equals the gradient through the zero-dilated filter at dilation 1', async () => {
    const rng = Rng.fromSeed(21);
    const w = rng.normal([3, 3, 3, 2]) as tf.Tensor4D;
    const dy = rng.normal([2, 9, 7, 6]);
    const [dilated] = await valuesOn(
      'wasm',
      () =>
        tf.engine().runKernel(
          tf.DepthwiseConv2dNativeBackpropInput,
          { dy, filter: w },
          {
            strides: 1,
            pad: 'same',
            dilations: 2,
            inputShape: [2, 9, 7, 3],
          },
        ) as tf.Tensor,
    );
    const [reference] = await valuesOn('cpu', () => {
      // w with a zero row/column between taps: [5, 5, 3, 2]
      const spread = tf.buffer([5, 5, 3, 2]);
      const values = w.dataSync();
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 3; j++)
          for (let c = 0; c < 3; c++)
            for (let m = 0; m < 2; m++)
              spread.set(values[((i * 3 + j) * 3 + c) * 2 + m] as number, 2 * i, 2 * j, c, m);
      const wide = spread.toTensor() as tf.Tensor4D;
      return tf.grad((x: tf.Tensor) =>
        tf.sum(tf.mul(tf.depthwiseConv2d(x as tf.Tensor4D, wide, 1, 'same'), dy)),
      )(tf.zeros([2, 9, 7, 3]) as tf.Tensor4D);
    });
    expect(relativeError(dilated as Float32Array, reference as Float32Array)).toBeLessThan(1e-4);
    tf.dispose([w, dy]);
  });
});

import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectWasmMatchesCpu, relativeError, valuesOn } from '../../test/compare-backends.js';
import { depthwiseCases } from '../../test/conv2d-cases.js';
import { initBackend } from '../backend.js';
import { Rng } from '../rng.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('DepthwiseConv2dNativeBackpropFilter on wasm', () => {
  it.each(depthwiseCases)('matches cpu: $name', async ({ x, filter, strides, pad, dilations }) => {
    await expectWasmMatchesCpu(() => {
      const rng = Rng.fromSeed(x[2] * 17 + filter[3]);
      const xs = rng.normal(x) as tf.Tensor4D;
      const y = tf.depthwiseConv2d(
        xs,
        tf.zeros(filter) as tf.Tensor4D,
        strides,
        pad,
        'NHWC',
        dilations,
      );
      const dy = rng.normal(y.shape);
      return tf.engine().runKernel(
        tf.DepthwiseConv2dNativeBackpropFilter,
        { x: xs, dy },
        {
          strides,
          pad,
          dilations,
          filterShape: filter,
        },
      ) as tf.Tensor;
    });
  });

  it('handles dilation 2: equals the gradient of the zero-dilated filter at dilation 1, every other tap', async () => {
    const rng = Rng.fromSeed(23);
    const x = rng.normal([2, 9, 7, 3]) as tf.Tensor4D;
    const dy = rng.normal([2, 9, 7, 6]);
    const [dilated] = await valuesOn(
      'wasm',
      () =>
        tf.engine().runKernel(
          tf.DepthwiseConv2dNativeBackpropFilter,
          { x, dy },
          {
            strides: 1,
            pad: 'same',
            dilations: 2,
            filterShape: [3, 3, 3, 2],
          },
        ) as tf.Tensor,
    );
    const [reference] = await valuesOn('cpu', () => {
      const wide = tf.grad((w: tf.Tensor) =>
        tf.sum(tf.mul(tf.depthwiseConv2d(x, w as tf.Tensor4D, 1, 'same'), dy)),
      )(tf.zeros([5, 5, 3, 2]) as tf.Tensor4D);
      return tf.stridedSlice(wide, [0, 0, 0, 0], [5, 5, 3, 2], [2, 2, 1, 1]);
    });
    expect(relativeError(dilated as Float32Array, reference as Float32Array)).toBeLessThan(1e-4);
    tf.dispose([x, dy]);
  });
});

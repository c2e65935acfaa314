import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectWasmMatchesCpu, relativeError, valuesOn } from '../../test/compare-backends.js';
import { initBackend } from '../backend.js';
import { Rng } from '../rng.js';
import { valueAndGrad } from '../value-and-grad.js';
import { installWasmKernels } from './install-wasm-kernels.js';
import { kernelKind } from './wasm-backend.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

/** conv 3×3 (1→4) → relu → conv 3×3 stride 2 (4→6) → avgPool 2×2 → dense → softmax CE. */
function convNetGradients(): tf.Tensor[] {
  const rng = Rng.fromSeed(2024);
  const params = {
    w1: rng.normal([3, 3, 1, 4], { std: 0.5 }),
    b1: rng.normal([4], { std: 0.1 }),
    w2: rng.normal([3, 3, 4, 6], { std: 0.3 }),
    b2: rng.normal([6], { std: 0.1 }),
    w3: rng.normal([24, 5], { std: 0.3 }),
    b3: rng.normal([5], { std: 0.1 }),
  };
  const images = rng.normal([3, 9, 9, 1]) as tf.Tensor4D;
  const labels = tf.oneHot(tf.tensor1d([0, 3, 4], 'int32'), 5);
  const loss = (p: typeof params): tf.Scalar => {
    const h1 = tf.relu(tf.add(tf.conv2d(images, p.w1 as tf.Tensor4D, 1, 'same'), p.b1));
    const h2 = tf.add(tf.conv2d(h1 as tf.Tensor4D, p.w2 as tf.Tensor4D, 2, 'same'), p.b2);
    const pooled = tf.avgPool(h2 as tf.Tensor4D, 2, 2, 'valid');
    const logits = tf.add(tf.matMul(tf.reshape(pooled, [3, 24]), p.w3), p.b3);
    return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
  };
  const { value, grads } = valueAndGrad(loss)(params);
  return [value, grads.w1, grads.b1, grads.w2, grads.b2, grads.w3, grads.b3];
}

describe('installWasmKernels', () => {
  it('is idempotent, also through repeated initBackend calls', async () => {
    const first = await installWasmKernels();
    // 'auto' picks the native kernels where they are built, so the repeated call names wasm.
    await expect(initBackend({ backend: 'wasm' })).resolves.toMatchObject({ backend: 'wasm' });
    await expect(initBackend({ backend: 'wasm' })).resolves.toMatchObject({ backend: 'wasm' });
    await expect(installWasmKernels()).resolves.toEqual(first);
  });

  it('gives the wasm backend every kernel the cpu backend has', () => {
    const onWasm = new Set(tf.getKernelsForBackend('wasm').map((k) => k.kernelName));
    const missing = tf.getKernelsForBackend('cpu').filter((k) => !onWasm.has(k.kernelName));
    expect(missing.map((k) => k.kernelName)).toEqual([]);
  });

  it('computes the training kernels natively and bridges only what TF.js lacks', async () => {
    const { native, bridged } = await installWasmKernels();
    expect(native).toEqual([
      'BatchMatMul',
      'Conv2DBackpropFilter',
      'Conv2DBackpropInput',
      'DepthwiseConv2dNativeBackpropFilter',
      'DepthwiseConv2dNativeBackpropInput',
      'MaxPoolGrad',
      'UnsortedSegmentSum',
    ]);
    for (const name of bridged) {
      expect(kernelKind(tf.getKernel(name, 'wasm').kernelFunc)).toBe('bridged');
      expect(native).not.toContain(name);
    }
    // TF.js's own wasm kernels stay in place.
    for (const name of ['Conv2D', 'AvgPoolGrad', 'MaxPool', 'Softmax', 'Sum']) {
      expect(kernelKind(tf.getKernel(name, 'wasm').kernelFunc)).toBeNull();
    }
  });

  it("gives a small conv net's loss and parameter gradients as on cpu (relative 1e-4)", async () => {
    const onWasm = await valuesOn('wasm', convNetGradients);
    const onCpu = await valuesOn('cpu', convNetGradients);
    expect(onWasm).toHaveLength(7);
    onCpu.forEach((reference, i) => {
      expect(reference.some((v) => v !== 0)).toBe(true);
      expect(relativeError(onWasm[i] as Float32Array, reference)).toBeLessThan(1e-4);
    });
  });

  const opGradients: { name: string; f: (x: tf.Tensor4D) => tf.Tensor }[] = [
    { name: 'relu', f: (x) => tf.relu(x) },
    { name: 'tanh', f: (x) => tf.tanh(x) },
    { name: 'sigmoid', f: (x) => tf.sigmoid(x) },
    { name: 'softmax', f: (x) => tf.softmax(x) },
    { name: 'logSoftmax', f: (x) => tf.logSoftmax(x) },
    { name: 'mean', f: (x) => tf.mean(x, [1, 2]) },
    { name: 'sum', f: (x) => tf.sum(x, 3) },
    { name: 'avgPool 3×3 stride 1 same', f: (x) => tf.avgPool(x, 3, 1, 'same') },
    { name: 'maxPool 2×2 stride 2 same', f: (x) => tf.maxPool(x, 2, 2, 'same') },
    {
      name: 'batch-norm style normalisation',
      f: (x) => {
        const { mean, variance } = tf.moments(x, [0, 1, 2]);
        return tf.batchNorm(x, mean, variance, tf.fill([3], 0.5), tf.fill([3], 2), 1e-3);
      },
    },
  ];

  it.each(opGradients)('gives the gradient of $name as on cpu', async ({ f }) => {
    await expectWasmMatchesCpu(() => {
      const rng = Rng.fromSeed(77);
      const x = rng.normal([2, 5, 6, 3]) as tf.Tensor4D;
      const weights = rng.normal(f(x).shape);
      return tf.grad((v: tf.Tensor) => tf.sum(tf.mul(f(v as tf.Tensor4D), weights)))(x);
    });
  });
});

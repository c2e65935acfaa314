// A whole ODE-ResNet's loss gradient on the native backend equals the cpu backend's, without leaks.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, requireNative, values } from '../test/compare.js';

const C = 16;
const STEPS = 3;

interface Net {
  open: tf.Tensor4D;
  kernels: tf.Tensor4D[];
  biases: tf.Tensor1D[];
  dense: tf.Tensor2D;
}

/** Opening conv + relu, forward Euler steps y += h·relu(conv(y) + b), 2×2 average pool, dense. */
function loss(net: Net, images: tf.Tensor4D, labels: tf.Tensor2D): tf.Scalar {
  let y = tf.relu(tf.conv2d(images, net.open, 1, 'same')) as tf.Tensor4D;
  for (let j = 0; j < STEPS; j++) {
    const f = tf.relu(
      tf.add(tf.conv2d(y, net.kernels[j] as tf.Tensor4D, 1, 'same'), net.biases[j] as tf.Tensor1D),
    );
    y = tf.add(y, tf.mul(1 / STEPS, f));
  }
  const flat = tf.reshape(tf.avgPool(y, 2, 2, 'valid'), [images.shape[0], -1]);
  return tf.losses.softmaxCrossEntropy(labels, tf.matMul(flat, net.dense)) as tf.Scalar;
}

async function gradients(backend: string): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const out = tf.tidy(() => {
    const scale = (v: Float32Array, s: number) => v.map((x) => x * s);
    const net: Net = {
      open: tf.tensor4d(scale(values(9 * C, 1), 0.5), [3, 3, 1, C]),
      kernels: Array.from({ length: STEPS }, (_, j) =>
        tf.tensor4d(scale(values(9 * C * C, 2 + j), 0.1), [3, 3, C, C]),
      ),
      biases: Array.from({ length: STEPS }, (_, j) => tf.tensor1d(scale(values(C, 20 + j), 0.1))),
      dense: tf.tensor2d(scale(values(7 * 7 * C * 10, 30), 0.05), [7 * 7 * C, 10]),
    };
    const images = tf.tensor4d(values(4 * 14 * 14, 40), [4, 14, 14, 1]);
    const labels = tf.oneHot(tf.tensor1d([0, 3, 7, 9], 'int32'), 10) as tf.Tensor2D;
    const params = [net.open, ...net.kernels, ...net.biases, net.dense];
    const g = tf.grads((...p: tf.Tensor[]) =>
      loss(
        {
          open: p[0] as tf.Tensor4D,
          kernels: p.slice(1, 1 + STEPS) as tf.Tensor4D[],
          biases: p.slice(1 + STEPS, 1 + 2 * STEPS) as tf.Tensor1D[],
          dense: p[1 + 2 * STEPS] as tf.Tensor2D,
        },
        images,
        labels,
      ),
    )(params);
    return g.map((t) => t.dataSync() as Float32Array);
  });
  await tf.setBackend('cpu');
  return out;
}

describe('a whole network on the native backend', () => {
  it("has the cpu backend's loss gradient for every parameter (1e-4 relative)", async () => {
    requireNative(2);
    const native = await gradients('native');
    const cpu = await gradients('cpu');
    expect(native.length).toBe(2 + 2 * STEPS);
    for (const [i, g] of native.entries())
      expectClose(g, cpu[i] as Float32Array, 1e-4, `parameter ${i}`);
  });

  it('trains without leaking tensors: a step leaves numTensors unchanged', async () => {
    requireNative(2);
    await tf.setBackend('native');
    const init = tf.tensor4d(values(9 * C, 3), [3, 3, 1, C]);
    const w = tf.variable(init);
    init.dispose();
    const x = tf.tensor4d(values(2 * 8 * 8, 4), [2, 8, 8, 1]);
    const step = () =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(
          () => tf.mean(tf.square(tf.relu(tf.conv2d(x, w as tf.Tensor4D, 1, 'same')))) as tf.Scalar,
        );
        w.assign(tf.sub(w, tf.mul(grads[w.name] as tf.Tensor, 0.1)));
        return value;
      });
    step().dispose();
    const before = tf.memory().numTensors;
    const losses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const l = step();
      losses.push(l.dataSync()[0] as number);
      l.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    // Gradient descent on a non-negative loss: it falls.
    expect(losses[2] as number).toBeLessThan(losses[0] as number);
    tf.dispose([w, x]);
    await tf.setBackend('cpu');
  });
});

// Tests of residualConv on cpu, wasm and native: values and gradients against x + conv + bias + σ, central differences, one kernel on native.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { relativeError } from '../test/compare-backends.js';
import { expectSameAsReference } from '../test/compare-reference.js';
import { initBackend } from './backend.js';
import { ShapeError } from './errors.js';
import { FUSED_CONV_ACTIVATIONS, type FusedConvActivation } from './fused-conv.js';
import { residualConv } from './residual-conv.js';
import { Rng } from './rng.js';

/** [N, H, W, C] and the kernel size: channels 1, 3 and 16 (the native direct tiles), odd sizes. */
const shapes: readonly [[number, number, number, number], number][] = [
  [[1, 5, 7, 1], 3],
  [[2, 6, 5, 3], 3],
  [[2, 9, 17, 16], 3],
  [[1, 6, 15, 16], 1],
];

/** The reference: convolution, bias, activation and the addition as separate ops. */
function composed(
  x: tf.Tensor4D,
  kernel: tf.Tensor4D,
  bias: tf.Tensor1D,
  activation: FusedConvActivation,
): tf.Tensor4D {
  return tf.tidy(() => {
    const pre = tf.add(tf.conv2d(x, kernel, 1, 'same'), bias);
    return tf.add(x, activation === 'relu' ? tf.relu(pre) : pre);
  });
}

function inputs(
  shape: [number, number, number, number],
  k: number,
  seed: number,
): [tf.Tensor4D, tf.Tensor4D, tf.Tensor1D, tf.Tensor] {
  const rng = Rng.fromSeed(seed);
  const c = shape[3];
  const x = rng.normal(shape) as tf.Tensor4D;
  const kernel = rng.normal([k, k, c, c], { std: 1 / Math.sqrt(k * k * c) }) as tf.Tensor4D;
  const bias = rng.normal([c], { std: 0.3 }) as tf.Tensor1D;
  return [x, kernel, bias, rng.normal(shape)];
}

const values = (t: tf.Tensor): Float32Array => t.dataSync() as Float32Array;

describe.each(['cpu', 'wasm', 'native'] as const)('residualConv on %s', (backend) => {
  for (const activation of FUSED_CONV_ACTIVATIONS) {
    it.each(shapes.map(([s, k]) => [`${s.join('×')}, ${k}×${k}`, s, k] as const))(
      `${activation}: values and the gradients in x, K and b equal those of x + σ(conv + b): %s`,
      async (_name, shape, k) => {
        await initBackend({ backend });
        const [x, kernel, bias, w] = inputs(shape, k, 3);
        tf.tidy(() => {
          expect(residualConv(x, kernel, bias, { activation }).shape).toEqual(shape);
        });
        expectSameAsReference(
          (a, kk, b) => residualConv(a, kk, b, { activation }),
          (a, kk, b) => composed(a, kk, b, activation),
          [x, kernel, bias],
          w,
        );
        tf.dispose([x, kernel, bias, w]);
      },
    );
  }

  it('linear: the gradient is the derivative of the loss along random directions (central differences)', async () => {
    await initBackend({ backend });
    const [x, kernel, bias, w] = inputs([2, 9, 17, 16], 3, 5);
    const rng = Rng.fromSeed(6);
    const dirs = [x, kernel, bias].map((t) => rng.normal(t.shape));
    const loss = (...a: tf.Tensor[]): tf.Scalar =>
      tf.sum(
        tf.mul(
          w,
          residualConv(a[0] as tf.Tensor4D, a[1] as tf.Tensor4D, a[2] as tf.Tensor1D, {
            activation: 'linear',
          }),
        ),
      );
    const g = tf.grads(loss)([x, kernel, bias]);
    const eps = 1e-2;
    for (let i = 0; i < 3; i++) {
      // The loss is linear in each argument, so the central difference is exact up to the
      // round-off of the two float32 losses.
      const [plus, minus] = [eps, -eps].map((s) =>
        tf.tidy(
          () =>
            loss(
              ...[x, kernel, bias].map((t, j) =>
                j === i ? tf.add(t, tf.mul(s, dirs[j] as tf.Tensor)) : t,
              ),
            ).dataSync()[0] as number,
        ),
      ) as [number, number];
      const analytic = tf.tidy(
        () => tf.sum(tf.mul(g[i] as tf.Tensor, dirs[i] as tf.Tensor)).dataSync()[0] as number,
      );
      expect(Math.abs((plus - minus) / (2 * eps) - analytic)).toBeLessThan(
        2e-3 * Math.abs(analytic),
      );
    }
    tf.dispose([x, kernel, bias, w, ...dirs, ...g]);
  });

  it('gradients of gradients equal those of the composition', async () => {
    await initBackend({ backend });
    const [x, kernel, bias, w] = inputs([2, 9, 17, 16], 3, 9);
    // ∂/∂K of ‖∂L/∂x‖², which differentiates the backward pass once more.
    const outer =
      (f: (a: tf.Tensor4D, k: tf.Tensor4D) => tf.Tensor) =>
      (k: tf.Tensor): tf.Scalar => {
        const dx = tf.grad((a: tf.Tensor) =>
          tf.sum(tf.mul(w, f(a as tf.Tensor4D, k as tf.Tensor4D))),
        )(x);
        return tf.sum(tf.square(dx));
      };
    const g = tf.grad(outer((a, k) => residualConv(a, k, bias, { activation: 'relu' })))(kernel);
    const gRef = tf.grad(outer((a, k) => composed(a, k, bias, 'relu')))(kernel);
    expect(relativeError(values(g), values(gRef))).toBeLessThan(1e-5);
    tf.dispose([x, kernel, bias, w, g, gRef]);
  });

  it('refuses a kernel that changes the channel count, and a batch without its batch axis', async () => {
    await initBackend({ backend });
    const x = tf.zeros([1, 4, 4, 2]) as tf.Tensor4D;
    const wide = tf.zeros([3, 3, 2, 3]) as tf.Tensor4D;
    const square = tf.zeros([3, 3, 2, 2]) as tf.Tensor4D;
    const [b2, b3] = [tf.zeros([2]) as tf.Tensor1D, tf.zeros([3]) as tf.Tensor1D];
    expect(() => residualConv(x, wide, b3)).toThrow(ShapeError);
    expect(() => residualConv(x, wide, b3)).toThrow(/\[kh, kw, C, C\]/);
    const image = tf.zeros([4, 4, 2]) as unknown as tf.Tensor4D;
    expect(() => residualConv(image, square, b2)).toThrow(ShapeError);
    tf.dispose([x, wide, square, b2, b3, image]);
  });
});

describe('residualConv on native is one kernel', () => {
  it('forward: no separate addition; backward: one gradient kernel, no Add', async () => {
    await initBackend({ backend: 'native' });
    const [x, kernel, bias, w] = inputs([2, 9, 17, 16], 3, 13);
    const forward = await tf.profile(() => residualConv(x, kernel, bias, { activation: 'relu' }));
    const names = forward.kernels.map((k) => k.name);
    expect(names).toContain('RungeResidualConv2D');
    expect(names).not.toContain('Add');
    expect(names).not.toContain('FusedConv2D');
    tf.dispose(forward.result as tf.Tensor);
    const backward = await tf.profile(() =>
      tf.grads((a: tf.Tensor, k: tf.Tensor, b: tf.Tensor) =>
        tf.sum(
          tf.mul(
            w,
            residualConv(a as tf.Tensor4D, k as tf.Tensor4D, b as tf.Tensor1D, {
              activation: 'relu',
            }),
          ),
        ),
      )([x, kernel, bias]),
    );
    const backNames = backward.kernels.map((k) => k.name);
    expect(backNames).toContain('RungeResidualConv2DGrad');
    for (const absent of ['Conv2DBackpropInput', 'Conv2DBackpropFilter', 'RungeReluGrad']) {
      expect(backNames).not.toContain(absent);
    }
    // The only Sum is the loss's; no Add accumulates ∂x.
    expect(backNames.filter((n) => n === 'Add')).toHaveLength(0);
    tf.dispose([x, kernel, bias, w, ...(backward.result as tf.Tensor[])]);
  });
});

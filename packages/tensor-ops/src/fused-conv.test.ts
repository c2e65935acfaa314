// Tests of fusedConv on cpu, wasm and native: values and gradients against conv, add and relu, finite differences, one kernel.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { relativeError } from '../test/compare-backends.js';
import { expectSameAsReference } from '../test/compare-reference.js';
import { type Conv2dCase, conv2dCases } from '../test/conv2d-cases.js';
import { initBackend } from './backend.js';
import { type ConvOptions, type ConvPadding, conv } from './conv-operator.js';
import { ShapeError, ValueError } from './errors.js';
import { FUSED_CONV_ACTIVATIONS, type FusedConvActivation, fusedConv } from './fused-conv.js';
import { Rng } from './rng.js';

/** Every shared convolution case that TF.js's default output rounding covers. */
const cases = conv2dCases.filter((c) => c.rounding === undefined);
/** `conv`'s options for a case. */
function convOptions(c: Conv2dCase): ConvOptions {
  return { stride: c.strides, padding: c.pad as ConvPadding };
}

/** The reference: convolution, bias and activation as three separate ops. */
function composed(
  x: tf.Tensor4D,
  kernel: tf.Tensor4D,
  bias: tf.Tensor1D,
  c: Conv2dCase,
  activation: FusedConvActivation,
): tf.Tensor {
  return tf.tidy(() => {
    const z = tf.add(conv(x, kernel, convOptions(c)), bias);
    return activation === 'relu' ? tf.relu(z) : z;
  });
}

function inputs(c: Conv2dCase, seed: number): [tf.Tensor4D, tf.Tensor4D, tf.Tensor1D, tf.Tensor] {
  const rng = Rng.fromSeed(seed);
  const x = rng.normal(c.x) as tf.Tensor4D;
  const kernel = rng.normal(c.filter, { std: 0.5 }) as tf.Tensor4D;
  const bias = rng.normal([c.filter[3]], { std: 0.5 }) as tf.Tensor1D;
  const probe = conv(x, kernel, convOptions(c));
  const outShape = probe.shape;
  probe.dispose();
  const weights = rng.normal(outShape);
  return [x, kernel, bias, weights];
}

function values(t: tf.Tensor): Float32Array {
  return t.dataSync() as Float32Array;
}

describe.each(['cpu', 'wasm', 'native'] as const)('fusedConv on %s', (backend) => {
  for (const activation of FUSED_CONV_ACTIVATIONS) {
    it.each(cases.map((c) => [c.name, c] as const))(
      `${activation}: values and the gradients in x, K and b equal those of conv, add and ${activation}: %s`,
      async (_name, c) => {
        await initBackend({ backend });
        const before = tf.memory().numTensors;
        const [x, kernel, bias, w] = inputs(c, 11);
        const options = { ...convOptions(c), activation };
        expectSameAsReference(
          (a, k, b) => fusedConv(a, k, b, options),
          (a, k, b) => composed(a, k, b, c, activation),
          [x, kernel, bias],
          w,
        );
        tf.dispose([x, kernel, bias, w]);
        expect(tf.memory().numTensors).toBe(before);
      },
    );
  }

  it.each([...FUSED_CONV_ACTIVATIONS])(
    '%s: the gradient agrees with central differences of the loss along random directions',
    async (activation) => {
      await initBackend({ backend });
      const c = cases[0] as Conv2dCase;
      const [x, kernel, bias, w] = inputs(c, 5);
      const rng = Rng.fromSeed(6);
      const dirs = [x, kernel, bias].map((t) => rng.normal(t.shape));
      const options = { ...convOptions(c), activation };
      const loss = (...a: tf.Tensor[]): tf.Scalar =>
        tf.sum(
          tf.mul(
            w,
            fusedConv(a[0] as tf.Tensor4D, a[1] as tf.Tensor4D, a[2] as tf.Tensor1D, options),
          ),
        );
      const g = tf.grads(loss)([x, kernel, bias]);
      const eps = 1e-3;
      for (let i = 0; i < 3; i++) {
        const shifted = (s: number): tf.Tensor[] =>
          [x, kernel, bias].map((t, j) =>
            j === i ? tf.add(t, tf.mul(s, dirs[j] as tf.Tensor)) : t,
          );
        const [lossPlus, lossMinus, crossings] = tf.tidy(() => {
          const plus = shifted(eps);
          const minus = shifted(-eps);
          // The loss is linear in each argument for 'linear' and piecewise linear for 'relu',
          // so the central difference is exact up to float32 round-off unless a pre-activation
          // changes sign within ±eps: count those (none for this seed and eps).
          const pre = (a: tf.Tensor[]) =>
            composed(a[0] as tf.Tensor4D, a[1] as tf.Tensor4D, a[2] as tf.Tensor1D, c, 'linear');
          const sign = (a: tf.Tensor[]) => tf.sign(pre(a));
          const changed = tf.sum(tf.cast(tf.notEqual(sign(plus), sign(minus)), 'float32'));
          return [loss(...plus), loss(...minus), changed].map((t) => t.dataSync()[0] as number);
        }) as [number, number, number];
        if (activation === 'relu') expect(crossings).toBe(0);
        const fd = (lossPlus - lossMinus) / (2 * eps);
        const analytic = tf.tidy(
          () => tf.sum(tf.mul(g[i] as tf.Tensor, dirs[i] as tf.Tensor)).dataSync()[0] as number,
        );
        // The round-off of the two float32 losses, divided by 2·eps, stays below 2e-3 of these
        // derivatives.
        expect(Math.abs(fd - analytic)).toBeLessThan(2e-3 * Math.abs(analytic));
      }
      tf.dispose([x, kernel, bias, w, ...dirs, ...g]);
    },
  );

  it('gradients of gradients equal those of the composition', async () => {
    await initBackend({ backend });
    const c = cases[0] as Conv2dCase;
    const [x, kernel, bias, w] = inputs(c, 9);
    // ∂/∂K of ‖∂L/∂x‖², which differentiates the backward pass once more.
    const outer =
      (activation: FusedConvActivation, useFused: boolean) =>
      (k: tf.Tensor): tf.Scalar => {
        const inner = tf.grad((a: tf.Tensor) => {
          const y = useFused
            ? fusedConv(a as tf.Tensor4D, k as tf.Tensor4D, bias, { activation })
            : composed(a as tf.Tensor4D, k as tf.Tensor4D, bias, c, activation);
          return tf.sum(tf.mul(w, tf.mul(y, y)));
        });
        const gx = inner(x);
        return tf.sum(tf.mul(gx, gx));
      };
    for (const activation of FUSED_CONV_ACTIVATIONS) {
      const a = tf.grad(outer(activation, true))(kernel);
      const b = tf.grad(outer(activation, false))(kernel);
      expect(relativeError(values(a), values(b))).toBeLessThan(1e-4);
      tf.dispose([a, b]);
    }
    tf.dispose([x, kernel, bias, w]);
  });

  it('runs one FusedConv2D kernel forward and no separate add or relu while a tape records', async () => {
    await initBackend({ backend });
    const c = cases[0] as Conv2dCase;
    const [x, kernel, bias, w] = inputs(c, 2);
    const info = await tf.profile(() => {
      const g = tf.grads((k: tf.Tensor) =>
        tf.sum(tf.mul(w, fusedConv(x, k as tf.Tensor4D, bias, { activation: 'relu' }))),
      )([kernel]);
      tf.dispose(g);
    });
    const names = info.kernels.map((k) => k.name);
    expect(names).toContain('FusedConv2D');
    expect(names).not.toContain('Relu');
    expect(names).not.toContain('Conv2D');
    expect(names).toContain('Conv2DBackpropFilter');
    tf.dispose([x, kernel, bias, w]);
  });

  it('accepts a bias that is a reshaped row of a larger tensor', async () => {
    await initBackend({ backend });
    const c = cases[0] as Conv2dCase;
    const [x, kernel, bias, w] = inputs(c, 8);
    // A bias read from a [steps, m] table, as the ODE blocks' controls hold it.
    const table = tf.tidy(() => tf.stack([bias, tf.neg(bias)]));
    const row = tf.tidy(() => tf.reshape(tf.slice(table, [0, 0], [1, -1]), [-1]) as tf.Tensor1D);
    const view = tf.tidy(() => tf.reshape(tf.expandDims(bias, 0), [-1]) as tf.Tensor1D);
    for (const b of [row, view]) {
      const y = fusedConv(x, kernel, b, { ...convOptions(c), activation: 'relu' });
      const yRef = composed(x, kernel, bias, c, 'relu');
      expect(relativeError(values(y), values(yRef))).toBeLessThan(1e-5);
      tf.dispose([y, yRef]);
    }
    tf.dispose([x, kernel, bias, w, table, row, view]);
  });

  it('accepts a rank-3 input and matches the batched result', async () => {
    await initBackend({ backend });
    const c = cases[2] as Conv2dCase;
    const [x, kernel, bias, w] = inputs(c, 4);
    const x3 = tf.tidy(() => tf.squeeze(tf.slice(x, [0, 0, 0, 0], [1, -1, -1, -1]), [0]));
    const options = { ...convOptions(c), activation: 'relu' as const };
    const y3 = fusedConv(x3 as tf.Tensor3D, kernel, bias, options);
    const y4 = tf.tidy(() => fusedConv(tf.expandDims(x3, 0) as tf.Tensor4D, kernel, bias, options));
    expect(y3.shape).toEqual(y4.shape.slice(1));
    expect(relativeError(values(y3), values(y4))).toBe(0);
    tf.dispose([x, kernel, bias, w, x3, y3, y4]);
  });
});

describe('fusedConv validation', () => {
  it('names the argument and says what to do', () => {
    const x = tf.zeros([1, 5, 5, 2]) as tf.Tensor4D;
    const kernel = tf.zeros([3, 3, 2, 4]) as tf.Tensor4D;
    const bias = tf.zeros([4]) as tf.Tensor1D;
    const bias3 = tf.zeros([3]) as tf.Tensor1D;
    const x3 = tf.zeros([1, 5, 5, 3]) as tf.Tensor4D;
    expect(() => fusedConv(x, kernel, bias3)).toThrow(ShapeError);
    expect(() => fusedConv(x, kernel, bias3)).toThrow(
      /fusedConv: bias \[3\] does not match the kernel's 4 output channels/,
    );
    expect(() => fusedConv(x3, kernel, bias)).toThrow(/fusedConv: x has 3 channels/);
    expect(() =>
      fusedConv(x, kernel, bias, { activation: 'tanh' as unknown as FusedConvActivation }),
    ).toThrow(ValueError);
    expect(() =>
      fusedConv(x, kernel, bias, { activation: 'tanh' as unknown as FusedConvActivation }),
    ).toThrow(/activation must be one of 'linear', 'relu', got "tanh"/);
    tf.dispose([x, kernel, bias, bias3, x3]);
  });
});

// The native convolution kernels against TF.js's cpu kernels over a grid of shapes.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNativeMatchesCpu, requireNative, runOn, values } from '../test/compare.js';

type Pad = 'same' | 'valid';
interface Case {
  batch: number;
  h: number;
  w: number;
  ci: number;
  co: number;
  k: number;
  stride: number;
  pad: Pad;
}

const cases: Case[] = [];
for (const [ci, co] of [
  [1, 16],
  [3, 5],
  [16, 16],
  [16, 32],
  [32, 16],
] as const) {
  for (const k of [1, 3]) {
    for (const stride of [1, 2]) {
      for (const pad of ['same', 'valid'] as const) {
        cases.push({ batch: ci === 3 ? 1 : 2, h: 7, w: 5, ci, co, k, stride, pad });
      }
    }
  }
}
// W1's shape (at a small batch) and an even size with stride 2.
cases.push({ batch: 2, h: 28, w: 28, ci: 16, co: 16, k: 3, stride: 1, pad: 'same' });
cases.push({ batch: 1, h: 8, w: 6, ci: 16, co: 16, k: 3, stride: 2, pad: 'same' });
// Rows of at least 14 output pixels (the AVX-512 tile's width): whole tiles, a last tile moved
// back over the one before it, odd sizes, stride 2, 1×1.
cases.push({ batch: 1, h: 9, w: 17, ci: 16, co: 32, k: 3, stride: 1, pad: 'same' });
cases.push({ batch: 2, h: 15, w: 30, ci: 32, co: 16, k: 3, stride: 2, pad: 'same' });
cases.push({ batch: 1, h: 5, w: 31, ci: 16, co: 16, k: 1, stride: 2, pad: 'valid' });
cases.push({ batch: 1, h: 6, w: 29, ci: 16, co: 48, k: 3, stride: 1, pad: 'valid' });

const name = (c: Case): string =>
  `${c.batch}x${c.h}x${c.w}x${c.ci} -> ${c.co}, ${c.k}x${c.k}, stride ${c.stride}, ${c.pad}`;

async function checkCase(c: Case, seed: number): Promise<void> {
  const xShape: [number, number, number, number] = [c.batch, c.h, c.w, c.ci];
  const fShape: [number, number, number, number] = [c.k, c.k, c.ci, c.co];
  const x = { values: values(c.batch * c.h * c.w * c.ci, seed), shape: [...xShape] };
  const f = { values: values(c.k * c.k * c.ci * c.co, seed + 1), shape: [...fShape] };
  const outShape = tf.backend_util.computeConv2DInfo(xShape, fShape, c.stride, 1, c.pad).outShape;
  const dy = {
    values: values(
      outShape.reduce((a, b) => a * b, 1),
      seed + 2,
    ),
    shape: outShape,
  };
  const bias = { values: values(c.co, seed + 3), shape: [c.co] };
  await expectNativeMatchesCpu(
    [x, f],
    (xt, ft) => tf.conv2d(xt as tf.Tensor4D, ft as tf.Tensor4D, c.stride, c.pad),
    `conv2d ${name(c)}`,
  );
  await expectNativeMatchesCpu(
    [x, f, bias],
    (xt, ft, bt) =>
      tf.fused.conv2d({
        x: xt as tf.Tensor4D,
        filter: ft as tf.Tensor4D,
        strides: c.stride,
        pad: c.pad,
        bias: bt,
        activation: 'relu',
      }),
    `fused conv2d + bias + relu ${name(c)}`,
  );
  await expectNativeMatchesCpu(
    [dy, f],
    (dyt, ft) => tf.conv2dTranspose(dyt as tf.Tensor4D, ft as tf.Tensor4D, xShape, c.stride, c.pad),
    `conv2d input gradient ${name(c)}`,
  );
  await expectNativeMatchesCpu(
    [x, dy],
    (xt, dyt) =>
      tf
        .engine()
        .runKernel(
          tf.Conv2DBackpropFilter,
          { x: xt as tf.Tensor, dy: dyt as tf.Tensor },
          { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', filterShape: fShape },
        ) as tf.Tensor,
    `conv2d filter gradient ${name(c)}`,
  );
}

describe('native conv2d kernels match the cpu backend (1e-4 relative)', () => {
  it('on 1 thread with the AVX-512 tiles (where the CPU has them)', async () => {
    requireNative(1, true, true);
    for (const [i, c] of cases.entries()) await checkCase(c, 10 * i + 1);
  });

  it('on 1 thread with the AVX2 tiles (where the CPU has them)', async () => {
    requireNative(1, true, false);
    for (const [i, c] of cases.entries()) await checkCase(c, 10 * i + 7);
    requireNative(1, true, true);
  });

  it('on 2 threads', async () => {
    requireNative(2, true);
    for (const [i, c] of cases.entries()) await checkCase(c, 10 * i + 3);
  });

  it('with the scalar tile (the path of CPUs without AVX2)', async () => {
    requireNative(1, false);
    // Every other case keeps the file quick; the two thread runs above cover all of them.
    for (const [i, c] of cases.entries()) if (i % 2 === 0) await checkCase(c, 10 * i + 5);
    requireNative(1, true);
  });

  it('the gradient of tf.conv2d on native is the cpu gradient', async () => {
    requireNative(1, true);
    const x = { values: values(2 * 9 * 9 * 16, 7), shape: [2, 9, 9, 16] };
    const f = { values: values(3 * 3 * 16 * 16, 8), shape: [3, 3, 16, 16] };
    await expectNativeMatchesCpu(
      [x, f],
      (xt, ft) => {
        const g = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'))),
        );
        return g([xt as tf.Tensor, ft as tf.Tensor]);
      },
      'grads of sum(conv2d(x, f)^2)',
    );
  });

  it('gives bit-identical gradients on 1 and 2 threads (fixed partial sums)', async () => {
    const x = { values: values(4 * 24 * 24 * 16, 11), shape: [4, 24, 24, 16] };
    const dy = { values: values(4 * 24 * 24 * 16, 12), shape: [4, 24, 24, 16] };
    const f = (xt: tf.Tensor, dyt: tf.Tensor) => [
      tf
        .engine()
        .runKernel(
          tf.Conv2DBackpropFilter,
          { x: xt, dy: dyt },
          { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 16, 16] },
        ) as tf.Tensor,
      tf.sum(dyt, [0, 1, 2]),
    ];
    requireNative(1);
    const one = await runOn('native', [x, dy], f);
    requireNative(2);
    const two = await runOn('native', [x, dy], f);
    requireNative(1);
    expect(Array.from(two[0] as Float32Array)).toEqual(Array.from(one[0] as Float32Array));
    expect(Array.from(two[1] as Float32Array)).toEqual(Array.from(one[1] as Float32Array));
  });

  it('pads each input afresh in the reused padding buffer (no values of an earlier call)', async () => {
    requireNative(1, true);
    // A large 'valid' convolution fills the whole buffer with input values; a smaller 'same' one
    // then needs zeros at its borders where those values were. Every input value is non-zero.
    const big = { values: values(2 * 20 * 20 * 16, 21), shape: [2, 20, 20, 16] };
    const small = { values: values(1 * 6 * 7 * 16, 22), shape: [1, 6, 7, 16] };
    const f = { values: values(3 * 3 * 16 * 16, 23), shape: [3, 3, 16, 16] };
    const conv = (pad: Pad) => (xt: tf.Tensor, ft: tf.Tensor) =>
      tf.conv2d(xt as tf.Tensor4D, ft as tf.Tensor4D, 1, pad);
    for (const [x, pad] of [
      [big, 'valid'],
      [small, 'same'],
      [big, 'same'],
      [small, 'same'],
    ] as const) {
      await expectNativeMatchesCpu([x, f], conv(pad), `conv2d ${x.shape.join('x')} ${pad}`);
    }
  });

  it('a 1×1 convolution is the matrix product of pixels and filter', async () => {
    requireNative(1, true);
    // Written out: y[p, o] = Σ_i x[p, i] f[i, o] with x = [[1, 2]] and f = [[1, 0, 3], [2, 1, -1]].
    await tf.setBackend('native');
    const y = tf.tidy(() =>
      Array.from(
        tf
          .conv2d(
            tf.tensor4d([1, 2], [1, 1, 1, 2]),
            tf.tensor4d([1, 0, 3, 2, 1, -1], [1, 1, 2, 3]),
            1,
            'valid',
          )
          .dataSync(),
      ),
    );
    await tf.setBackend('cpu');
    expect(y).toEqual([5, 2, 1]);
  });
});

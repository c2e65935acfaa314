// The native residual convolution and its one-kernel gradient against the same block written in TF.js ops on the cpu backend.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, requireNative, runOn, values } from '../test/compare.js';
import { type NativeBackend, RESIDUAL_CONV_KERNEL, RESIDUAL_CONV_MASK_KERNEL } from './index.js';

type Activation = 'relu' | 'linear';
interface Case {
  batch: number;
  h: number;
  w: number;
  c: number;
  k: number;
}

const cases: Case[] = [
  // channels 1 and 3 and 5 (the matrix-product path), batch 1, odd sizes
  { batch: 1, h: 5, w: 7, c: 1, k: 3 },
  { batch: 2, h: 6, w: 5, c: 3, k: 3 },
  { batch: 1, h: 4, w: 9, c: 5, k: 1 },
  // 16 and 32 channels (the direct tiles); rows of 14+ pixels for the 512-bit tile
  { batch: 2, h: 7, w: 5, c: 16, k: 3 },
  { batch: 1, h: 9, w: 17, c: 16, k: 3 },
  { batch: 2, h: 5, w: 30, c: 32, k: 3 },
  { batch: 1, h: 6, w: 15, c: 16, k: 1 },
  // W1's block at a small batch
  { batch: 2, h: 28, w: 28, c: 16, k: 3 },
];

const label = (c: Case, a: Activation): string =>
  `${c.batch}x${c.h}x${c.w}x${c.c}, ${c.k}x${c.k}, ${a}`;

/** `x + σ(conv(x, K) + b)` in TF.js ops (every backend). */
function reference(x: tf.Tensor4D, K: tf.Tensor4D, b: tf.Tensor1D, a: Activation): tf.Tensor4D {
  return tf.tidy(() => {
    const pre = tf.add(tf.conv2d(x, K, 1, 'same'), b);
    return tf.add(x, a === 'relu' ? tf.relu(pre) : pre);
  });
}

/** The block through the native kernel on 'native', through {@link reference} elsewhere. */
function block(x: tf.Tensor4D, K: tf.Tensor4D, b: tf.Tensor1D, a: Activation): tf.Tensor4D {
  if (tf.getBackend() !== 'native') return reference(x, K, b, a);
  return tf.tidy(() => {
    const out = tf
      .engine()
      .runKernel(RESIDUAL_CONV_KERNEL, { x, filter: K, bias: b }, { activation: a }) as tf.Tensor[];
    return out[0] as tf.Tensor4D;
  });
}

/** Inputs of one case: x, K (scaled so that the relu mask is mixed), b, an output weight w. */
function inputs(c: Case, seed: number) {
  const n = c.batch * c.h * c.w * c.c;
  const kScale = 1 / Math.sqrt(c.k * c.k * c.c);
  return [
    { values: values(n, seed), shape: [c.batch, c.h, c.w, c.c] },
    {
      values: values(c.k * c.k * c.c * c.c, seed + 1).map((v) => v * kScale),
      shape: [c.k, c.k, c.c, c.c],
    },
    { values: values(c.c, seed + 2).map((v) => 0.3 * v), shape: [c.c] },
    { values: values(n, seed + 3), shape: [c.batch, c.h, c.w, c.c] },
  ];
}

/** Forward values, and the gradients of Σ w·z in x, K and b, on native and on cpu. */
async function checkCase(c: Case, a: Activation, seed: number): Promise<void> {
  const f = (x: tf.Tensor, K: tf.Tensor, b: tf.Tensor, w: tf.Tensor) => {
    const z = block(x as tf.Tensor4D, K as tf.Tensor4D, b as tf.Tensor1D, a);
    const grads = tf.grads((xx: tf.Tensor, kk: tf.Tensor, bb: tf.Tensor) =>
      tf.sum(tf.mul(w, block(xx as tf.Tensor4D, kk as tf.Tensor4D, bb as tf.Tensor1D, a))),
    )([x, K, b]);
    return [z, ...grads];
  };
  const data = inputs(c, seed);
  const native = await runOn('native', data, f);
  const cpu = await runOn('cpu', data, f);
  for (const [i, name] of ['z', '∂x', '∂K', '∂b'].entries()) {
    expectClose(native[i] as Float32Array, cpu[i] as Float32Array, 1e-4, `${label(c, a)} ${name}`);
  }
}

describe('the native residual convolution x + σ(conv(x, K) + b) (1e-4 relative to cpu)', () => {
  it('values and gradients on 1 thread, every shape, relu and linear', async () => {
    requireNative(1, true, true);
    for (const [i, c] of cases.entries()) {
      for (const a of ['relu', 'linear'] as const) await checkCase(c, a, 10 * i + 1);
    }
  });

  it('on 2 threads, on the AVX2 tiles and on the scalar path', async () => {
    for (const [threads, simd, avx512] of [
      [2, true, true],
      [1, true, false],
      [1, false, false],
    ] as const) {
      requireNative(threads, simd, avx512);
      for (const [i, c] of cases.entries()) await checkCase(c, 'relu', 10 * i + 5);
    }
    requireNative(1, true, true);
  });

  it('the mask kept beside z is true exactly where conv(x, K) + b > 0', async () => {
    requireNative(1);
    const c = cases[4] as Case;
    const [x, K, b] = inputs(c, 3);
    const data = [x, K, b] as { values: Float32Array; shape: number[] }[];
    const masks = await runOn('native', data, (xt, kt, bt) =>
      tf.tidy(() => {
        const out = tf.engine().runKernel(
          RESIDUAL_CONV_KERNEL,
          { x: xt, filter: kt, bias: bt },
          {
            activation: 'relu',
          },
        ) as tf.Tensor[];
        expect(out).toHaveLength(1);
        const mask = tf
          .engine()
          .runKernel(RESIDUAL_CONV_MASK_KERNEL, { z: out[0] as tf.Tensor }, {}) as tf.Tensor;
        const pre = tf.add(tf.conv2d(xt as tf.Tensor4D, kt as tf.Tensor4D, 1, 'same'), bt);
        return [tf.cast(mask, 'float32'), tf.cast(tf.greater(pre, 0), 'float32')];
      }),
    );
    const [got, want] = masks as [Float32Array, Float32Array];
    expect(Array.from(got)).toEqual(Array.from(want));
    // Both signs occur, so the check is not vacuous.
    expect(want.includes(0) && want.includes(1)).toBe(true);
  });

  it('gradients of gradients (the tape records the backward pass) match cpu', async () => {
    requireNative(1);
    const c = cases[3] as Case;
    const data = inputs(c, 7);
    const v = { values: values(c.batch * c.h * c.w * c.c, 9), shape: [c.batch, c.h, c.w, c.c] };
    // h(K) = ⟨∂/∂x Σ w·z, V⟩, differentiated in K: the backward pass itself is differentiated.
    const f = (x: tf.Tensor, K: tf.Tensor, b: tf.Tensor, w: tf.Tensor, V: tf.Tensor) =>
      tf.grad((kk: tf.Tensor) => {
        const dx = tf.grads((xx: tf.Tensor) =>
          tf.sum(tf.mul(w, block(xx as tf.Tensor4D, kk as tf.Tensor4D, b as tf.Tensor1D, 'relu'))),
        )([x])[0] as tf.Tensor;
        return tf.sum(tf.mul(dx, V));
      })(K);
    const native = await runOn('native', [...data, v], f);
    const cpu = await runOn('cpu', [...data, v], f);
    expectClose(native[0] as Float32Array, cpu[0] as Float32Array, 1e-4, 'K ↦ ⟨∂x, V⟩');
  });

  it('leaks no tensors, forward or backward, and no masks: each goes with its output', async () => {
    requireNative(1);
    await tf.setBackend('native');
    const backend = tf.backend() as NativeBackend;
    const c = cases[3] as Case;
    const [x, K, b, w] = inputs(c, 11).map((d) => tf.tensor(d.values, d.shape));
    const before = tf.memory().numTensors;
    const z = tf
      .engine()
      .runKernel(
        RESIDUAL_CONV_KERNEL,
        { x: x as tf.Tensor, filter: K as tf.Tensor, bias: b as tf.Tensor },
        { activation: 'relu' },
      ) as tf.Tensor[];
    const kept = z[0] as tf.Tensor;
    expect(backend.maskOf(kept)?.length).toBe(kept.size);
    tf.dispose(z);
    expect(backend.maskOf(kept)).toBeNull();
    for (let i = 0; i < 3; i++) {
      tf.dispose(block(x as tf.Tensor4D, K as tf.Tensor4D, b as tf.Tensor1D, 'relu'));
      tf.dispose(
        tf.grads((xx: tf.Tensor, kk: tf.Tensor, bb: tf.Tensor) =>
          tf.sum(
            tf.mul(
              w as tf.Tensor,
              block(xx as tf.Tensor4D, kk as tf.Tensor4D, bb as tf.Tensor1D, 'relu'),
            ),
          ),
        )([x as tf.Tensor, K as tf.Tensor, b as tf.Tensor]),
      );
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, K, b, w] as tf.Tensor[]);
    await tf.setBackend('cpu');
  });

  it('withMask: false keeps no mask (inference), and a gradient without the mask is refused', async () => {
    requireNative(1);
    await tf.setBackend('native');
    const c = cases[3] as Case;
    const [x, K, b] = inputs(c, 13)
      .slice(0, 3)
      .map((d) => tf.tensor(d.values, d.shape)) as tf.Tensor[];
    const out = tf
      .engine()
      .runKernel(
        RESIDUAL_CONV_KERNEL,
        { x: x as tf.Tensor, filter: K as tf.Tensor, bias: b as tf.Tensor },
        { activation: 'relu', withMask: false },
      ) as tf.Tensor[];
    expect(out).toHaveLength(1);
    expect((tf.backend() as NativeBackend).maskOf(out[0] as tf.Tensor)).toBeNull();
    const ref = reference(x as tf.Tensor4D, K as tf.Tensor4D, b as tf.Tensor1D, 'relu');
    expectClose(out[0]?.dataSync() as Float32Array, ref.dataSync() as Float32Array, 1e-5, 'z');
    // Had a tape recorded it, its gradient would lack relu's mask: refused, not taken as linear.
    const gradient = tf.getGradient(RESIDUAL_CONV_KERNEL) as tf.GradConfig;
    expect(() =>
      gradient.gradFunc(out[0] as tf.Tensor, [x, K, out[0]] as tf.Tensor[], { activation: 'relu' }),
    ).toThrow(/mask was not computed/);
    // The differentiable form (a tape on the backward pass) refuses it too.
    expect(() =>
      tf.grad((kk: tf.Tensor) => {
        const g = gradient.gradFunc(out[0] as tf.Tensor, [x, kk, out[0]] as tf.Tensor[], {
          activation: 'relu',
        });
        return tf.sum(g.x?.() as tf.Tensor);
      })(K as tf.Tensor),
    ).toThrow(/mask was not computed/);
    tf.dispose([x, K, b, ref, ...out] as tf.Tensor[]);
    await tf.setBackend('cpu');
  });

  it('refuses shapes that are not a residual block', async () => {
    requireNative(1);
    await tf.setBackend('native');
    const x = tf.zeros([1, 4, 4, 2]);
    const K = tf.zeros([3, 3, 2, 3]);
    expect(() =>
      tf.engine().runKernel(RESIDUAL_CONV_KERNEL, { x, filter: K }, { activation: 'relu' }),
    ).toThrow(/filter \[kh, kw, C, C\]/);
    tf.dispose([x, K]);
    await tf.setBackend('cpu');
  });
});

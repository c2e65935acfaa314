import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { antisymmetricConvKernel, antisymmetricDense } from './antisymmetric.js';
import { initBackend } from './backend.js';
import { conv, convTranspose } from './conv-operator.js';
import { DTypeError, ShapeError } from './errors.js';
import { Rng } from './rng.js';

function inner(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.sum(tf.mul(a, b)).dataSync()[0] as number);
}

function norm(a: tf.Tensor): number {
  return Math.sqrt(inner(a, a));
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number);
}

describe.each(['cpu', 'wasm'] as const)('antisymmetric operators on %s', (backend) => {
  it.each([1, 2, 5, 16])('W − Wᵀ is antisymmetric and ⟨A x, x⟩ = 0 (d = %i)', async (d) => {
    await initBackend({ backend });
    const rng = Rng.fromSeed(d);
    const W = rng.normal([d, d]) as tf.Tensor2D;
    const A = antisymmetricDense(W);
    const At = tf.transpose(A);
    const minusAt = tf.neg(At);
    expect(maxAbsDiff(A, minusAt)).toBe(0);
    // A = W − Wᵀ entry by entry, computed independently in JS
    const w = W.arraySync();
    const a = A.arraySync();
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        expect(a[i]![j]).toBeCloseTo(w[i]![j]! - w[j]![i]!, 5);
      }
    }
    const x = rng.normal([3, d]) as tf.Tensor2D; // three vectors as rows
    const Ax = tf.matMul(x, A, false, true);
    const xNorm = norm(x);
    expect(Math.abs(inner(Ax, x))).toBeLessThanOrEqual(1e-5 * xNorm * xNorm * norm(A));
    tf.dispose([W, A, At, minusAt, x, Ax]);
  });

  it.each([
    { k: 1, c: 1, batch: 1, size: [4, 4] },
    { k: 3, c: 1, batch: 2, size: [5, 6] },
    { k: 3, c: 3, batch: 1, size: [7, 5] },
    { k: 5, c: 2, batch: 2, size: [6, 6] },
  ])(
    'the kernel of K − Kᵀ: k = $k, c = $c, batch $batch, size $size',
    async ({ k, c, batch, size }) => {
      await initBackend({ backend });
      const rng = Rng.fromSeed(10 * k + c);
      const K = rng.normal([k, k, c, c]) as tf.Tensor4D;
      const A = antisymmetricConvKernel(K);
      const x = rng.normal([batch, ...size, c]) as tf.Tensor4D;
      const Ax = conv(x, A);
      const Kx = conv(x, K);
      const KTx = convTranspose(x, K, { inputShape: size });
      const expected = tf.sub(Kx, KTx);
      // the kernel's operator is exactly K − Kᵀ built from the general adjoint
      expect(maxAbsDiff(Ax, expected)).toBeLessThanOrEqual(1e-5 * norm(Kx));
      // ⟨A x, x⟩ = 0 up to float32 round-off relative to ‖x‖²‖A‖
      const xNorm = norm(x);
      expect(Math.abs(inner(Ax, x))).toBeLessThanOrEqual(1e-5 * xNorm * xNorm * norm(A));
      if (k * k * c * c > 1) expect(norm(A)).toBeGreaterThan(0);
      tf.dispose([K, A, x, Ax, Kx, KTx, expected]);
    },
  );

  it('a symmetric kernel has zero antisymmetric part', async () => {
    await initBackend({ backend });
    const rng = Rng.fromSeed(5);
    const K = rng.normal([3, 3, 2, 2]) as tf.Tensor4D;
    // K + flip(swap(K)) is self-adjoint as a stride-1 'same' conv
    const S = tf.tidy(() => tf.add(K, tf.transpose(tf.reverse(K, [0, 1]), [0, 1, 3, 2])));
    const A = antisymmetricConvKernel(S as tf.Tensor4D);
    expect(norm(A)).toBe(0);
    tf.dispose([K, S, A]);
  });
});

describe('antisymmetric validation', () => {
  it('rejects non-square matrices and kernels that are not [k, k, c, c] with k odd', () => {
    const rect = tf.zeros([3, 4]) as tf.Tensor2D;
    const even = tf.zeros([2, 2, 1, 1]) as tf.Tensor4D;
    const channels = tf.zeros([3, 3, 1, 2]) as tf.Tensor4D;
    const ints = tf.zeros([3, 3], 'int32') as tf.Tensor2D;
    expect(() => antisymmetricDense(rect)).toThrow(
      'antisymmetricDense: W: expected a square matrix [d, d], got [3, 4]',
    );
    expect(() => antisymmetricDense(even as unknown as tf.Tensor2D)).toThrow(
      'antisymmetricDense: W: expected rank 2, got rank 4 with shape [2, 2, 1, 1]',
    );
    expect(() => antisymmetricDense(ints)).toThrow(DTypeError);
    expect(() => antisymmetricConvKernel(even)).toThrow(ShapeError);
    expect(() => antisymmetricConvKernel(channels)).toThrow(
      'antisymmetricConvKernel: K: expected [k, k, c, c] with k odd (a square odd kernel with as many output as input channels), got [3, 3, 1, 2]',
    );
    tf.dispose([rect, even, channels, ints]);
  });
});

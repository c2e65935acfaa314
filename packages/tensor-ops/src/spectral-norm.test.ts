import * as tf from '@tensorflow/tfjs-core';
import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { type ConvPadding, conv } from './conv-operator.js';
import { DTypeError, ShapeError, ValueError } from './errors.js';
import { Rng } from './rng.js';
import { convSpectralNorm, spectralNorm } from './spectral-norm.js';

function largestSingularValue(rows: number[][]): { first: number; second: number } {
  const values = new SingularValueDecomposition(new Matrix(rows), {
    computeLeftSingularVectors: false,
    computeRightSingularVectors: false,
    autoTranspose: true,
  }).diagonal;
  return { first: values[0]!, second: values[1] ?? 0 };
}

function norm(x: tf.Tensor): number {
  return tf.tidy(() => tf.norm(x).dataSync()[0] as number);
}

/** ‖A v − σ u‖ for a dense W. */
function residual(W: tf.Tensor2D, u: tf.Tensor1D, v: tf.Tensor1D, sigma: number): number {
  return tf.tidy(() => {
    const Wv = tf.squeeze(tf.matMul(W, tf.expandDims(v, 1)), [1]);
    return tf.norm(tf.sub(Wv, tf.mul(u, sigma))).dataSync()[0] as number;
  });
}

/** The explicit matrix of x ↦ conv(x, K) on [1, H, W, in], as rows K e_i (its transpose). */
function convMatrixRows(
  K: tf.Tensor4D,
  size: readonly [number, number],
  stride: number,
  padding: ConvPadding,
): number[][] {
  const cin = K.shape[2];
  const dim = size[0] * size[1] * cin;
  const rows = tf.tidy(() => {
    const basis = tf.reshape(tf.eye(dim), [dim, size[0], size[1], cin]) as tf.Tensor4D;
    const images = conv(basis, K, { stride, padding });
    return tf.reshape(images, [dim, -1]);
  });
  const out = rows.arraySync() as number[][];
  rows.dispose();
  return out;
}

describe.each(['cpu', 'wasm'] as const)('spectral norm on %s', (backend) => {
  it.each([
    [5, 3],
    [8, 8],
    [3, 10],
    [1, 4],
    [6, 1],
  ])('dense %i×%i matches the largest singular value of an SVD', async (m, n) => {
    await initBackend({ backend });
    const rng = Rng.fromSeed(100 * m + n);
    const W = rng.normal([m, n]) as tf.Tensor2D;
    const expected = largestSingularValue(W.arraySync()).first;
    const { sigma, u, v, iterations } = spectralNorm(W, { iterations: 1000, tolerance: 1e-9 });
    expect(Math.abs(sigma - expected)).toBeLessThan(1e-4 * expected);
    expect(u.shape).toEqual([m]);
    expect(v.shape).toEqual([n]);
    expect(norm(u)).toBeCloseTo(1, 5);
    expect(norm(v)).toBeCloseTo(1, 5);
    // singular vectors: W v = σ u
    expect(residual(W, u, v, sigma)).toBeLessThan(1e-3 * sigma);
    expect(iterations).toBeGreaterThanOrEqual(1);
    tf.dispose([W, u, v]);
  });

  it('a rank-one matrix a bᵀ has σ = ‖a‖‖b‖, found in two iterations', async () => {
    await initBackend({ backend });
    const rng = Rng.fromSeed(9);
    const a = rng.normal([6, 1]);
    const b = rng.normal([4, 1]);
    const W = tf.matMul(a, b, false, true) as tf.Tensor2D;
    const { sigma, u, v, iterations, converged } = spectralNorm(W);
    expect(Math.abs(sigma - norm(a) * norm(b))).toBeLessThan(1e-5 * sigma);
    expect(iterations).toBe(2);
    expect(converged).toBe(true);
    tf.dispose([a, b, W, u, v]);
  });

  it('a warm start from the previous u converges in fewer iterations', async () => {
    await initBackend({ backend });
    const rng = Rng.fromSeed(21);
    const W = rng.normal([12, 7]) as tf.Tensor2D;
    const noise = rng.normal([12, 7], { std: 1e-3 });
    const W2 = tf.add(W, noise) as tf.Tensor2D;
    const options = { iterations: 500, tolerance: 1e-6 };
    const first = spectralNorm(W, options);
    const cold = spectralNorm(W2, options);
    const warm = spectralNorm(W2, { ...options, u: first.u });
    expect(cold.converged && warm.converged).toBe(true);
    expect(cold.iterations).toBeGreaterThan(4);
    expect(warm.iterations).toBeLessThan(cold.iterations);
    expect(Math.abs(warm.sigma - cold.sigma)).toBeLessThan(1e-5 * cold.sigma);
    const again = spectralNorm(W, { ...options, u: first.u });
    expect(again.iterations).toBe(2); // the minimum: two estimates agree
    tf.dispose([W, noise, W2, first.u, first.v, cold.u, cold.v, warm.u, warm.v]);
    tf.dispose([again.u, again.v]);
  });

  it.each([
    { size: [5, 5], cin: 2, cout: 3, kernel: 3, stride: 1, padding: 'same' },
    { size: [5, 5], cin: 2, cout: 2, kernel: 3, stride: 2, padding: 'same' },
    { size: [5, 4], cin: 1, cout: 3, kernel: 3, stride: 1, padding: 'valid' },
    { size: [4, 5], cin: 2, cout: 1, kernel: 2, stride: 2, padding: 'valid' },
  ] as const)(
    'conv on $size×$cin, stride $stride, $padding matches the SVD of its matrix',
    async ({ size, cin, cout, kernel, stride, padding }) => {
      await initBackend({ backend });
      const rng = Rng.fromSeed(size[0] * 10 + cin + stride);
      const K = rng.normal([kernel, kernel, cin, cout]) as tf.Tensor4D;
      const { first } = largestSingularValue(convMatrixRows(K, size, stride, padding));
      const result = convSpectralNorm(K, {
        inputShape: size,
        stride,
        padding,
        iterations: 1000,
        tolerance: 1e-9,
      });
      expect(Math.abs(result.sigma - first)).toBeLessThan(1e-4 * first);
      expect(result.v.shape).toEqual([1, ...size, cin]);
      expect(norm(result.v)).toBeCloseTo(1, 5);
      expect(norm(result.u)).toBeCloseTo(1, 5);
      // K v = σ u
      const Kv = conv(result.v, K, { stride, padding });
      const r = tf.tidy(() => tf.norm(tf.sub(Kv, tf.mul(result.u, result.sigma))).dataSync()[0]);
      expect(r).toBeLessThan(1e-3 * result.sigma);
      tf.dispose([K, Kv, result.u, result.v]);
    },
  );

  it('a 1×1 conv has the norm of its channel matrix, whatever the image size', async () => {
    await initBackend({ backend });
    const rng = Rng.fromSeed(5);
    const C = rng.normal([3, 2]) as tf.Tensor2D;
    const expected = largestSingularValue(C.arraySync()).first;
    const K = tf.reshape(C, [1, 1, 3, 2]) as tf.Tensor4D;
    const result = convSpectralNorm(K, { inputShape: [4, 3], iterations: 500 });
    expect(Math.abs(result.sigma - expected)).toBeLessThan(1e-4 * expected);
    const warm = convSpectralNorm(K, { inputShape: [1, 4, 3, 3], x0: result.v, iterations: 500 });
    expect(warm.iterations).toBe(2);
    tf.dispose([C, K, result.u, result.v, warm.u, warm.v]);
  });

  it('leaves no tensors behind: the caller owns exactly u and v', async () => {
    await initBackend({ backend });
    const rng = Rng.fromSeed(1);
    const W = rng.normal([4, 3]) as tf.Tensor2D;
    const K = rng.normal([3, 3, 2, 2]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const dense = spectralNorm(W, { iterations: 20 });
    const convolution = convSpectralNorm(K, { inputShape: [4, 4], iterations: 20 });
    expect(tf.memory().numTensors).toBe(before + 4);
    const warm = spectralNorm(W, { u: dense.u, iterations: 5 });
    expect(tf.memory().numTensors).toBe(before + 6);
    tf.dispose([dense.u, dense.v, convolution.u, convolution.v, warm.u, warm.v]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([W, K]);
  });
});

describe('spectral norm validation', () => {
  it('rejects wrong shapes, dtypes, starting vectors and options', () => {
    const W = tf.ones([3, 2]) as tf.Tensor2D;
    const K = tf.ones([3, 3, 2, 1]) as tf.Tensor4D;
    const wrongU = tf.ones([2]) as tf.Tensor1D;
    const zeroU = tf.zeros([3]) as tf.Tensor1D;
    const ints = tf.ones([3, 2], 'int32') as tf.Tensor2D;
    const cube = tf.ones([2, 2, 2]);
    const x0 = tf.ones([1, 4, 4, 3]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    expect(() => spectralNorm(cube as tf.Tensor2D)).toThrow(
      'spectralNorm: W: expected rank 2, got rank 3 with shape [2, 2, 2]',
    );
    expect(() => spectralNorm(ints)).toThrow(DTypeError);
    expect(() => spectralNorm(W, { u: wrongU })).toThrow(
      'spectralNorm: u: expected shape [3], got [2]',
    );
    expect(() => spectralNorm(W, { u: zeroU })).toThrow(ValueError);
    expect(() => spectralNorm(W, { iterations: 0 })).toThrow(
      'spectralNorm: iterations: expected an integer >= 1, got 0',
    );
    expect(() => spectralNorm(W, { tolerance: -1 })).toThrow(ValueError);
    expect(() => convSpectralNorm(K, { inputShape: [4, 4, 3] })).toThrow(
      'convSpectralNorm: inputShape [4, 4, 3] has 3 channels but K [3, 3, 2, 1] takes 2',
    );
    expect(() => convSpectralNorm(K, { inputShape: [4, 4], x0 })).toThrow(
      'convSpectralNorm: x0: expected shape [1, 4, 4, 2], got [1, 4, 4, 3]',
    );
    expect(() => convSpectralNorm(K, { inputShape: [2, 2], padding: 'valid' })).toThrow(ShapeError);
    expect(() => convSpectralNorm(K, { inputShape: [4, 4], stride: 0 })).toThrow(ValueError);
    expect(() => convSpectralNorm(K, {} as { inputShape: number[] })).toThrow(ValueError);
    expect(() => convSpectralNorm(cube as tf.Tensor4D, { inputShape: [4, 4] })).toThrow(
      'convSpectralNorm: K: expected rank 4, got rank 3 with shape [2, 2, 2]',
    );
    // failed validation allocates nothing
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([W, K, wrongU, zeroU, ints, cube, x0]);
  });

  it('a zero matrix has σ = 0', () => {
    const W = tf.zeros([3, 3]) as tf.Tensor2D;
    const { sigma, u, v } = spectralNorm(W);
    expect(sigma).toBe(0);
    tf.dispose([W, u, v]);
  });
});

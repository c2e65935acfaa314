import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { antisymmetricConvKernel, antisymmetricDense } from './antisymmetric.js';
import { initBackend } from './backend.js';
import { conv, convTranspose } from './conv-operator.js';
import { NumericalError, RungeError } from './errors.js';
import { Rng } from './rng.js';
import { convSpectralNorm, spectralNorm } from './spectral-norm.js';
import { coefficientsToKernel, kernelToCoefficients } from './stencils.js';

/**
 * Runs `op`, checks that exactly the tensors it returns were added, disposes them and checks
 * that the count is back where it started.
 */
function expectOnlyOutputs(op: () => tf.Tensor | readonly tf.Tensor[]): void {
  const before = tf.memory().numTensors;
  const out = op();
  const outputs = Array.isArray(out) ? out : [out as tf.Tensor];
  expect(tf.memory().numTensors).toBe(before + outputs.length);
  tf.dispose(outputs);
  expect(tf.memory().numTensors).toBe(before);
}

function expectThrowsWithoutLeak(op: () => unknown): void {
  const before = tf.memory().numTensors;
  expect(op).toThrow(RungeError);
  expect(tf.memory().numTensors).toBe(before);
}

describe.each(['cpu', 'wasm'] as const)(
  'numerical building blocks on %s are leak-free',
  (backend) => {
    it('each public op adds exactly its outputs, also under repetition', async () => {
      await initBackend({ backend });
      const rng = Rng.fromSeed(0);
      const x = rng.normal([2, 5, 5, 2]) as tf.Tensor4D;
      const K = rng.normal([3, 3, 2, 2]) as tf.Tensor4D;
      const W = rng.normal([4, 4]) as tf.Tensor2D;
      for (let repeat = 0; repeat < 2; repeat++) {
        expectOnlyOutputs(() => conv(x, K, { stride: 2 }));
        expectOnlyOutputs(() => convTranspose(x, K, { inputShape: [5, 5] }));
        expectOnlyOutputs(() => antisymmetricDense(W));
        expectOnlyOutputs(() => antisymmetricConvKernel(K));
        expectOnlyOutputs(() => kernelToCoefficients(K, 0.5));
        expectOnlyOutputs(() => coefficientsToKernel(K, 0.5));
        expectOnlyOutputs(() => {
          const { u, v } = spectralNorm(W, { iterations: 10 });
          return [u, v];
        });
        expectOnlyOutputs(() => {
          const { u, v } = convSpectralNorm(K, { inputShape: [5, 5], stride: 2, iterations: 10 });
          return [u, v];
        });
      }
      tf.dispose([x, K, W]);
    });

    it('failing calls allocate nothing', async () => {
      await initBackend({ backend });
      const x = tf.zeros([1, 5, 5, 2]) as tf.Tensor4D;
      const K = tf.zeros([3, 3, 2, 3]) as tf.Tensor4D;
      const W = tf.zeros([3, 2]) as tf.Tensor2D;
      const bad = tf.tensor2d([1, Number.NaN, 0, 1], [2, 2]);
      expectThrowsWithoutLeak(() => convTranspose(x, K, { inputShape: [5, 5] }));
      expectThrowsWithoutLeak(() => conv(x, K, { padding: -1 }));
      expectThrowsWithoutLeak(() => antisymmetricDense(W));
      expectThrowsWithoutLeak(() => antisymmetricConvKernel(K));
      expectThrowsWithoutLeak(() => kernelToCoefficients(K, 0));
      expectThrowsWithoutLeak(() => convSpectralNorm(K, { inputShape: [2, 2], padding: 'valid' }));
      // a non-finite matrix is detected inside the iteration, which must clean up after itself
      const before = tf.memory().numTensors;
      expect(() => spectralNorm(bad)).toThrow(NumericalError);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, K, W, bad]);
    });
  },
);

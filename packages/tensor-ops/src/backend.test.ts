import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { getBackendInfo, initBackend } from './backend.js';
import { BackendError, ValueError } from './errors.js';
import { hasGradients } from './gradients.js';

describe('backend selection', () => {
  it("fails 'tensorflow' with install instructions when no tfjs-node package is installed", async () => {
    const attempt = initBackend({ backend: 'tensorflow' });
    await expect(attempt).rejects.toBeInstanceOf(BackendError);
    await expect(initBackend({ backend: 'tensorflow' })).rejects.toThrow(
      /npm install @tensorflow\/tfjs-node/,
    );
    await expect(initBackend({ backend: 'tensorflow' })).rejects.toThrow(
      /@tensorflow\/tfjs-node-gpu is not installed/,
    );
  });

  it("picks the embedded wasm backend for 'auto' when no native package is usable", async () => {
    // A missing binary stands for a failed or skipped build of @runge/native.
    process.env.RUNGE_NATIVE_ADDON = '/nonexistent/runge_native.node';
    try {
      const info = await initBackend({ backend: 'auto' });
      expect(info.backend).toBe('wasm');
      expect(info.requested).toBe('auto');
      expect(tf.getBackend()).toBe('wasm');
      expect(info.notes).toContain('@tensorflow/tfjs-node is not installed');
      expect(info.notes.join('\n')).toMatch(/native kernels are not built/);
      expect(getBackendInfo()).toEqual(info);
    } finally {
      delete process.env.RUNGE_NATIVE_ADDON;
    }
  });

  it("fails 'native' without the compiled kernels, saying how to build them", async () => {
    process.env.RUNGE_NATIVE_ADDON = '/nonexistent/runge_native.node';
    try {
      const attempt = initBackend({ backend: 'native' });
      await expect(attempt).rejects.toBeInstanceOf(BackendError);
      await expect(initBackend({ backend: 'native' })).rejects.toThrow(
        /backend 'native' needs Runge's compiled kernels.*not built.*pnpm --filter @runge\/native build:native/s,
      );
    } finally {
      delete process.env.RUNGE_NATIVE_ADDON;
    }
  });

  it("picks the compiled kernels for 'auto' and 'native' when @runge/native is built", async () => {
    const auto = await initBackend({ backend: 'auto', threads: 2 });
    expect(auto.backend).toBe('native');
    expect(auto.package).toBe('@runge/native');
    expect(auto.threads).toBe(2);
    const info = await initBackend({ backend: 'native', threads: 1 });
    expect(info).toMatchObject({ backend: 'native', requested: 'native', threads: 1 });
    expect(tf.getBackend()).toBe('native');
    // d/dx Σ (x ∗ k)² for a 1×1 kernel k = 2: 2·(2x)·2 = 8x.
    const x = tf.tensor4d([1, -2, 3, 0.5], [1, 2, 2, 1]);
    const k = tf.tensor4d([2], [1, 1, 1, 1]);
    const g = tf.grad((v: tf.Tensor) =>
      tf.sum(tf.square(tf.conv2d(v as tf.Tensor4D, k, 1, 'same'))),
    )(x);
    expect(Array.from(g.dataSync())).toEqual([8, -16, 24, 4]);
    tf.dispose([x, k, g]);
  });

  it('switches to cpu and registers gradients whatever the backend', async () => {
    const info = await initBackend({ backend: 'cpu' });
    expect(info.backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(hasGradients()).toBe(true);
    const x = tf.tensor([3]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(v, v)))(x);
    expect(g.dataSync()[0]).toBe(6);
    tf.dispose([x, g]);
  });

  it('rejects unknown backends and bad thread counts', async () => {
    await expect(initBackend({ backend: 'webgpu' as never })).rejects.toBeInstanceOf(ValueError);
    await expect(initBackend({ backend: 'webgpu' as never })).rejects.toThrow(
      /expected one of 'auto', 'wasm', 'native', 'cpu', 'tensorflow'/,
    );
    await expect(initBackend({ backend: 'wasm', threads: 0 })).rejects.toThrow(
      /threads: expected an integer >= 1/,
    );
  });
});

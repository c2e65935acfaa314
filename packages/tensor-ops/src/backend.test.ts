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

  it("picks the embedded wasm backend for 'auto' when no native package is installed", async () => {
    const info = await initBackend({ backend: 'auto' });
    expect(info.backend).toBe('wasm');
    expect(info.requested).toBe('auto');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.notes).toContain('@tensorflow/tfjs-node is not installed');
    expect(getBackendInfo()).toEqual(info);
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
      /expected one of 'auto', 'wasm', 'cpu', 'tensorflow'/,
    );
    await expect(initBackend({ backend: 'wasm', threads: 0 })).rejects.toThrow(
      /threads: expected an integer >= 1/,
    );
  });
});

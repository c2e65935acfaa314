// Loading the addon: the built one works, a missing one is reported with how to build it, and
// the kernels reject inconsistent sizes with a clear error.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  loadNativeAddon,
  NATIVE_BACKEND_NAME,
  NATIVE_BUILD_COMMAND,
  NATIVE_KERNELS,
  registerNativeBackend,
} from './index.js';

describe('the native addon', () => {
  it('is built (CI builds it at install; if this fails, run the build command)', () => {
    const status = loadNativeAddon();
    if (!status.ok) throw new Error(status.reason);
    expect(status.addon.info().threads).toBeGreaterThanOrEqual(1);
  });

  it('reports a missing binary as not built, with the command that builds it', () => {
    const status = loadNativeAddon('/nonexistent/runge_native.node');
    expect(status.ok).toBe(false);
    if (!status.ok) {
      expect(status.reason).toContain('not built');
      expect(status.reason).toContain(NATIVE_BUILD_COMMAND);
    }
  });

  it('reports a file that is not an addon as failing to load', () => {
    const file = join(tmpdir(), `runge-not-an-addon-${process.pid}.node`);
    writeFileSync(file, 'not a shared object');
    const status = loadNativeAddon(file);
    expect(status.ok).toBe(false);
    if (!status.ok) expect(status.reason).toContain('failed to load');
  });

  it('sets its threads, microkernel and AVX-512 tiles', () => {
    const info = registerNativeBackend({ threads: 2 });
    expect(info.threads).toBe(2);
    expect(info.simd).toBe(info.cpuHasAvx2Fma ? 'avx2' : 'scalar');
    expect(info.avx512).toBe(info.cpuHasAvx2Fma && info.cpuHasAvx512);
    const scalar = registerNativeBackend({ threads: 1, simd: false });
    expect(scalar.simd).toBe('scalar');
    expect(scalar.avx512).toBe(false);
    expect(registerNativeBackend({ threads: 1, avx512: false }).avx512).toBe(false);
    registerNativeBackend({ threads: 1 });
    expect(() => registerNativeBackend({ threads: 0 })).toThrow(/threads must be an integer/);
  });

  it('rejects buffers whose length does not match the sizes', () => {
    const status = loadNativeAddon();
    if (!status.ok) throw new Error(status.reason);
    const sizes = Int32Array.from([1, 3, 3, 1, 3, 3, 1, 1, 1, 1, 1, 3, 3]);
    expect(() =>
      status.addon.conv2d(
        new Float32Array(8),
        new Float32Array(9),
        null,
        new Float32Array(9),
        sizes,
        0,
      ),
    ).toThrow(/x holds 8 values where its shape needs 9/);
    expect(() =>
      status.addon.matMul(
        new Float32Array(6),
        new Float32Array(6),
        new Float32Array(3),
        Int32Array.from([1, 1, 2, 2, 3, 0, 0]),
      ),
    ).toThrow(/out holds 3 values where its shape needs 4/);
  });

  it('replaces real cpu kernels: each native kernel name is one TF.js knows', () => {
    registerNativeBackend({ threads: 1 });
    expect(NATIVE_KERNELS.length).toBeGreaterThanOrEqual(14);
    for (const name of NATIVE_KERNELS) {
      const cpu = tf.getKernel(name, 'cpu');
      const native = tf.getKernel(name, NATIVE_BACKEND_NAME);
      expect(cpu, `${name} is a cpu kernel`).toBeDefined();
      expect(native?.kernelFunc, `${name} is replaced on native`).not.toBe(cpu?.kernelFunc);
    }
    // kernels that share storage by reference count are the cpu backend's own on native
    const reshape = tf.getKernel('Reshape', NATIVE_BACKEND_NAME);
    expect(reshape?.kernelFunc).toBe(tf.getKernel('Reshape', 'cpu')?.kernelFunc);
  });
});

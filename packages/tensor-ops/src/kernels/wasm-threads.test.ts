import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectWasmMatchesCpu } from '../../test/compare-backends.js';
import { initBackend } from '../backend.js';
import { Rng } from '../rng.js';

// Runs in its own process (vitest forks per file): the first wasm initialisation asks for threads.
describe('multi-threaded wasm under Node', () => {
  it('starts the threaded build with the requested threads and cleans up its start-up files', async () => {
    const startupDirs = (): string[] =>
      readdirSync(tmpdir()).filter((f) => f.startsWith('runge-wasm-threads-'));
    const before = new Set(startupDirs());
    const info = await initBackend({ backend: 'wasm', threads: 2 });
    expect(info.backend).toBe('wasm');
    expect(info.threads).toBe(2);
    expect(info.simd).toBe(true);
    expect(startupDirs().filter((d) => !before.has(d))).toEqual([]);
  });

  it('computes a product and conv gradients as on cpu', async () => {
    await expectWasmMatchesCpu(() => {
      const rng = Rng.fromSeed(8);
      const a = rng.normal([96, 80]);
      const b = rng.normal([80, 72]);
      const x = rng.normal([4, 12, 12, 8]) as tf.Tensor4D;
      const w = rng.normal([3, 3, 8, 8]) as tf.Tensor4D;
      const [dx, dw] = tf.grads((u: tf.Tensor, v: tf.Tensor) =>
        tf.sum(tf.square(tf.conv2d(u as tf.Tensor4D, v as tf.Tensor4D, 1, 'same'))),
      )([x, w]);
      return [tf.matMul(a, b), dx as tf.Tensor, dw as tf.Tensor];
    });
  });

  it('keeps the thread pool of the first initialisation and says so', async () => {
    const info = await initBackend({ backend: 'wasm', threads: 1 });
    expect(info.threads).toBe(2);
    expect(info.notes.join(' ')).toMatch(
      /already initialised with 2 thread\(s\), so threads: 1 has no effect/,
    );
    const same = await initBackend({ backend: 'wasm', threads: 2 });
    expect(same.notes).toEqual([]);
  });
});

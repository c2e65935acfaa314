// The addon's thread pool: the same results whether idle threads poll for the next call or sleep, and no lost wake-ups.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireNative, values } from '../test/compare.js';
import type { NativeBackend } from './index.js';

beforeAll(async () => {
  requireNative(1);
  await tf.setBackend('native');
});

afterAll(async () => {
  const addon = (tf.backend() as NativeBackend).addon;
  addon.setSpin?.(200);
  requireNative(1);
  await tf.setBackend('cpu');
});

/** A convolution whose every output value is computed by one task (so exact across threads). */
function convolve(x: tf.Tensor4D, K: tf.Tensor4D): Float32Array {
  const y = tf.conv2d(x, K, 1, 'same');
  const out = Float32Array.from(y.dataSync());
  y.dispose();
  return out;
}

describe('the native thread pool', () => {
  it("gives one thread's values on 2 and 3 threads, polling (200 µs, 0.1 s) or sleeping (0), over many calls", () => {
    const addon = (tf.backend() as NativeBackend).addon;
    const x = tf.tensor4d(values(6 * 9 * 11 * 16, 1), [6, 9, 11, 16]);
    const K = tf.tensor4d(values(3 * 3 * 16 * 16, 2), [3, 3, 16, 16]);
    requireNative(1);
    const reference = convolve(x, K);
    for (const threads of [2, 3]) {
      for (const spin of [0, 200, 100_000]) {
        requireNative(threads);
        expect(addon.setSpin?.(spin)).toBe(spin);
        // Calls in quick succession (workers still polling) and after pauses (asleep).
        for (let call = 0; call < 60; call++) {
          const got = convolve(x, K);
          if (call % 20 === 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
          expect(got).toEqual(reference);
        }
      }
      // The next thread count replaces the pool while its workers poll (0.1 s): must not hang.
    }
    requireNative(1);
    tf.dispose([x, K]);
  });

  it('refuses a polling time outside 0 to 10⁶ µs', () => {
    const addon = (tf.backend() as NativeBackend).addon;
    expect(() => addon.setSpin?.(-1)).toThrow(/between 0 and 1000000/);
    expect(() => addon.setSpin?.(Number.NaN)).toThrow(/between 0 and 1000000/);
    expect(addon.setSpin?.(200)).toBe(200);
  });
});

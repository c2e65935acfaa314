// The native backend recycles the arrays of disposed tensors it computed, but never one that a
// reader holds or a cpu kernel may view.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireNative } from '../test/compare.js';

beforeAll(async () => {
  requireNative(1);
  await tf.setBackend('native');
});

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('the native backend reuses output memory safely', () => {
  it('recycles the array of a disposed result for the next result of that size', () => {
    const x = tf.tensor1d([1, 2, 3, 4]);
    const a = tf.relu(x);
    const first = (
      tf.backend() as unknown as { data: { get(id: object): { values: unknown } } }
    ).data.get(a.dataId).values;
    a.dispose();
    const b = tf.relu(x);
    const second = (
      tf.backend() as unknown as { data: { get(id: object): { values: unknown } } }
    ).data.get(b.dataId).values;
    expect(second).toBe(first);
    expect(Array.from(b.dataSync())).toEqual([1, 2, 3, 4]);
    tf.dispose([x, b]);
  });

  it('never overwrites values a reader holds after disposing the tensor', () => {
    const x = tf.tensor1d([1, -2, 3, -4]);
    const a = tf.relu(x);
    const held = a.dataSync();
    a.dispose();
    const b = tf.tidy(() => tf.relu(tf.neg(x)));
    expect(Array.from(held)).toEqual([1, 0, 3, 0]);
    tf.dispose([x, b]);
  });

  it('never overwrites a slice (a view) of a disposed result', () => {
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
    const a = tf.mul(x, 2);
    const s = tf.slice(a, [1, 0], [1, 2]);
    a.dispose();
    const others = [tf.mul(x, 10), tf.mul(x, 100)];
    expect(Array.from(s.dataSync())).toEqual([6, 8]);
    tf.dispose([x, s, ...others]);
  });
});

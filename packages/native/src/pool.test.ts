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

/** The arrays holding the tensors' values on the native backend. */
function arrays(ts: tf.Tensor[]): unknown[] {
  const backend = tf.backend() as unknown as { data: { get(id: object): { values: unknown } } };
  return ts.map((t) => backend.data.get(t.dataId).values);
}

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

  it('keeps a working set larger than 256 MiB for reuse', () => {
    // Four live results of 72 MiB (288 MiB) are disposed together; all four arrays come back for
    // the next four results of that size, so a large training step allocates nothing new.
    const length = 18 * 1024 * 1024;
    const x = tf.fill([length], 1.5);
    const first = [0, 1, 2, 3].map(() => tf.relu(x));
    const before = arrays(first);
    tf.dispose(first);
    const second = [0, 1, 2, 3].map(() => tf.relu(x));
    const after = arrays(second);
    // (identity checks as booleans: printing a 72 MiB array on failure would take minutes)
    expect(after.every((a) => before.includes(a))).toBe(true);
    expect(new Set(after).size).toBe(4);
    expect(second[3]?.dataSync()[length - 1]).toBe(1.5);
    tf.dispose([x, ...second]);
  });

  it('makes room for a new size by dropping the least recently used one', () => {
    // 4 results of 72 MiB fill the pool; then 4 of 96 MiB are live at once (384 MiB, so the pool
    // may hold 1.25 × 384 = 480 MiB) and disposed. Without eviction only two of them fit next to
    // the 288 MiB of the old size; dropping old arrays keeps all four for the next four results.
    const old = tf.fill([18 * 1024 * 1024], 0.5);
    tf.dispose([0, 1, 2, 3].map(() => tf.relu(old)));
    old.dispose();
    const x = tf.fill([24 * 1024 * 1024], 2.5);
    const first = [0, 1, 2, 3].map(() => tf.relu(x));
    const before = arrays(first);
    tf.dispose(first);
    const second = [0, 1, 2, 3].map(() => tf.relu(x));
    const after = arrays(second);
    expect(after.filter((a) => before.includes(a)).length).toBe(4);
    expect(second[2]?.dataSync()[5]).toBe(2.5);
    tf.dispose([x, ...second]);
  });
});

import { Rng, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { batches, numBatches } from './batches.js';
import { createDataset, type Dataset, disposeDataset } from './dataset.js';

/** x[i] = [i, 10 i], y[i] = i: every example names itself. */
function indexDataset(n: number): Dataset {
  const x = tf.tensor2d(Array.from({ length: n }, (_, i) => [i, 10 * i]));
  const y = tf.tensor1d(
    Array.from({ length: n }, (_, i) => i),
    'int32',
  );
  return createDataset({ x, y, numClasses: n, name: 'index' });
}

describe('batches', () => {
  it('visits every example once, in order, with a short last batch', () => {
    const ds = indexDataset(10);
    const seen: number[] = [];
    const sizes: number[] = [];
    for (const batch of batches(ds, { batchSize: 4 })) {
      const xs = batch.x.arraySync() as number[][];
      const ys = Array.from(batch.y.dataSync());
      xs.forEach((row, i) => {
        expect(row).toEqual([ys[i], 10 * (ys[i] as number)]);
      });
      seen.push(...ys);
      sizes.push(batch.size);
      expect(batch.index).toBe(sizes.length - 1);
    }
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(sizes).toEqual([4, 4, 2]);
    expect(numBatches(ds, { batchSize: 4 })).toBe(3);
    disposeDataset(ds);
  });

  it('drops the short last batch with dropLast', () => {
    const ds = indexDataset(10);
    const sizes = [...batches(ds, { batchSize: 4, dropLast: true })].map((b) => b.size);
    expect(sizes).toEqual([4, 4]);
    expect(numBatches(10, { batchSize: 4, dropLast: true })).toBe(2);
    disposeDataset(ds);
  });

  it('shuffles as a permutation drawn from the rng: same seed, same order; x and y stay paired', () => {
    const ds = indexDataset(23);
    const order = (seed: number): number[] => {
      const out: number[] = [];
      for (const b of batches(ds, { batchSize: 5, shuffle: true, rng: Rng.fromSeed(seed) })) {
        const xs = b.x.arraySync() as number[][];
        const ys = Array.from(b.y.dataSync());
        xs.forEach((row, i) => {
          expect(row[0]).toBe(ys[i]);
        });
        out.push(...ys);
      }
      return out;
    };
    const a = order(11);
    expect(a).toEqual(Array.from(Rng.fromSeed(11).permutation(23)));
    expect(order(11)).toEqual(a);
    expect(order(12)).not.toEqual(a);
    expect([...a].sort((p, q) => p - q)).toEqual(Array.from({ length: 23 }, (_, i) => i));
    disposeDataset(ds);
  });

  it('leaks nothing over a full epoch, an early break, or a thrown error', () => {
    const ds = indexDataset(17);
    const before = tf.memory().numTensors;
    for (const b of batches(ds, { batchSize: 3, shuffle: true, rng: Rng.fromSeed(1) })) {
      // While a batch is current, exactly its two tensors exist beyond the dataset.
      expect(tf.memory().numTensors).toBe(before + 2);
      expect(b.x.isDisposed).toBe(false);
    }
    expect(tf.memory().numTensors).toBe(before);
    let kept: tf.Tensor | undefined;
    for (const b of batches(ds, { batchSize: 3 })) {
      kept = b.x;
      break;
    }
    expect(kept?.isDisposed).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => {
      for (const _ of batches(ds, { batchSize: 3 })) throw new Error('stop');
    }).toThrow('stop');
    expect(tf.memory().numTensors).toBe(before);
    disposeDataset(ds);
  });

  it('keeps the current batch alive through a tf.tidy in the loop body', () => {
    const ds = indexDataset(6);
    for (const b of batches(ds, { batchSize: 2 })) {
      const s = tf.tidy(() => tf.sum(b.x).dataSync()[0] as number);
      expect(b.x.isDisposed).toBe(false);
      expect(s).toBeGreaterThanOrEqual(0);
    }
    disposeDataset(ds);
  });

  it('works across await in an async loop', async () => {
    const ds = indexDataset(9);
    let total = 0;
    for (const b of batches(ds, { batchSize: 4 })) {
      const values = await b.y.data();
      total += Array.from(values as Int32Array).reduce((s, v) => s + v, 0);
    }
    expect(total).toBe(36);
    disposeDataset(ds);
  });

  it('validates options when called, before the first batch', () => {
    const ds = indexDataset(4);
    expect(() => batches(ds, { batchSize: 0 })).toThrow(ValueError);
    expect(() => batches(ds, { batchSize: 2.5 })).toThrow(ValueError);
    expect(() => batches(ds, { batchSize: 2, shuffle: true })).toThrow(/no rng/);
    disposeDataset(ds);
  });
});

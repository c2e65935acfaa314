import { Rng, restrict, ShapeError, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createDataset, disposeDataset } from './dataset.js';
import { pyramid } from './pyramid.js';

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number);
}

describe('pyramid', () => {
  it('restricts level by level: 28 → 14 → 7, equal to restrict on the whole set, chunking invisible', () => {
    const rng = Rng.fromSeed(8);
    const ds = createDataset({
      x: rng.uniform([11, 28, 28, 2]),
      y: tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1], 'int32'),
      numClasses: 3,
      name: 'imgs',
    });
    // batchSize 4 does not divide 11, so the last chunk is partial.
    const levels = pyramid(ds, 3, { batchSize: 4 });
    expect(levels.map((l) => l.x.shape)).toEqual([
      [11, 28, 28, 2],
      [11, 14, 14, 2],
      [11, 7, 7, 2],
    ]);
    expect(levels.map((l) => l.name)).toEqual(['imgs', 'imgs@14x14', 'imgs@7x7']);
    const r1 = restrict(ds.x as tf.Tensor4D);
    const r2 = restrict(r1);
    expect(maxAbsDiff(levels[0]!.x, ds.x)).toBe(0);
    expect(maxAbsDiff(levels[1]!.x, r1)).toBeLessThan(1e-6);
    expect(maxAbsDiff(levels[2]!.x, r2)).toBeLessThan(1e-6);
    for (const level of levels) {
      expect(Array.from(level.y.dataSync())).toEqual(Array.from(ds.y.dataSync()));
      expect(level.numClasses).toBe(3);
    }
    tf.dispose([r1, r2]);
    disposeDataset(ds);
    // Every level owns its tensors: still readable after the source is gone.
    expect(levels[1]!.x.dataSync().length).toBe(11 * 14 * 14 * 2);
    levels.forEach(disposeDataset);
  });

  it('reaches a 1×1 grid and no further; needs images', () => {
    const ds = createDataset({ x: tf.ones([2, 5, 3, 1]), y: tf.zeros([2, 1]), name: 'small' });
    const levels = pyramid(ds, 4); // 5×3 → 3×2 → 2×1 → 1×1
    expect(levels.map((l) => l.x.shape.slice(1, 3))).toEqual([
      [5, 3],
      [3, 2],
      [2, 1],
      [1, 1],
    ]);
    levels.forEach(disposeDataset);
    expect(() => pyramid(ds, 5)).toThrow(ValueError);
    expect(() => pyramid(ds, 0)).toThrow(ValueError);
    const flat = createDataset({ x: tf.ones([2, 4]), y: tf.zeros([2, 1]), name: 'flat' });
    expect(() => pyramid(flat, 2)).toThrow(ShapeError);
    disposeDataset(flat);
    disposeDataset(ds);
  });
});

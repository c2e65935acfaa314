import { Rng, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createDataset, disposeDataset } from './dataset.js';
import { shuffle } from './shuffle.js';
import { subset } from './subset.js';
import { trainValidationSplit } from './train-validation-split.js';

function labelled(n: number) {
  return createDataset({
    x: tf.tensor2d(Array.from({ length: n }, (_, i) => [i, 100 - i])),
    y: tf.tensor1d(
      Array.from({ length: n }, (_, i) => i % 3),
      'int32',
    ),
    numClasses: 3,
    name: 'toy',
  });
}

describe('subset / shuffle / trainValidationSplit', () => {
  it('subset gathers rows in the given order and keeps numClasses', () => {
    const ds = labelled(6);
    const s = subset(ds, [5, 0, 5]);
    expect(s.x.arraySync()).toEqual([
      [5, 95],
      [0, 100],
      [5, 95],
    ]);
    expect(Array.from(s.y.dataSync())).toEqual([2, 0, 2]);
    expect(s.numClasses).toBe(3);
    expect(s.size).toBe(3);
    expect(() => subset(ds, [6])).toThrow(ValueError);
    expect(() => subset(ds, [1.5])).toThrow(ValueError);
    disposeDataset(s);
    disposeDataset(ds);
  });

  it('derived datasets are independent of their source', () => {
    const ds = labelled(4);
    const s = subset(ds, [1, 2]);
    disposeDataset(ds);
    expect(Array.from(s.y.dataSync())).toEqual([1, 2]);
    disposeDataset(s);
  });

  it('shuffle applies rng.permutation', () => {
    const ds = labelled(9);
    const sh = shuffle(ds, Rng.fromSeed(5));
    const perm = Array.from(Rng.fromSeed(5).permutation(9));
    expect((sh.x.arraySync() as number[][]).map((r) => r[0])).toEqual(perm);
    disposeDataset(sh);
    disposeDataset(ds);
  });

  it('trainValidationSplit partitions the examples: disjoint, complete, sized round(f·n)', () => {
    const ds = labelled(50);
    const { train, validation } = trainValidationSplit(ds, 0.2, Rng.fromSeed(9));
    expect(validation.size).toBe(10);
    expect(train.size).toBe(40);
    expect(train.name).toBe('toy/train');
    expect(validation.name).toBe('toy/validation');
    const ids = [
      ...(train.x.arraySync() as number[][]).map((r) => r[0]),
      ...(validation.x.arraySync() as number[][]).map((r) => r[0]),
    ];
    expect([...ids].sort((a, b) => (a as number) - (b as number))).toEqual(
      Array.from({ length: 50 }, (_, i) => i),
    );
    disposeDataset(train);
    disposeDataset(validation);
    disposeDataset(ds);
  });

  it('trainValidationSplit refuses fractions that leave a part empty', () => {
    const ds = labelled(3);
    expect(() => trainValidationSplit(ds, 0, Rng.fromSeed(1))).toThrow(ValueError);
    expect(() => trainValidationSplit(ds, 1, Rng.fromSeed(1))).toThrow(ValueError);
    expect(() => trainValidationSplit(ds, 0.1, Rng.fromSeed(1))).toThrow(/both must be at least 1/);
    disposeDataset(ds);
  });
});

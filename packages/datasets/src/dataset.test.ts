import { DTypeError, ShapeError, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createDataset, disposeDataset } from './dataset.js';

describe('createDataset / disposeDataset', () => {
  it('builds a classification dataset and releases both tensors', () => {
    const before = tf.memory().numTensors;
    const ds = createDataset({
      x: tf.zeros([4, 2]),
      y: tf.tensor1d([0, 1, 2, 1], 'int32'),
      numClasses: 3,
      name: 'toy',
    });
    expect(ds.size).toBe(4);
    expect(ds.numClasses).toBe(3);
    expect(ds.name).toBe('toy');
    expect(tf.memory().numTensors).toBe(before + 2);
    disposeDataset(ds);
    disposeDataset(ds);
    expect(tf.memory().numTensors).toBe(before);
    expect(ds.x.isDisposed && ds.y.isDisposed).toBe(true);
  });

  it('builds a regression dataset without numClasses', () => {
    const ds = createDataset({ x: tf.zeros([3, 5]), y: tf.zeros([3, 2]), name: 'reg' });
    expect(ds.numClasses).toBeUndefined();
    expect('numClasses' in ds).toBe(false);
    disposeDataset(ds);
  });

  it('rejects mismatched first dimensions, non-int32 labels, labels of rank 2, bad numClasses', () => {
    const x = tf.zeros([3, 2]);
    const y2 = tf.zeros([2], 'int32');
    const yf = tf.zeros([3]);
    const yr = tf.zeros([3, 1], 'int32');
    const y = tf.zeros([3], 'int32');
    expect(() => createDataset({ x, y: y2, name: 'a' })).toThrow(ShapeError);
    expect(() => createDataset({ x, y: y2, name: 'a' })).toThrow(/same first dimension/);
    expect(() => createDataset({ x, y: yf, numClasses: 2, name: 'a' })).toThrow(DTypeError);
    expect(() => createDataset({ x, y: yr, numClasses: 2, name: 'a' })).toThrow(ShapeError);
    expect(() => createDataset({ x, y, numClasses: 0, name: 'a' })).toThrow(ValueError);
    tf.dispose([x, y2, yf, yr, y]);
  });
});

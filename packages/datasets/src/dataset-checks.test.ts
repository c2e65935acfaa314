// createDataset refuses what would train silently into nonsense: labels out of range, NaN or infinite values.
import { DataError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createDataset } from './dataset.js';

function refusal(parts: Parameters<typeof createDataset>[0]): Error {
  try {
    createDataset(parts);
  } catch (e) {
    return e as Error;
  } finally {
    tf.dispose([parts.x, parts.y]);
  }
  throw new Error('expected createDataset to refuse');
}

describe('createDataset checks its data', () => {
  it('a label at or above numClasses, or negative, names the example and the range', () => {
    const e = refusal({
      x: tf.zeros([4, 2]),
      y: tf.tensor1d([0, 2, 9, 1], 'int32'),
      numClasses: 3,
      name: 'toy',
    });
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toBe(
      'toy: label 9 of example 2 is out of range; with 3 classes labels must lie in 0 … 2',
    );
    expect(
      refusal({ x: tf.zeros([2, 1]), y: tf.tensor1d([-1, 0], 'int32'), numClasses: 2, name: 't' })
        .message,
    ).toMatch(/label -1 of example 0/);
  });

  it('a NaN target or an infinite input names the example', () => {
    expect(
      refusal({ x: tf.zeros([3, 2]), y: tf.tensor2d([[1], [Number.NaN], [2]]), name: 'r' }).message,
    ).toBe(
      'r: target of example 1 is NaN; every value must be finite (clean or drop that example)',
    );
    const x = tf.tensor2d([
      [0, 1],
      [2, 3],
      [4, Number.POSITIVE_INFINITY],
    ]);
    expect(
      refusal({ x, y: tf.tensor1d([0, 1, 0], 'int32'), numClasses: 2, name: 'c' }).message,
    ).toMatch(/^c: input of example 2 is Infinity/);
  });

  it('accepts labels exactly in range and finite values', () => {
    const ds = createDataset({
      x: tf.ones([2, 2]),
      y: tf.tensor1d([0, 2], 'int32'),
      numClasses: 3,
      name: 'ok',
    });
    expect(ds.size).toBe(2);
    tf.dispose([ds.x, ds.y]);
  });
});

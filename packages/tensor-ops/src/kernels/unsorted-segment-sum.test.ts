import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectWasmMatchesCpu, valuesOn } from '../../test/compare-backends.js';
import { initBackend } from '../backend.js';
import { Rng } from '../rng.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('UnsortedSegmentSum on wasm', () => {
  it('sums rows by segment and drops ids outside [0, numSegments)', async () => {
    const [sums] = await valuesOn('wasm', () =>
      tf.unsortedSegmentSum(
        tf.tensor2d([
          [1, 2],
          [3, 4],
          [5, 6],
          [7, 8],
          [9, 10],
        ]),
        tf.tensor1d([2, 0, 2, -1, 3], 'int32'),
        3,
      ),
    );
    expect(Array.from(sums as Float32Array)).toEqual([3, 4, 0, 0, 6, 8]);
  });

  it('matches cpu on float32 and int32 data of rank 3', async () => {
    await expectWasmMatchesCpu(() => {
      const rng = Rng.fromSeed(9);
      const ids = tf.tensor1d([4, 1, 1, 0, 4, 2, 1], 'int32');
      const x = rng.normal([7, 3, 5]);
      return [
        tf.unsortedSegmentSum(x, ids, 6),
        tf.cast(tf.unsortedSegmentSum(tf.cast(tf.mul(x, 10), 'int32'), ids, 6), 'float32'),
      ];
    });
  });

  it("gives gather's gradient like cpu", async () => {
    await expectWasmMatchesCpu(() => {
      const rng = Rng.fromSeed(10);
      const table = rng.normal([6, 4]);
      const indices = tf.tensor1d([5, 0, 5, 2, 2, 2], 'int32');
      const weights = rng.normal([6, 4]);
      return tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, indices), weights)))(table);
    });
  });
});

// Tests of bilinear upsampling of image datasets: affine and bilinear images stay exactly so, corners keep their values, shapes and names, chunking, errors, no leaks.
import { ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createDataset, disposeDataset } from './dataset.js';
import { upsample } from './upsample.js';

/** n images of H × W × C whose channel c holds f_c(u, v) at u = i/(H − 1), v = j/(W − 1). */
function sampled(
  H: number,
  W: number,
  fs: ((u: number, v: number, k: number) => number)[],
  n: number,
): Float32Array {
  const C = fs.length;
  const out = new Float32Array(n * H * W * C);
  for (let k = 0; k < n; k++)
    for (let i = 0; i < H; i++)
      for (let j = 0; j < W; j++)
        for (let c = 0; c < C; c++)
          out[((k * H + i) * W + j) * C + c] = (
            fs[c] as (u: number, v: number, k: number) => number
          )(i / (H - 1), j / (W - 1), k);
  return out;
}

describe('upsample', () => {
  it('affine and bilinear images (u, v the position in [0, 1]²) stay exactly so at 56×56 and 112×112; chunks of 2 of 5 images', () => {
    const fs = [
      (u: number, v: number, k: number) => 0.5 + 2 * u - 3 * v + 0.1 * k,
      (u: number, v: number) => u * v - 0.25 * u,
    ];
    const ds = createDataset({
      x: tf.tensor4d(sampled(28, 28, fs, 5), [5, 28, 28, 2]),
      y: tf.tensor1d([0, 1, 2, 3, 4], 'int32'),
      numClasses: 5,
      name: 'digits',
    });
    const before = tf.memory().numTensors;
    for (const size of [56, 112]) {
      const fine = upsample(ds, [size, size], { batchSize: 2 });
      expect(fine.x.shape).toEqual([5, size, size, 2]);
      expect(fine.name).toBe(`digits@${size}x${size}`);
      const expected = sampled(size, size, fs, 5);
      const got = fine.x.dataSync();
      let worst = 0;
      for (let i = 0; i < got.length; i++)
        worst = Math.max(worst, Math.abs((got[i] as number) - (expected[i] as number)));
      expect(worst).toBeLessThan(2e-5);
      expect(Array.from(fine.y.dataSync())).toEqual([0, 1, 2, 3, 4]);
      disposeDataset(fine);
    }
    expect(tf.memory().numTensors).toBe(before);
    disposeDataset(ds);
  });

  it('the same size is a copy; a smaller size or a single-row image is an error that says what to do', () => {
    const ds = createDataset({
      x: tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]),
      y: tf.tensor1d([0], 'int32'),
      numClasses: 1,
      name: 'tiny',
    });
    const same = upsample(ds, [2, 2]);
    expect(Array.from(same.x.dataSync())).toEqual([1, 2, 3, 4]);
    disposeDataset(same);
    expect(() => upsample(ds, [1, 2])).toThrow(ValueError);
    expect(() => upsample(ds, [1, 2])).toThrow(/pyramid/);
    const row = createDataset({
      x: tf.tensor4d([1, 2], [1, 1, 2, 1]),
      y: tf.tensor1d([0], 'int32'),
      numClasses: 1,
      name: 'row',
    });
    expect(() => upsample(row, [4, 4])).toThrow(/at least 2×2/);
    disposeDataset(row);
    disposeDataset(ds);
  });
});

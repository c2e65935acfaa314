// Tests of the upsample and reshape layers: nearest-neighbour values, the block-sum gradient, the inverse of flatten, and their config errors.
import { ConfigError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { buildModel } from './model.js';
import { upsampleNearest } from './upsample-layer.js';

describe('upsampleNearest', () => {
  it('repeats every pixel into a factor × factor block, y[i, j, c] = x[⌊i/s⌋, ⌊j/s⌋, c]', () => {
    const before = tf.memory().numTensors;
    // x[i, j, c] = 100 i + 10 j + c on a 2 × 3 × 2 map.
    const values = [0, 1].flatMap((i) =>
      [0, 1, 2].flatMap((j) => [0, 1].map((c) => 100 * i + 10 * j + c)),
    );
    const y = tf.tidy(() => upsampleNearest(tf.tensor4d(values, [1, 2, 3, 2]), 3));
    expect(y.shape).toEqual([1, 6, 9, 2]);
    const got = (y.arraySync() as number[][][][])[0] as number[][][];
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < 9; j++) {
        for (let c = 0; c < 2; c++) {
          expect(got[i]?.[j]?.[c]).toBe(100 * Math.floor(i / 3) + 10 * Math.floor(j / 3) + c);
        }
      }
    }
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('has the block sums of the upstream gradient as its gradient (its adjoint)', () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor4d([1, -2, 3, 0.5], [1, 2, 2, 1]);
    // Upstream weights g[i, j] = i + 4 j on the 4 × 4 output; the gradient at pixel (a, b) is
    // Σ_{i ∈ {2a, 2a+1}} Σ_{j ∈ {2b, 2b+1}} (i + 4 j) = 2(4a + 1) + 8(4b + 1).
    const g = tf.tensor4d(
      Array.from({ length: 16 }, (_, k) => Math.floor(k / 4) + 4 * (k % 4)),
      [1, 4, 4, 1],
    );
    const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(upsampleNearest(t as tf.Tensor4D, 2), g)))(
      x,
    );
    const expected = [0, 1].map((a) => [0, 1].map((b) => 2 * (4 * a + 1) + 8 * (4 * b + 1)));
    expect(tf.tidy(() => tf.reshape(grad, [2, 2]).arraySync())).toEqual(expected);
    tf.dispose([x, g, grad]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('the upsample and reshape layers', () => {
  it('build a generator head [d] → [H, W, C] → [2H, 2W, C]; reshape inverts flatten', () => {
    const before = tf.memory().numTensors;
    const model = buildModel({
      input: [12],
      layers: [{ type: 'reshape', shape: [2, 3, 2] }, { type: 'upsample' }],
    });
    expect(model.outputShape).toEqual([4, 6, 2]);
    expect(model.parameterCount).toBe(0);
    const roundTrip = buildModel({
      input: [12],
      layers: [{ type: 'reshape', shape: [2, 3, 2] }, { type: 'flatten' }],
    });
    const x = tf.tensor2d([Array.from({ length: 12 }, (_, k) => k * k - 3)]);
    const { y } = roundTrip.apply({}, x);
    expect(y.arraySync()).toEqual(x.arraySync());
    tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reject a shape that does not hold the input, and a non-integer factor, with what to do', () => {
    expect(() =>
      buildModel({ input: [10], layers: [{ type: 'reshape', shape: [2, 3, 2] }] }),
    ).toThrow(/holds 12 values but the input has 10.*units to 12/);
    expect(() =>
      buildModel({ input: [4, 4, 1], layers: [{ type: 'upsample', factor: 1.5 }] }),
    ).toThrow(ConfigError);
    expect(() => buildModel({ input: [8], layers: [{ type: 'upsample' }] })).toThrow(
      /needs image features/,
    );
  });
});

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

  for (const factor of [2, 3]) {
    it(`has the block sums of the upstream gradient as its gradient (its adjoint), factor ${factor}`, () => {
      const before = tf.memory().numTensors;
      // Two examples of 2 × 3 maps with 3 channels, so batch, shape and channels are all exercised.
      const [b, h, w, c] = [2, 2, 3, 3];
      const x = tf.tensor4d(
        Array.from({ length: b * h * w * c }, (_, k) => Math.sin(k + 1)),
        [b, h, w, c],
      );
      // Upstream weights g[n, i, j, ch] = n + i + 10 j + 100 ch on the output; the gradient at
      // (n, a, q, ch) is Σ_{i = s·a}^{s·a+s−1} Σ_{j = s·q}^{s·q+s−1} g = s²(n + 100 ch)
      // + s·(s²a + s(s − 1)/2) + 10 s·(s²q + s(s − 1)/2).
      const s = factor;
      const g = tf.buffer([b, s * h, s * w, c]);
      for (let n = 0; n < b; n++)
        for (let i = 0; i < s * h; i++)
          for (let j = 0; j < s * w; j++)
            for (let ch = 0; ch < c; ch++) g.set(n + i + 10 * j + 100 * ch, n, i, j, ch);
      const upstream = g.toTensor();
      const grad = tf.grad((t: tf.Tensor) =>
        tf.sum(tf.mul(upsampleNearest(t as tf.Tensor4D, s), upstream)),
      )(x);
      const got = grad.arraySync() as number[][][][];
      const half = (s * (s - 1)) / 2;
      for (let n = 0; n < b; n++)
        for (let a = 0; a < h; a++)
          for (let q = 0; q < w; q++)
            for (let ch = 0; ch < c; ch++) {
              const expected =
                s * s * (n + 100 * ch) + s * (s * s * a + half) + 10 * s * (s * s * q + half);
              expect(got[n]?.[a]?.[q]?.[ch]).toBeCloseTo(expected, 3);
            }
      tf.dispose([x, upstream, grad]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
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

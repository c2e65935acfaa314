// Values of max pooling (windows, strides, 'same' padding at the border) and of global average
// and max pooling, through the pool layers, against the definitions computed by loops.
import { Rng } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { buildModel, type LayerConfig } from './index.js';

function apply(input: number[], layer: LayerConfig, x: tf.Tensor): number[] {
  const model = buildModel({ input, layers: [layer] });
  return tf.tidy(() => Array.from(model.apply({}, x).y.dataSync()));
}

/**
 * Max pooling by its definition on NHWC data: output (i, j, c) is the maximum of x over rows
 * i·s − top … i·s − top + k − 1 and the same columns, ignoring positions outside the image;
 * 'same' pads top = ⌊(max((out − 1)·s + k − in, 0))/2⌋ (TensorFlow's convention), 'valid' none.
 */
function maxPoolLoops(
  x: number[][][][],
  k: number,
  s: number,
  padding: 'same' | 'valid',
): number[] {
  const out: number[] = [];
  const [h, w, c] = [x[0]!.length, x[0]![0]!.length, x[0]![0]![0]!.length];
  const size = (n: number) => (padding === 'same' ? Math.ceil(n / s) : Math.floor((n - k) / s) + 1);
  const before = (n: number, o: number) =>
    padding === 'same' ? Math.floor(Math.max((o - 1) * s + k - n, 0) / 2) : 0;
  const [oh, ow] = [size(h), size(w)];
  const [top, left] = [before(h, oh), before(w, ow)];
  for (const image of x) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        for (let ch = 0; ch < c; ch++) {
          let m = Number.NEGATIVE_INFINITY;
          for (let p = 0; p < k; p++) {
            for (let q = 0; q < k; q++) {
              const [r, t] = [i * s - top + p, j * s - left + q];
              if (r >= 0 && r < h && t >= 0 && t < w) m = Math.max(m, image[r]![t]![ch]!);
            }
          }
          out.push(m);
        }
      }
    }
  }
  return out;
}

describe('max pooling values', () => {
  it('2×2 windows with stride 2 take the maximum of each block', () => {
    // one 4×4 channel; blocks {1,5,2,6} {3,7,−4,8} {9,13,10,−14} {11,15,12,16}
    const x = tf.tensor4d([1, 2, 3, -4, 5, 6, 7, 8, 9, 10, 11, 12, 13, -14, 15, 16], [1, 4, 4, 1]);
    expect(apply([4, 4, 1], { type: 'pool', mode: 'max', size: 2 }, x)).toEqual([6, 8, 13, 16]);
    x.dispose();
  });

  it('takes each channel separately and negative maxima as they are', () => {
    // channel 0 = v, channel 1 = −v: the max of −v is −(min of v)
    const v = [1, 2, 3, 4];
    const x = tf.tensor4d(
      v.flatMap((a) => [a, -a]),
      [1, 2, 2, 2],
    );
    expect(apply([2, 2, 2], { type: 'pool', mode: 'max', size: 2 }, x)).toEqual([4, -1]);
    x.dispose();
  });

  it.each([
    [3, 2, 'valid'],
    [2, 2, 'same'],
    [3, 2, 'same'],
    [3, 1, 'same'],
    [2, 1, 'valid'],
  ] as const)(
    'size %i, stride %i, %s padding matches the loop definition on 7×5×3 data',
    (k, s, padding) => {
      const x = Rng.fromSeed(k * 10 + s).normal([2, 7, 5, 3]);
      const expected = maxPoolLoops(x.arraySync() as number[][][][], k, s, padding);
      // a maximum of float32 values is one of them: equality is exact
      expect(
        apply([7, 5, 3], { type: 'pool', mode: 'max', size: k, stride: s, padding }, x),
      ).toEqual(expected);
      x.dispose();
    },
  );
});

describe('global pooling values', () => {
  // a 2×3 map, pixel (i, j) = (i + j, (i − j)²): channel sums 9 and 7, maxima 3 and 4
  const pixels = [
    [0, 0],
    [1, 1],
    [2, 4],
    [1, 1],
    [2, 0],
    [3, 1],
  ];

  it('average: the mean of each channel over the map', () => {
    const x = tf.tensor4d(pixels.flat(), [1, 2, 3, 2]);
    const [a, b] = apply([2, 3, 2], { type: 'global-pool', mode: 'avg' }, x);
    // sums of six small integers are exact in float32; the division rounds once
    expect(Math.abs((a as number) - 9 / 6)).toBeLessThan(2 ** -22);
    expect(Math.abs((b as number) - 7 / 6)).toBeLessThan(2 ** -22);
    x.dispose();
  });

  it('max: the maximum of each channel over the map, for every example of a batch', () => {
    // the second example is the first minus 10
    const x = tf.tensor4d([...pixels.flat(), ...pixels.flat().map((v) => v - 10)], [2, 2, 3, 2]);
    expect(apply([2, 3, 2], { type: 'global-pool', mode: 'max' }, x)).toEqual([3, 4, -7, -6]);
    x.dispose();
  });

  it('matches the definitions on random data (several channels, several examples)', () => {
    const x = Rng.fromSeed(9).normal([3, 4, 5, 6]);
    const data = x.arraySync() as number[][][][];
    const mean: number[] = [];
    const max: number[] = [];
    for (const image of data) {
      for (let c = 0; c < 6; c++) {
        const all = image.flatMap((row) => row.map((px) => px[c] as number));
        mean.push(all.reduce((s, v) => s + v, 0) / all.length);
        max.push(Math.max(...all));
      }
    }
    expect(apply([4, 5, 6], { type: 'global-pool', mode: 'max' }, x)).toEqual(max);
    // a float32 sum of 20 values of size ≤ 4 is within 20 · 4 · 2⁻²⁴ of the exact one
    apply([4, 5, 6], { type: 'global-pool', mode: 'avg' }, x).forEach((m, i) => {
      expect(Math.abs(m - (mean[i] as number))).toBeLessThan(1e-5);
    });
    x.dispose();
  });
});

describe('pooling to a fixed output grid', () => {
  it('averages each (H/s)×(H/s) block into an s×s grid at every input size s divides', () => {
    for (const h of [6, 12, 24]) {
      const x = Rng.fromSeed(h).normal([2, h, h, 3]);
      const data = x.arraySync() as number[][][][];
      const k = h / 6;
      const expected: number[] = [];
      for (const image of data) {
        for (let i = 0; i < 6; i++) {
          for (let j = 0; j < 6; j++) {
            for (let c = 0; c < 3; c++) {
              let sum = 0;
              for (let p = 0; p < k; p++) {
                for (let q = 0; q < k; q++) sum += image[i * k + p]![j * k + q]![c] as number;
              }
              expected.push(sum / (k * k));
            }
          }
        }
      }
      const layer: LayerConfig = { type: 'pool', mode: 'avg', outputSize: 6 };
      const model = buildModel({ input: [h, h, 3], layers: [layer] });
      expect(model.outputShape).toEqual([6, 6, 3]);
      // a float32 mean of at most 16 normal values: error well below 1e-5
      apply([h, h, 3], layer, x).forEach((m, i) => {
        expect(Math.abs(m - (expected[i] as number))).toBeLessThan(1e-5);
      });
      x.dispose();
    }
  });

  it('keeps outputSize in the config, so the same config builds at another resolution', () => {
    const model = buildModel({
      input: [28, 28, 1],
      layers: [{ type: 'pool', mode: 'max', outputSize: 7 }],
    });
    expect(model.layers[0]?.config).toEqual({
      type: 'pool',
      name: 'pool_0',
      mode: 'max',
      outputSize: 7,
    });
    const again = buildModel({ ...model.config, input: [56, 56, 1] });
    expect(again.outputShape).toEqual([7, 7, 1]);
  });

  it('explains an outputSize that does not divide the input, or one given with a window', () => {
    expect(() =>
      buildModel({ input: [10, 10, 1], layers: [{ type: 'pool', outputSize: 4 }] }),
    ).toThrow(/outputSize 4 needs a square input whose side it divides, got 10×10/);
    expect(() =>
      buildModel({ input: [8, 8, 1], layers: [{ type: 'pool', outputSize: 4, size: 2 }] }),
    ).toThrow(/give either 'outputSize' or 'size'/);
  });
});

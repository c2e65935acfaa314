// Values of strided (stride 2) and 'valid' convolution layers: closed forms on linear ramps
// (a 3×3 box sum is 9 times the centre value, a central difference is the slope) and the loop
// definition of cross-correlation with TensorFlow's 'same' padding on random data.
import { Rng } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { buildModel } from './index.js';

/**
 * A conv layer (no bias, linear) with the given kernel applied to x, through a model built from
 * a config, as a flat array.
 */
function convLayer(
  x: tf.Tensor4D,
  kernel: tf.Tensor4D,
  stride: number,
  padding: 'same' | 'valid',
): { shape: number[]; values: number[] } {
  const [, h, w, cin] = x.shape;
  const [k, , , cout] = kernel.shape;
  const model = buildModel({
    input: [h, w, cin],
    layers: [
      { type: 'conv', name: 'c', channels: cout, kernelSize: k, stride, padding, useBias: false },
    ],
  });
  return tf.tidy(() => {
    const { y } = model.apply({ c: { K: kernel } }, x);
    return { shape: y.shape, values: Array.from(y.dataSync()) };
  });
}

/**
 * Cross-correlation by its definition: out[n, i, j, o] = Σ_{p,q,c} K[p, q, c, o] ·
 * x[n, i·s − top + p, j·s − left + q, c] with zeros outside the image; 'same' has output
 * ⌈H/s⌉ and top = ⌊max((out − 1)·s + k − H, 0)/2⌋, 'valid' has ⌊(H − k)/s⌋ + 1 and no padding.
 */
function convLoops(
  x: number[][][][],
  K: number[][][][],
  s: number,
  padding: 'same' | 'valid',
): { shape: number[]; values: number[] } {
  const [n, h, w, cin] = [x.length, x[0]!.length, x[0]![0]!.length, x[0]![0]![0]!.length];
  const [k, cout] = [K.length, K[0]![0]![0]!.length];
  const size = (m: number) => (padding === 'same' ? Math.ceil(m / s) : Math.floor((m - k) / s) + 1);
  const [oh, ow] = [size(h), size(w)];
  const pad = (m: number, o: number) =>
    padding === 'same' ? Math.floor(Math.max((o - 1) * s + k - m, 0) / 2) : 0;
  const [top, left] = [pad(h, oh), pad(w, ow)];
  const values: number[] = [];
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        for (let o = 0; o < cout; o++) {
          let sum = 0;
          for (let p = 0; p < k; p++) {
            for (let q = 0; q < k; q++) {
              const [r, t] = [i * s - top + p, j * s - left + q];
              if (r < 0 || r >= h || t < 0 || t >= w) continue;
              for (let c = 0; c < cin; c++) sum += K[p]![q]![c]![o]! * x[b]![r]![t]![c]!;
            }
          }
          values.push(sum);
        }
      }
    }
  }
  return { shape: [n, oh, ow, cout], values };
}

/** x[0, i, j, 0] = a·i + b·j + c on an h×w map. */
function ramp(h: number, w: number, a: number, b: number, c: number): tf.Tensor4D {
  const values: number[] = [];
  for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) values.push(a * i + b * j + c);
  return tf.tensor4d(values, [1, h, w, 1]);
}

describe('conv values: closed forms on a linear ramp', () => {
  it("3×3 box sums with stride 2 and 'valid' padding are 9 times the window centres", () => {
    // 7×7 map, outputs ⌊(7 − 3)/2⌋ + 1 = 3 per axis, centres at (2i + 1, 2j + 1)
    const x = ramp(7, 7, 7, 1, 0);
    const box = tf.ones([3, 3, 1, 1]) as tf.Tensor4D;
    const { shape, values } = convLayer(x, box, 2, 'valid');
    expect(shape).toEqual([1, 3, 3, 1]);
    const expected: number[] = [];
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) expected.push(9 * (7 * (2 * i + 1) + (2 * j + 1)));
    expect(values).toEqual(expected); // small integers: exact in float32
    tf.dispose([x, box]);
  });

  it("central differences with stride 1, 'valid': the slopes of the ramp, one output channel each", () => {
    // K[:, :, 0, 0] = [−1, 0, 1]/2 along x (columns), K[:, :, 0, 1] the same along y (rows)
    const x = ramp(6, 5, 0.5, -2, 3);
    const k = Array.from({ length: 9 * 2 }, () => 0);
    const at = (p: number, q: number, o: number) => (p * 3 + q) * 2 + o;
    k[at(1, 0, 0)] = -0.5;
    k[at(1, 2, 0)] = 0.5;
    k[at(0, 1, 1)] = -0.5;
    k[at(2, 1, 1)] = 0.5;
    const K = tf.tensor4d(k, [3, 3, 1, 2]);
    const { shape, values } = convLayer(x, K, 1, 'valid');
    expect(shape).toEqual([1, 4, 3, 2]);
    // ∂/∂j = −2 and ∂/∂i = 0.5 at every output (dyadic numbers: exact in float32)
    expect(values).toEqual(Array.from({ length: 12 }, () => [-2, 0.5]).flat());
    tf.dispose([x, K]);
  });

  it("stride 2 with 'same' padding on an even map pads only the bottom and right", () => {
    // 4×4 ones, 3×3 box: out 2×2, padding total (2 − 1)·2 + 3 − 4 = 1 → top/left 0, bottom/right 1;
    // window (0, 0) covers rows and columns 0…2 (9 ones), window (0, 1) columns 2…4 (6 ones), …
    const x = tf.ones([1, 4, 4, 1]) as tf.Tensor4D;
    const box = tf.ones([3, 3, 1, 1]) as tf.Tensor4D;
    const { shape, values } = convLayer(x, box, 2, 'same');
    expect(shape).toEqual([1, 2, 2, 1]);
    expect(values).toEqual([9, 6, 6, 4]);
    tf.dispose([x, box]);
  });
});

describe('conv values: the loop definition on random data', () => {
  it.each([
    [2, 'same', [9, 8]],
    [2, 'valid', [9, 8]],
    [1, 'valid', [6, 7]],
    [2, 'same', [6, 7]],
  ] as const)('stride %i, %s padding, %j map, 3 → 4 channels', (stride, padding, [h, w]) => {
    const rng = Rng.fromSeed(h * 31 + w + stride);
    const x = rng.normal([2, h, w, 3]) as tf.Tensor4D;
    const K = rng.normal([3, 3, 3, 4]) as tf.Tensor4D;
    const got = convLayer(x, K, stride, padding);
    const expected = convLoops(
      x.arraySync() as number[][][][],
      K.arraySync() as number[][][][],
      stride,
      padding,
    );
    expect(got.shape).toEqual(expected.shape);
    // each output sums 27 products of standard normals (|x·K| ≲ 20, sums ≲ 30): float32 rounding
    // is at most 27 · 30 · 2⁻²⁴ < 1e-4; a misplaced window moves values by O(1)
    got.values.forEach((v, i) => {
      expect(Math.abs(v - (expected.values[i] as number))).toBeLessThan(1e-4);
    });
    tf.dispose([x, K]);
  });
});

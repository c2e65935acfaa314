import { ShapeError, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, numbers, take } from '../test/gradient-check.js';
import { type FeatureExtractor, featureLoss, styleLoss } from './perceptual.js';
import { randomFeatureExtractor } from './random-feature-extractor.js';

/** A smooth two-layer extractor whose maps are easy to reproduce in plain JS. */
const identityAndSquare: FeatureExtractor = (x) => [x, tf.square(x)];

/** Flat NHWC sample `n` of a [N, H, W, C] array. */
function sample(values: readonly number[], n: number, size: number): number[] {
  return values.slice(n * size, (n + 1) * size);
}

/** Gram of one sample's map [H·W, C]: 1/(C H W) Σ_p φ_pc φ_pc'. */
function gramJs(map: readonly number[], channels: number): number[][] {
  const positions = map.length / channels;
  return Array.from({ length: channels }, (_, a) =>
    Array.from({ length: channels }, (_, b) => {
      let s = 0;
      for (let p = 0; p < positions; p++) {
        s += (map[p * channels + a] as number) * (map[p * channels + b] as number);
      }
      return s / map.length;
    }),
  );
}

function frobenius2(a: number[][], b: number[][]): number {
  let s = 0;
  a.forEach((row, i) => {
    row.forEach((v, j) => {
      s += (v - (b[i]?.[j] as number)) ** 2;
    });
  });
  return s;
}

describe('styleLoss', () => {
  it('is Σ_j ‖G_j(y_s) − G_j(y)‖²_F per image, mean over the batch, one style for all', () => {
    const gen = numbers(2 * 3 * 3 * 2, 1);
    const sty = numbers(1 * 4 * 4 * 2, 2); // a larger style image: Gram ignores the size
    const generated = tf.tensor4d(gen, [2, 3, 3, 2]);
    const style = tf.tensor4d(sty, [1, 4, 4, 2]);
    let expected = 0;
    for (let n = 0; n < 2; n++) {
      const y = sample(gen, n, 18);
      expected += frobenius2(gramJs(sty, 2), gramJs(y, 2));
      expected += frobenius2(
        gramJs(
          sty.map((v) => v * v),
          2,
        ),
        gramJs(
          y.map((v) => v * v),
          2,
        ),
      );
    }
    expect(take(styleLoss(identityAndSquare, generated, style))).toBeCloseTo(expected / 2, 6);
    tf.dispose([generated, style]);
  });

  it('is zero for styleLoss(x, x) and positive otherwise, with the random extractor', () => {
    const phi = randomFeatureExtractor({ seed: 1, channels: 4, scales: 2 });
    const x = tf.tensor4d(numbers(2 * 4 * 4 * 3, 3, 0, 1), [2, 4, 4, 3]);
    const other = tf.tensor4d(numbers(2 * 4 * 4 * 3, 4, 0, 1), [2, 4, 4, 3]);
    expect(take(styleLoss(phi, x, x))).toBe(0);
    expect(take(styleLoss(phi, x, other))).toBeGreaterThan(0);
    tf.dispose([x, other]);
    phi.dispose();
  });

  it('has gradients w.r.t. the generated image matching central differences', () => {
    const style = tf.tensor4d(numbers(1 * 3 * 3 * 2, 5), [1, 3, 3, 2]);
    checkGradient(
      (x) => styleLoss(identityAndSquare, x as tf.Tensor4D, style),
      numbers(18, 6),
      [1, 3, 3, 2],
    );
    const phi = randomFeatureExtractor({ seed: 2, channels: 3, scales: 2, inputChannels: 1 });
    const style1 = tf.tensor4d(numbers(16, 7, 0, 1), [1, 4, 4, 1]);
    checkGradient(
      (x) => styleLoss(phi, x as tf.Tensor4D, style1),
      numbers(16, 8, 0, 1),
      [1, 4, 4, 1],
      {
        eps: 1e-3,
        atol: 1e-4,
        rtol: 3e-2,
      },
    );
    tf.dispose([style, style1]);
    phi.dispose();
  });
});

describe('featureLoss', () => {
  it('is Σ_j mean (φ_j(y_c) − φ_j(y))² per image, mean over the batch', () => {
    const gen = numbers(2 * 2 * 2 * 3, 1);
    const con = numbers(2 * 2 * 2 * 3, 2);
    const generated = tf.tensor4d(gen, [2, 2, 2, 3]);
    const content = tf.tensor4d(con, [2, 2, 2, 3]);
    let expected = 0;
    gen.forEach((g, i) => {
      const c = con[i] as number;
      // 1/(C H W) per image, then 1/N: 1/(2·12) overall, for each of the two maps
      expected += ((c - g) ** 2 + (c * c - g * g) ** 2) / 24;
    });
    expect(take(featureLoss(identityAndSquare, generated, content))).toBeCloseTo(expected, 6);
    // one shared content image broadcasts over the batch
    const shared = tf.tensor4d(con.slice(0, 12), [1, 2, 2, 3]);
    let expectedShared = 0;
    gen.forEach((g, i) => {
      const c = con[i % 12] as number;
      expectedShared += ((c - g) ** 2 + (c * c - g * g) ** 2) / 24;
    });
    expect(take(featureLoss(identityAndSquare, generated, shared))).toBeCloseTo(expectedShared, 6);
    expect(take(featureLoss(identityAndSquare, generated, generated))).toBe(0);
    tf.dispose([generated, content, shared]);
  });

  it('has gradients w.r.t. the generated image matching central differences', () => {
    const content = tf.tensor4d(numbers(12, 3), [1, 2, 2, 3]);
    checkGradient(
      (x) => featureLoss(identityAndSquare, x as tf.Tensor4D, content),
      numbers(12, 4),
      [1, 2, 2, 3],
    );
    const phi = randomFeatureExtractor({ seed: 4, channels: 3, scales: 2, inputChannels: 1 });
    const content1 = tf.tensor4d(numbers(16, 9, 0, 1), [1, 4, 4, 1]);
    checkGradient(
      (x) => featureLoss(phi, x as tf.Tensor4D, content1),
      numbers(16, 10, 0, 1),
      [1, 4, 4, 1],
      {
        eps: 1e-3,
        atol: 1e-4,
        rtol: 3e-2,
      },
    );
    tf.dispose([content, content1]);
    phi.dispose();
  });
});

describe('perceptual loss validation', () => {
  it('names the argument in every error', () => {
    const g = tf.zeros([2, 4, 4, 3]) as tf.Tensor4D;
    const rank3 = tf.zeros([4, 4, 3]) as unknown as tf.Tensor4D;
    const batch3 = tf.zeros([3, 4, 4, 3]) as tf.Tensor4D;
    const gray = tf.zeros([1, 4, 4, 1]) as tf.Tensor4D;
    const bigger = tf.zeros([2, 8, 8, 3]) as tf.Tensor4D;
    const phi: FeatureExtractor = (x) => [x];
    expect(() => styleLoss(42 as unknown as FeatureExtractor, g, g)).toThrow(ValueError);
    expect(() => styleLoss(42 as unknown as FeatureExtractor, g, g)).toThrow(
      /phi: expected a feature extractor/,
    );
    expect(() => styleLoss(phi, rank3, g)).toThrow(ShapeError);
    expect(() => styleLoss(phi, rank3, g)).toThrow(
      /generated: expected non-empty NHWC.*got \[4, 4, 3\]/,
    );
    expect(() => styleLoss(phi, g, batch3)).toThrow(
      /styleImage: expected batch 1 .* or 2.*got \[3, 4, 4, 3\]/,
    );
    expect(() => styleLoss(phi, g, gray)).toThrow(/styleImage: expected 3 channels/);
    expect(() => featureLoss(phi, g, bigger)).toThrow(
      /contentImage: expected \[2, 4, 4, 3\].*got \[2, 8, 8, 3\]/,
    );
    expect(() => featureLoss(() => [], g, g)).toThrow(
      /phi\(generated\): expected a non-empty list/,
    );
    expect(() =>
      featureLoss((x) => [tf.reshape(x, [-1])] as unknown as tf.Tensor4D[], g, g),
    ).toThrow(/phi\(generated\)\[0\]: expected a feature map \[2, H, W, C\], got \[96\]/);
    tf.dispose([g, rank3, batch3, gray, bigger]);
  });
});

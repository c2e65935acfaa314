import { ShapeError, StateError, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { numbers, takeAll } from '../test/gradient-check.js';
import { type RandomFeatureExtractor, randomFeatureExtractor } from './random-feature-extractor.js';

type Image = { data: number[]; h: number; w: number; c: number };

/** relu(K ⋆ x), 3×3, zero padding 1 ('same'), by loops; K is [3, 3, cin, cout] row-major. */
function convReluByLoops(x: Image, k: readonly number[], cout: number): Image {
  const out: number[] = [];
  for (let i = 0; i < x.h; i++) {
    for (let j = 0; j < x.w; j++) {
      for (let o = 0; o < cout; o++) {
        let s = 0;
        for (let di = 0; di < 3; di++) {
          for (let dj = 0; dj < 3; dj++) {
            const ii = i + di - 1;
            const jj = j + dj - 1;
            if (ii < 0 || jj < 0 || ii >= x.h || jj >= x.w) continue;
            for (let ci = 0; ci < x.c; ci++) {
              s +=
                (x.data[(ii * x.w + jj) * x.c + ci] as number) *
                (k[((di * 3 + dj) * x.c + ci) * cout + o] as number);
            }
          }
        }
        out.push(Math.max(0, s));
      }
    }
  }
  return { data: out, h: x.h, w: x.w, c: cout };
}

function poolByLoops(x: Image): Image {
  const h = Math.floor(x.h / 2);
  const w = Math.floor(x.w / 2);
  const out: number[] = [];
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      for (let c = 0; c < x.c; c++) {
        let s = 0;
        for (const [di, dj] of [
          [0, 0],
          [0, 1],
          [1, 0],
          [1, 1],
        ] as const) {
          s += x.data[((2 * i + di) * x.w + 2 * j + dj) * x.c + c] as number;
        }
        out.push(s / 4);
      }
    }
  }
  return { data: out, h, w, c: x.c };
}

describe('randomFeatureExtractor', () => {
  it('computes conv3×3 + relu per scale with 2×2 average pooling between scales', () => {
    const phi = randomFeatureExtractor({ seed: 3, channels: [3, 2], scales: 2, inputChannels: 2 });
    const input: Image = { data: numbers(5 * 5 * 2, 4, 0, 1), h: 5, w: 5, c: 2 };
    const images = tf.tensor4d(input.data, [1, 5, 5, 2]);
    const maps = phi(images);
    expect(maps.map((m) => m.shape)).toEqual([
      [1, 5, 5, 3],
      [1, 2, 2, 2],
    ]);
    const k0 = Array.from((phi.kernels[0] as tf.Tensor).dataSync());
    const k1 = Array.from((phi.kernels[1] as tf.Tensor).dataSync());
    const first = convReluByLoops(input, k0, 3);
    const second = convReluByLoops(poolByLoops(first), k1, 2);
    const got0 = takeAll(maps[0] as tf.Tensor);
    const got1 = takeAll(maps[1] as tf.Tensor);
    first.data.forEach((v, i) => {
      expect(got0[i]).toBeCloseTo(v, 5);
    });
    second.data.forEach((v, i) => {
      expect(got1[i]).toBeCloseTo(v, 5);
    });
    images.dispose();
    phi.dispose();
  });

  it('draws He-scaled filters deterministically from the seed', () => {
    const a = randomFeatureExtractor({ seed: 5, channels: 16, scales: 2 });
    const b = randomFeatureExtractor({ seed: 5, channels: 16, scales: 2 });
    const c = randomFeatureExtractor({ seed: 6, channels: 16, scales: 2 });
    expect(a.kernels.map((k) => k.shape)).toEqual([
      [3, 3, 3, 16],
      [3, 3, 16, 16],
    ]);
    const ka = Array.from((a.kernels[1] as tf.Tensor).dataSync());
    expect(Array.from((b.kernels[1] as tf.Tensor).dataSync())).toEqual(ka);
    expect(Array.from((c.kernels[1] as tf.Tensor).dataSync())).not.toEqual(ka);
    // 2304 draws of N(0, 2/(9·16)): the sample std is within a few percent of sqrt(2/144)
    const std = Math.sqrt(ka.reduce((s, v) => s + v * v, 0) / ka.length);
    expect(Math.abs(std / Math.sqrt(2 / 144) - 1)).toBeLessThan(0.06);
    a.dispose();
    b.dispose();
    c.dispose();
  });

  it('keeps its filters through an enclosing tidy and releases them on dispose', () => {
    const before = tf.memory().numTensors;
    let created: RandomFeatureExtractor | undefined;
    tf.tidy(() => {
      created = randomFeatureExtractor({ scales: 3, convsPerScale: 2 });
    });
    const phi = created as RandomFeatureExtractor;
    expect(phi.kernels).toHaveLength(6);
    expect(tf.memory().numTensors - before).toBe(6);
    expect(phi.minSize).toBe(4);
    phi.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const images = tf.zeros([1, 4, 4, 3]) as tf.Tensor4D;
    expect(() => phi(images)).toThrow(StateError);
    images.dispose();
  });

  it('rejects images of the wrong size or channels, and bad options', () => {
    const phi = randomFeatureExtractor({ scales: 3 });
    const small = tf.zeros([1, 3, 8, 3]) as tf.Tensor4D;
    const gray = tf.zeros([1, 8, 8, 1]) as tf.Tensor4D;
    expect(() => phi(small)).toThrow(ShapeError);
    expect(() => phi(small)).toThrow(/images: expected NHWC \[N, H, W, 3\] with H, W >= 4/);
    expect(() => phi(gray)).toThrow(/got \[1, 8, 8, 1\]/);
    tf.dispose([small, gray]);
    phi.dispose();
    expect(() => randomFeatureExtractor({ scales: 0 })).toThrow(ValueError);
    expect(() => randomFeatureExtractor({ scales: 0 })).toThrow(/scales/);
    expect(() => randomFeatureExtractor({ scales: 2, channels: [4] })).toThrow(
      /channels: .* list of 2/,
    );
    expect(() => randomFeatureExtractor({ channels: 2.5 })).toThrow(/channels\[0\]/);
    expect(() => randomFeatureExtractor({ seed: 0.5 })).toThrow(/seed/);
  });
});

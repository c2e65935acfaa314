import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Rng, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batches } from './batches.js';
import { type Dataset, disposeDataset } from './dataset.js';
import { loadEmbeddedMnist } from './embedded-mnist.js';

// The package's JSON read independently of the loader: per digit, its images as numbers.
const digitsDir = join(
  dirname(createRequire(import.meta.url).resolve('mnist/package.json')),
  'src',
  'digits',
);
const source = Array.from(
  { length: 10 },
  (_, d) =>
    (JSON.parse(readFileSync(join(digitsDir, `${d}.json`), 'utf8')) as { data: number[] }).data,
);
const perDigit = source.map((data) => data.length / 784);

let train: Dataset;
let test: Dataset;
let all: Dataset;

beforeAll(async () => {
  train = await loadEmbeddedMnist({ split: 'train' });
  test = await loadEmbeddedMnist({ split: 'test' });
  all = await loadEmbeddedMnist({ split: 'all' });
});

afterAll(() => {
  for (const ds of [train, test, all]) disposeDataset(ds);
});

function labelCounts(ds: Dataset): number[] {
  const counts = new Array<number>(10).fill(0);
  for (const l of ds.y.dataSync()) counts[l] = (counts[l] as number) + 1;
  return counts;
}

describe('loadEmbeddedMnist', () => {
  it('splits each digit 80/20 (first ⌊0.8·count⌋ train), 7996 train and 2004 test in all', () => {
    expect(perDigit.reduce((a, b) => a + b, 0)).toBe(10000);
    expect(labelCounts(all)).toEqual(perDigit);
    expect(labelCounts(train)).toEqual(perDigit.map((c) => Math.floor(0.8 * c)));
    expect(labelCounts(test)).toEqual(perDigit.map((c) => c - Math.floor(0.8 * c)));
    expect([train.size, test.size, all.size]).toEqual([7996, 2004, 10000]);
    expect([train.name, test.name, all.name]).toEqual([
      'mnist-embedded/train',
      'mnist-embedded/test',
      'mnist-embedded/all',
    ]);
  });

  it('keeps class balance: every class has the same train share, 80 % to within one image', () => {
    labelCounts(train).forEach((c, d) => {
      const share = c / (perDigit[d] as number);
      expect(share).toBeGreaterThan(0.8 - 1 / (perDigit[d] as number));
      expect(share).toBeLessThanOrEqual(0.8);
    });
  });

  it('returns [n, 28, 28, 1] float32 images in [0, 1] and int32 labels, ordered round-robin by class', () => {
    for (const ds of [train, test, all]) {
      expect(ds.x.shape).toEqual([ds.size, 28, 28, 1]);
      expect(ds.x.dtype).toBe('float32');
      expect(ds.y.shape).toEqual([ds.size]);
      expect(ds.y.dtype).toBe('int32');
      expect(ds.numClasses).toBe(10);
      const [lo, hi] = tf.tidy(() => [tf.min(ds.x).dataSync()[0], tf.max(ds.x).dataSync()[0]]);
      expect(lo).toBe(0);
      expect(hi).toBe(1);
      expect(Array.from(ds.y.dataSync().subarray(0, 20))).toEqual([
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
      ]);
    }
  });

  it('holds exactly the values of the JSON files (rounded to float32 only)', () => {
    const x = all.x.dataSync();
    const y = all.y.dataSync();
    // all is round-robin over the full per-digit lists: image j of digit d is at the position
    // where it is dealt. Check a sample of positions against the source.
    const seen = new Array<number>(10).fill(0);
    for (let n = 0; n < all.size; n++) {
      const d = y[n] as number;
      const k = seen[d] as number;
      seen[d] = k + 1;
      if (n % 997 !== 0) continue;
      for (let p = 0; p < 784; p++) {
        expect(x[n * 784 + p]).toBe(Math.fround(source[d]?.[k * 784 + p] as number));
      }
    }
    // The test split starts at image ⌊0.8·count⌋ of each digit.
    const t = test.x.dataSync();
    const first = Math.floor(0.8 * (perDigit[3] as number));
    for (let p = 0; p < 784; p++) {
      expect(t[3 * 784 + p]).toBe(Math.fround(source[3]?.[first * 784 + p] as number));
    }
  });

  it('has no blank image, and class 1 concentrates more of its mass in the centre columns than class 0', () => {
    const sums = tf.tidy(() => tf.sum(all.x, [1, 2, 3]).dataSync());
    expect(Math.min(...sums)).toBeGreaterThan(0);
    const centreShare = (digit: number): number =>
      tf.tidy(() => {
        const idx = tf.tensor1d(
          Array.from(all.y.dataSync()).flatMap((l, i) => (l === digit ? [i] : [])),
          'int32',
        );
        const mean = tf.mean(tf.gather(all.x, idx), 0); // [28, 28, 1]
        const centre = tf.sum(tf.slice(mean, [0, 12, 0], [28, 4, 1]));
        return (centre.dataSync()[0] as number) / (tf.sum(mean).dataSync()[0] as number);
      });
    expect(centreShare(1)).toBeGreaterThan(centreShare(0));
  });

  it('an epoch of shuffled batches leaks no tensors and covers every image once', () => {
    const before = tf.memory().numTensors;
    let seen = 0;
    let labelSum = 0;
    for (const batch of batches(train, { batchSize: 500, shuffle: true, rng: Rng.fromSeed(0) })) {
      seen += batch.size;
      labelSum += tf.tidy(() => tf.sum(batch.y).dataSync()[0] as number);
    }
    expect(seen).toBe(train.size);
    expect(labelSum).toBe(Array.from(train.y.dataSync()).reduce((a, b) => a + b, 0));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects an unknown split', async () => {
    await expect(loadEmbeddedMnist({ split: 'validation' as 'train' })).rejects.toThrow(ValueError);
  });
});

import { Rng, ShapeError, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createDataset, disposeDataset } from './dataset.js';
import { mapInputs } from './map-inputs.js';
import { fitMinMax, normalize } from './normalize.js';
import { fitStandardization, standardize } from './standardize.js';

/** Per-channel mean and population std of an NHWC array, in float64. */
function channelMoments(values: Float32Array, channels: number): { mean: number[]; std: number[] } {
  const mean = new Array<number>(channels).fill(0);
  const sq = new Array<number>(channels).fill(0);
  const count = values.length / channels;
  values.forEach((v, i) => {
    mean[i % channels] = (mean[i % channels] as number) + v / count;
  });
  values.forEach((v, i) => {
    const d = v - (mean[i % channels] as number);
    sq[i % channels] = (sq[i % channels] as number) + (d * d) / count;
  });
  return { mean, std: sq.map(Math.sqrt) };
}

describe('standardization', () => {
  it('fits per-channel mean/std matching a float64 computation', () => {
    const rng = Rng.fromSeed(3);
    const x = tf.tidy(() =>
      tf.add(tf.mul(rng.normal([6, 4, 4, 3]), tf.tensor1d([1, 2, 0.5])), tf.tensor1d([5, -1, 0])),
    );
    const stats = fitStandardization(x);
    const ref = channelMoments(x.dataSync() as Float32Array, 3);
    stats.mean.forEach((m, c) => {
      expect(Math.abs(m - (ref.mean[c] as number))).toBeLessThan(1e-5);
      expect(Math.abs((stats.std[c] as number) - (ref.std[c] as number))).toBeLessThan(1e-5);
    });
    const z = standardize(x, stats);
    const zStats = channelMoments(z.dataSync() as Float32Array, 3);
    for (const m of zStats.mean) expect(Math.abs(m)).toBeLessThan(1e-5);
    for (const s of zStats.std) expect(Math.abs(s - 1)).toBeLessThan(1e-4);
    tf.dispose([x, z]);
  });

  it('applies training statistics to other data unchanged (test set), and floors zero std', () => {
    const train = tf.tensor2d([
      [1, 7],
      [3, 7],
    ]);
    const test = tf.tensor2d([[5, 8]]);
    const stats = fitStandardization(train, { epsilon: 1e-3 });
    expect(stats.mean).toEqual([2, 7]);
    expect(stats.std).toEqual([1, 1e-3]);
    const z = standardize(test, stats);
    const [a, b] = Array.from(z.dataSync());
    expect(a).toBeCloseTo(3, 6);
    expect(b).toBeCloseTo(1000, 2);
    const wide = tf.zeros([2, 3]);
    expect(() => standardize(wide, stats)).toThrow(ShapeError);
    expect(() => standardize(test, { mean: [0, 0], std: [1, 0] })).toThrow(ValueError);
    tf.dispose([train, test, z, wide]);
  });
});

describe('normalize', () => {
  it('maps each channel onto [0, 1] with its own range', () => {
    const x = tf.tensor2d([
      [0, 10, 3],
      [5, 30, 3],
      [10, 20, 3],
    ]);
    const range = fitMinMax(x);
    expect(range).toEqual({ min: [0, 10, 3], max: [10, 30, 3] });
    const u = normalize(x);
    expect(u.arraySync()).toEqual([
      [0, 0, 0],
      [0.5, 1, 0],
      [1, 0.5, 0],
    ]);
    const raw = tf.tensor2d([[0], [51], [255]]);
    const bytes = normalize(raw, { min: 0, max: 255 });
    expect(Array.from(bytes.dataSync())).toEqual([0, 0.2, 1].map(Math.fround));
    expect(() => normalize(x, { min: [0, 0], max: 1 })).toThrow(ShapeError);
    expect(() => normalize(x, { min: 2, max: 1 })).toThrow(ValueError);
    tf.dispose([x, u, raw, bytes]);
  });
});

describe('mapInputs', () => {
  it('transforms x, clones y, and survives disposal of the source', () => {
    const ds = createDataset({
      x: tf.tensor2d([
        [0, 2],
        [4, 6],
      ]),
      y: tf.tensor1d([1, 0], 'int32'),
      numClasses: 2,
      name: 'toy',
    });
    const stats = fitStandardization(ds.x);
    const z = mapInputs(ds, (x) => standardize(x, stats), 'toy-z');
    const same = mapInputs(ds, (x) => x);
    disposeDataset(ds);
    expect(z.x.arraySync()).toEqual([
      [-1, -1],
      [1, 1],
    ]);
    expect(Array.from(z.y.dataSync())).toEqual([1, 0]);
    expect(z.numClasses).toBe(2);
    expect(z.name).toBe('toy-z');
    expect(same.x.arraySync()).toEqual([
      [0, 2],
      [4, 6],
    ]);
    expect(() => mapInputs(z, (x) => tf.slice(x, 0, 1))).toThrow(ShapeError);
    disposeDataset(z);
    disposeDataset(same);
  });
});

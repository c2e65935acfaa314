import { Rng, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { disposeDataset } from './dataset.js';
import { ellipses } from './ellipses.js';
import { peaks, peaksFunction } from './peaks.js';
import { spirals } from './spirals.js';

function counts(labels: Int32Array | Float32Array | Uint8Array, k: number): number[] {
  const c = new Array<number>(k).fill(0);
  labels.forEach((l) => {
    c[l] = (c[l] as number) + 1;
  });
  return c;
}

/** Wraps an angle difference to (−π, π]. */
function wrap(a: number): number {
  return Math.atan2(Math.sin(a), Math.cos(a));
}

describe('peaksFunction', () => {
  it('has the closed-form value at the origin, 8/(3e)', () => {
    expect(peaksFunction(0, 0)).toBeCloseTo(8 / (3 * Math.E), 14);
  });

  it('has its known maximum ≈ 8.106 near (−0.0093, 1.5814) and minimum ≈ −6.551 near (0.2283, −1.6255)', () => {
    const h = 1e-6;
    const gradient = (x: number, y: number): number[] => [
      (peaksFunction(x + h, y) - peaksFunction(x - h, y)) / (2 * h),
      (peaksFunction(x, y + h) - peaksFunction(x, y - h)) / (2 * h),
    ];
    for (const [x, y, value, sign] of [
      [-0.0093, 1.5814, 8.1062, 1],
      [0.2283, -1.6255, -6.5511, -1],
    ] as const) {
      expect(peaksFunction(x, y)).toBeCloseTo(value, 3);
      // Stationary up to the 4-digit rounding of the location.
      for (const g of gradient(x, y)) expect(Math.abs(g)).toBeLessThan(5e-3);
      // A strict extremum: every neighbour at distance 0.05 is lower (max) or higher (min).
      for (let a = 0; a < 8; a++) {
        const v = peaksFunction(x + 0.05 * Math.cos(a), y + 0.05 * Math.sin(a));
        expect(sign * (peaksFunction(x, y) - v)).toBeGreaterThan(0);
      }
    }
  });
});

describe('peaks', () => {
  it('samples [−3, 3]², labels by value (monotone), classes balanced within 4 standard errors', () => {
    const n = 4000;
    const k = 4;
    const ds = peaks({ n, numClasses: k, rng: Rng.fromSeed(21) });
    expect(ds.x.shape).toEqual([n, 2]);
    expect(ds.y.dtype).toBe('int32');
    expect(ds.numClasses).toBe(k);
    const xy = ds.x.dataSync();
    const labels = ds.y.dataSync() as Int32Array;
    // p = 1/k per class; SE of a proportion sqrt(p(1 − p)/n).
    const se = Math.sqrt(((1 / k) * (1 - 1 / k)) / n);
    for (const c of counts(labels, k)) expect(Math.abs(c / n - 1 / k)).toBeLessThan(4 * se);
    // Labels order the points by peaks value: max of class c < min of class c + 1.
    const lo = new Array<number>(k).fill(Infinity);
    const hi = new Array<number>(k).fill(-Infinity);
    for (let i = 0; i < n; i++) {
      const x = xy[2 * i] as number;
      const y = xy[2 * i + 1] as number;
      expect(Math.abs(x)).toBeLessThanOrEqual(3);
      expect(Math.abs(y)).toBeLessThanOrEqual(3);
      const v = peaksFunction(x, y);
      const c = labels[i] as number;
      lo[c] = Math.min(lo[c] as number, v);
      hi[c] = Math.max(hi[c] as number, v);
    }
    for (let c = 0; c + 1 < k; c++) expect(hi[c] as number).toBeLessThan(lo[c + 1] as number);
    disposeDataset(ds);
  });

  it('is reproducible from the seed and labels points the same whatever the sample', () => {
    const a = peaks({ n: 300, rng: Rng.fromSeed(3) });
    const b = peaks({ n: 300, rng: Rng.fromSeed(3) });
    expect(Array.from(a.x.dataSync())).toEqual(Array.from(b.x.dataSync()));
    expect(Array.from(a.y.dataSync())).toEqual(Array.from(b.y.dataSync()));
    expect(a.numClasses).toBe(5);
    disposeDataset(a);
    disposeDataset(b);
    expect(() => peaks({ n: 10, numClasses: 1, rng: Rng.fromSeed(1) })).toThrow(ValueError);
  });
});

describe('spirals', () => {
  it('puts noise-free points on their arm: θ ≡ 2π(turns·r + c/k) mod 2π', () => {
    const k = 3;
    const turns = 1.25;
    const ds = spirals({ n: 600, numClasses: k, noise: 0, turns, rng: Rng.fromSeed(4) });
    const xy = ds.x.dataSync();
    const labels = ds.y.dataSync();
    expect(counts(labels as Int32Array, k)).toEqual([200, 200, 200]);
    for (let i = 0; i < 600; i++) {
      const x = xy[2 * i] as number;
      const y = xy[2 * i + 1] as number;
      const r = Math.hypot(x, y);
      expect(r).toBeLessThanOrEqual(1);
      if (r < 1e-2) continue;
      const expected = 2 * Math.PI * (turns * r + (labels[i] as number) / k);
      expect(Math.abs(wrap(Math.atan2(y, x) - expected))).toBeLessThan(1e-4);
    }
    disposeDataset(ds);
  });

  it('adds Gaussian noise of the requested size', () => {
    const clean = spirals({ n: 2000, noise: 0, rng: Rng.fromSeed(9) });
    const noisy = spirals({ n: 2000, noise: 0.1, rng: Rng.fromSeed(9) });
    // Different streams (noise draws interleave), so compare the radial spread instead: the
    // noisy set's radii exceed 1 for a visible share of points, the clean one's never do.
    const radii = (d: typeof clean): number[] => {
      const v = d.x.dataSync();
      return Array.from({ length: d.size }, (_, i) =>
        Math.hypot(v[2 * i] as number, v[2 * i + 1] as number),
      );
    };
    expect(Math.max(...radii(clean))).toBeLessThanOrEqual(1);
    expect(radii(noisy).filter((r) => r > 1.05).length).toBeGreaterThan(20);
    disposeDataset(clean);
    disposeDataset(noisy);
  });
});

describe('ellipses', () => {
  it('puts noise-free points on ring c: x² + (y/aspect)² = ((c + 1)/k)²', () => {
    const k = 4;
    const ds = ellipses({ n: 401, numClasses: k, noise: 0, aspect: 0.3, rng: Rng.fromSeed(6) });
    const xy = ds.x.dataSync();
    const labels = ds.y.dataSync();
    const c = counts(labels as Int32Array, k);
    expect(Math.max(...c) - Math.min(...c)).toBeLessThanOrEqual(1);
    for (let i = 0; i < ds.size; i++) {
      const x = xy[2 * i] as number;
      const y = xy[2 * i + 1] as number;
      const rho = ((labels[i] as number) + 1) / k;
      expect(Math.abs(Math.sqrt(x * x + (y / 0.3) ** 2) - rho)).toBeLessThan(1e-5);
    }
    disposeDataset(ds);
    expect(() => ellipses({ n: 5, aspect: 0, rng: Rng.fromSeed(1) })).toThrow(ValueError);
  });
});

describe('synthetic sets are float32 points with int32 labels', () => {
  it.each([
    ['peaks', () => peaks({ n: 10, rng: Rng.fromSeed(1) })],
    ['spirals', () => spirals({ n: 10, rng: Rng.fromSeed(1) })],
    ['ellipses', () => ellipses({ n: 10, rng: Rng.fromSeed(1) })],
  ])('%s', (name, make) => {
    const ds = make();
    expect(ds.name).toBe(name);
    expect(ds.x.dtype).toBe('float32');
    expect(ds.x.shape).toEqual([10, 2]);
    expect(ds.y.dtype).toBe('int32');
    expect(ds.y.shape).toEqual([10]);
    const maxLabel = tf.tidy(() => tf.max(ds.y).dataSync()[0] as number);
    expect(maxLabel).toBeLessThan(ds.numClasses as number);
    disposeDataset(ds);
  });
});

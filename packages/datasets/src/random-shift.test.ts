import { Rng } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { randomShift } from './random-shift.js';

/** The shift of one image by (dy, dx) with zero fill, computed pixel by pixel. */
function shiftByHand(
  image: Float32Array,
  h: number,
  w: number,
  c: number,
  dy: number,
  dx: number,
): Float32Array {
  const out = new Float32Array(h * w * c);
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      const si = i + dy;
      const sj = j + dx;
      if (si < 0 || si >= h || sj < 0 || sj >= w) continue;
      for (let k = 0; k < c; k++) out[(i * w + j) * c + k] = image[(si * w + sj) * c + k] as number;
    }
  }
  return out;
}

describe('randomShift', () => {
  it('moves each image by its own integer offsets drawn from the generator, filling with 0', () => {
    const [n, h, w, c] = [6, 7, 5, 2];
    const values = Float32Array.from({ length: n * h * w * c }, (_, i) => Math.sin(i) + 2);
    const x = tf.tensor4d(values, [n, h, w, c]);
    const shifted = randomShift(x, 2, Rng.fromSeed(11));
    const got = shifted.dataSync();
    tf.dispose([x, shifted]);
    // the same draws, made independently: dy then dx per example
    const rng = Rng.fromSeed(11);
    const seen = new Set<string>();
    for (let k = 0; k < n; k++) {
      const dy = rng.nextInt(-2, 3);
      const dx = rng.nextInt(-2, 3);
      seen.add(`${dy},${dx}`);
      const size = h * w * c;
      const expected = shiftByHand(values.subarray(k * size, (k + 1) * size), h, w, c, dy, dx);
      const actual = got.subarray(k * size, (k + 1) * size);
      for (let i = 0; i < size; i++) expect(actual[i]).toBeCloseTo(expected[i] as number, 5);
    }
    expect(seen.size).toBeGreaterThan(1);
  });

  it('is the identity for maxShift 0, and deterministic for a seed', () => {
    const x = tf.tensor4d(
      Float32Array.from({ length: 2 * 4 * 4 }, (_, i) => i),
      [2, 4, 4, 1],
    );
    const same = randomShift(x, 0, Rng.fromSeed(1));
    expect(Array.from(same.dataSync())).toEqual(Array.from(x.dataSync()));
    const a = randomShift(x, 1, Rng.fromSeed(4));
    const b = randomShift(x, 1, Rng.fromSeed(4));
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    tf.dispose([x, same, a, b]);
  });

  it('validates its arguments', () => {
    const x = tf.zeros([2, 4, 4]);
    const y = tf.zeros([1, 4, 4, 1]);
    expect(() => randomShift(x as tf.Tensor4D, 1, Rng.fromSeed(1))).toThrow(/x/);
    expect(() => randomShift(y as tf.Tensor4D, 1.5, Rng.fromSeed(1))).toThrow(/maxShift/);
    expect(() => randomShift(y as tf.Tensor4D, -1, Rng.fromSeed(1))).toThrow(/maxShift/);
    tf.dispose([x, y]);
  });
});

// Augmentation of run batches: images and images read row by row are shifted the same way; feature vectors are not.
import { Rng } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { resolveRunConfig } from './resolve-run-config.js';
import { augmentOf, shiftOf } from './run-augment.js';

/** Row and column of the largest entry of an `[H, W]` array. */
function where(values: number[][]): [number, number] {
  let best: [number, number] = [0, 0];
  for (let i = 0; i < values.length; i++) {
    const row = values[i] as number[];
    for (let j = 0; j < row.length; j++) {
      if ((row[j] as number) > ((values[best[0]] as number[])[best[1]] as number)) best = [i, j];
    }
  }
  return best;
}

describe('augmentOf', () => {
  it('moves an image read row by row exactly as the image itself, by at most the shift', () => {
    const config = resolveRunConfig({ data: { shift: 2 } });
    const rows = augmentOf(config, 3, undefined, true);
    const images = augmentOf(config, 4);
    expect(rows).toBeDefined();
    expect(images).toBeDefined();
    // one bright pixel at (5, 6) of a 12 × 12 image, far enough from the border to stay inside
    const x = tf.tidy(() => tf.scatterND([[0, 5, 6]], [1], [1, 12, 12]));
    const moves = new Set<string>();
    for (let seed = 0; seed < 12; seed++) {
      const a = rows?.(x, Rng.fromSeed(seed)) as tf.Tensor;
      const b = tf.tidy(() =>
        tf.reshape(
          images?.(tf.reshape(x, [1, 12, 12, 1]), Rng.fromSeed(seed)) as tf.Tensor,
          [1, 12, 12],
        ),
      );
      expect(a.shape).toEqual([1, 12, 12]);
      const av = (a.arraySync() as number[][][])[0] as number[][];
      expect(av).toEqual((b.arraySync() as number[][][])[0]);
      const [i, j] = where(av);
      expect(Math.abs(i - 5)).toBeLessThanOrEqual(2);
      expect(Math.abs(j - 6)).toBeLessThanOrEqual(2);
      expect((av[i] as number[])[j]).toBeCloseTo(1, 5);
      expect(av.flat().reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
      moves.add(`${i - 5},${j - 6}`);
      tf.dispose([a, b]);
    }
    // 12 draws of 25 equally likely offsets: the chance that all coincide is 25^−11
    expect(moves.size).toBeGreaterThan(1);
    x.dispose();
  });

  it('defaults to 2 pixels for images, to none for image rows and feature vectors', () => {
    const config = resolveRunConfig({});
    expect(shiftOf(config, 4)).toBe(2);
    expect(shiftOf(config, 3, true)).toBe(0);
    expect(augmentOf(config, 3, undefined, true)).toBeUndefined();
    expect(shiftOf(resolveRunConfig({ data: { shift: 2 } }), 3, true)).toBe(2);
    expect(shiftOf(config, 3)).toBe(0);
    expect(augmentOf(config, 2)).toBeUndefined();
    expect(() => shiftOf(resolveRunConfig({ data: { shift: 1 } }), 2)).toThrow(/image data/);
  });
});

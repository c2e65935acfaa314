// data.resolution above the data's own: the embedded digits rendered at 56×56 by bilinear interpolation, which full weighting takes back close to the originals; clear errors for other sizes.
import { restrict } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { resolveRunConfig } from './resolve-run-config.js';
import { loadRunData } from './run-data.js';

describe('data.resolution above 28', () => {
  it('56: every split at 56×56; the corners of each image keep the 28×28 values, and full weighting gives back a 28×28 image close to the original', async () => {
    const base = { data: { source: 'mnist', limit: 20, testLimit: 6, validation: 0.25 } };
    const coarse = await loadRunData(resolveRunConfig(base));
    const fine = await loadRunData(resolveRunConfig({ data: { ...base.data, resolution: 56 } }));
    try {
      expect(fine.inputShape).toEqual([56, 56, 1]);
      expect(fine.train.x.shape).toEqual([15, 56, 56, 1]);
      expect(fine.validation?.x.shape).toEqual([5, 56, 56, 1]);
      expect(fine.test.x.shape).toEqual([6, 56, 56, 1]);
      const [corners, back] = tf.tidy(() => {
        const a = coarse.test.x;
        const b = fine.test.x;
        // Aligned corners: pixel (0, 0) and (55, 55) are the originals' (0, 0) and (27, 27).
        const c = tf.max(
          tf.abs(
            tf.sub(
              tf.stack([
                tf.slice(a, [0, 0, 0, 0], [-1, 1, 1, 1]),
                tf.slice(a, [0, 27, 27, 0], [-1, 1, 1, 1]),
              ]),
              tf.stack([
                tf.slice(b, [0, 0, 0, 0], [-1, 1, 1, 1]),
                tf.slice(b, [0, 55, 55, 0], [-1, 1, 1, 1]),
              ]),
            ),
          ),
        );
        // Restriction of the interpolant: a smoothed original, within a fraction of the pixel range.
        const r = tf.mean(tf.abs(tf.sub(restrict(b as tf.Tensor4D), a)));
        return [c.dataSync()[0] as number, r.dataSync()[0] as number];
      }) as unknown as [number, number];
      expect(corners).toBeLessThan(1e-6);
      const range = tf.tidy(
        () => tf.sub(tf.max(coarse.test.x), tf.min(coarse.test.x)).dataSync()[0] as number,
      );
      expect(back).toBeLessThan(0.1 * range);
    } finally {
      coarse.dispose();
      fine.dispose();
    }
  });

  it('a resolution that is not 28·2^k, above 28, is an error naming the sizes', async () => {
    await expect(
      loadRunData(
        resolveRunConfig({ data: { source: 'mnist', limit: 8, testLimit: 4, resolution: 42 } }),
      ),
    ).rejects.toThrow(/56, 112/);
  });
});

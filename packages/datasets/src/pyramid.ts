import { assertNumber, assertRank, restrict, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { assertDataset, type Dataset, withTensors } from './dataset.js';

/**
 * A resolution pyramid of an image dataset for multilevel training: level 0 is the dataset at its
 * own resolution, level `ℓ` is level `ℓ − 1` restricted by full weighting (tensor-ops'
 * `restrict`, stencil `[1 2 1; 2 4 2; 1 2 1]/16`, vertex-centred), so an `H × W` image becomes
 * `⌈H/2⌉ × ⌈W/2⌉`: 28×28 → 14×14 → 7×7 → 4×4 …. Targets are the same at every level.
 *
 * The images are processed `batchSize` at a time through all levels, so the working memory
 * beyond the results is that of one chunk, whatever the dataset's size.
 *
 * @param dataset - An image dataset, `x: [n, H, W, C]` (not modified, not disposed).
 * @param levels - Number of levels including the original, an integer ≥ 1; every restriction
 *   must start from a grid larger than 1×1.
 * @param options - `batchSize`: images per chunk (default 512).
 * @returns `levels` new datasets, finest first, each owned by the caller (dispose each with
 *   {@link disposeDataset}); level `ℓ > 0` is named `<name>@<h>x<w>`.
 * @throws {@link @runge/tensor-ops!ShapeError} unless `x` has rank 4.
 * @throws {@link @runge/tensor-ops!ValueError} when `levels` is not an integer ≥ 1 or asks to restrict a 1×1 grid.
 * @example
 * ```ts
 * const [fine, mid, coarse] = pyramid(train, 3); // 28×28, 14×14, 7×7
 * ```
 */
export function pyramid(
  dataset: Dataset,
  levels: number,
  options: { batchSize?: number } = {},
): Dataset[] {
  assertDataset(dataset);
  assertRank(dataset.x, 4, `${dataset.name}.x`);
  assertNumber(levels, 'levels', { min: 1, integer: true });
  const batchSize = assertNumber(options.batchSize ?? 512, 'batchSize', { min: 1, integer: true });
  const [n, height, width, channels] = dataset.x.shape as [number, number, number, number];

  const sizes: [number, number][] = [[height, width]];
  for (let level = 1; level < levels; level++) {
    const [h, w] = sizes[level - 1] as [number, number];
    if (h === 1 && w === 1) {
      throw new ValueError(
        `levels: ${height}×${width} images reach 1×1 after ${level - 1} restriction(s); ask for at most ${level} levels`,
      );
    }
    sizes.push([Math.ceil(h / 2), Math.ceil(w / 2)]);
  }

  const buffers = sizes.slice(1).map(([h, w]) => new Float32Array(n * h * w * channels));
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const coarse = tf.tidy(() => {
      const out: tf.Tensor4D[] = [];
      let current = tf.slice(dataset.x, start, size) as tf.Tensor4D;
      for (let level = 1; level < levels; level++) {
        current = restrict(current);
        out.push(current);
      }
      return out;
    });
    coarse.forEach((t, i) => {
      const [h, w] = sizes[i + 1] as [number, number];
      (buffers[i] as Float32Array).set(t.dataSync(), start * h * w * channels);
    });
    tf.dispose(coarse);
  }

  const result: Dataset[] = [];
  try {
    result.push(withTensors(dataset, tf.clone(dataset.x), tf.clone(dataset.y), dataset.name));
    buffers.forEach((data, i) => {
      const [h, w] = sizes[i + 1] as [number, number];
      result.push(
        withTensors(
          dataset,
          tf.tensor4d(data, [n, h, w, channels], 'float32'),
          tf.clone(dataset.y),
          `${dataset.name}@${h}x${w}`,
        ),
      );
    });
  } catch (error) {
    for (const level of result) tf.dispose([level.x, level.y]);
    throw error;
  }
  return result;
}

// Image datasets rendered at a finer resolution by bilinear interpolation: the resolution-independent data path for multilevel training on large images.
import { assertNumber, assertRank, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { assertDataset, type Dataset, withTensors } from './dataset.js';

/**
 * An image dataset rendered at `H' × W'` by bilinear interpolation (TF.js `resizeBilinear` with
 * aligned corners): the images are read as samples of a function on `[0, 1]²` at the grid
 * points `(i/(H − 1), j/(W − 1))`, and the new images sample its bilinear interpolant at
 * `(i/(H' − 1), j/(W' − 1))`. So every image that is affine (or bilinear) in the pixel position
 * stays exactly so, and the corners keep their values. The embedded 28×28 digits become 56×56 or
 * 112×112 images of the same shapes. Targets are copied. Processed `batchSize` images at a time.
 *
 * @param dataset - An image dataset, `x: [n, H, W, C]` with `H, W ≥ 2` (not modified, not disposed).
 * @param size - `[H', W']`, each at least the current size.
 * @param options - `batchSize`: images per chunk (default 256).
 * @returns A new dataset named `<name>@<H'>x<W'>`, owned by the caller.
 * @throws {@link @runge/tensor-ops!ShapeError} unless `x` has rank 4.
 * @throws {@link @runge/tensor-ops!ValueError} for a size smaller than the images (use `pyramid`
 *   to coarsen) or images of one row or column.
 * @example
 * ```ts
 * const fine = upsample(train, [112, 112]); // 28×28 digits at 112×112
 * ```
 */
export function upsample(
  dataset: Dataset,
  size: readonly [number, number],
  options: { batchSize?: number } = {},
): Dataset {
  assertDataset(dataset);
  assertRank(dataset.x, 4, `${dataset.name}.x`);
  const batchSize = assertNumber(options.batchSize ?? 256, 'batchSize', { min: 1, integer: true });
  const [n, height, width, channels] = dataset.x.shape as [number, number, number, number];
  const h = assertNumber(size?.[0], 'size[0]', { min: 1, integer: true });
  const w = assertNumber(size?.[1], 'size[1]', { min: 1, integer: true });
  if (h < height || w < width) {
    throw new ValueError(
      `size: ${h}×${w} is smaller than the ${height}×${width} images; upsample only refines (coarsen with pyramid)`,
    );
  }
  if (height < 2 || width < 2) {
    throw new ValueError(
      `upsample: ${height}×${width} images have a single row or column; bilinear interpolation needs at least 2×2`,
    );
  }
  const data = new Float32Array(n * h * w * channels);
  for (let start = 0; start < n; start += batchSize) {
    const count = Math.min(batchSize, n - start);
    const fine = tf.tidy(() =>
      tf.image.resizeBilinear(tf.slice(dataset.x, start, count) as tf.Tensor4D, [h, w], true),
    );
    data.set(fine.dataSync(), start * h * w * channels);
    fine.dispose();
  }
  return withTensors(
    dataset,
    tf.tensor4d(data, [n, h, w, channels], 'float32'),
    tf.clone(dataset.y),
    `${dataset.name}@${h}x${w}`,
  );
}

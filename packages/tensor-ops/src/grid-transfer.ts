import * as tf from '@tensorflow/tfjs-core';
import { ValueError } from './errors.js';
import { assertRank } from './validate.js';

/** The 2-D full-weighting stencil `[1 2 1; 2 4 2; 1 2 1] / 16` as a [3, 3, 1, 1] filter. */
function fullWeighting(scale: number): tf.Tensor4D {
  const w = [1, 2, 1, 2, 4, 2, 1, 2, 1].map((v) => (v * scale) / 16);
  return tf.tensor4d(w, [3, 3, 1, 1]);
}

/** Vertex-centred coarse size: fine points 0, 2, 4, … are kept. */
function coarseSize(fine: number): number {
  return Math.ceil(fine / 2);
}

/** [N, H, W, C] → [N·C, H, W, 1], so each channel is filtered on its own by a 1-channel conv. */
function channelsToBatch(x: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  return tf.reshape(tf.transpose(x, [0, 3, 1, 2]), [n * c, h, w, 1]);
}

function batchToChannels(x: tf.Tensor4D, n: number, c: number): tf.Tensor4D {
  const [, h, w] = x.shape;
  return tf.transpose(tf.reshape(x, [n, c, h, w]), [0, 2, 3, 1]);
}

function explicitPadding(
  fineH: number,
  fineW: number,
): [[0, 0], [number, number], [number, number], [0, 0]] {
  // Coarse point J sits on fine point 2J; a missing neighbour beyond the last fine row/column
  // is zero (the image is zero outside its support).
  return [
    [0, 0],
    [1, 2 * coarseSize(fineH) - fineH],
    [1, 2 * coarseSize(fineW) - fineW],
    [0, 0],
  ];
}

/**
 * Restriction by full weighting (vertex-centred): the coarse value at `J` is the weighted mean
 * of the fine values around fine point `2J`,
 * `(R u)_J = Σ_{a,b ∈ {-1,0,1}} w_a w_b u_{2J+(a,b)}` with `w = [1/4, 1/2, 1/4]`, i.e. the
 * stencil `[1 2 1; 2 4 2; 1 2 1] / 16`. Values outside the image count as zero. `R = Pᵀ/4` for
 * the bilinear prolongation {@link prolong}. Each channel is restricted independently.
 *
 * @param images - `[N, H, W, C]` (NHWC).
 * @returns `[N, ⌈H/2⌉, ⌈W/2⌉, C]`.
 * @throws {@link ShapeError} unless `images` has rank 4.
 * @example
 * ```ts
 * const coarse = restrict(mnistBatch); // [64, 28, 28, 1] → [64, 14, 14, 1]
 * ```
 */
export function restrict(images: tf.Tensor4D): tf.Tensor4D {
  assertRank(images, 4, 'images');
  return tf.tidy(() => {
    const [n, h, w, c] = images.shape;
    const x = channelsToBatch(tf.cast(images, 'float32') as tf.Tensor4D);
    const y = tf.conv2d(x, fullWeighting(1), 2, explicitPadding(h, w));
    return batchToChannels(y, n, c);
  });
}

/**
 * Prolongation by bilinear interpolation (vertex-centred): fine point `2J` takes the coarse value
 * at `J`, points between two coarse points take their mean, and points between four take the
 * mean of four (1-D stencil `[1/2, 1, 1/2]`, 2-D its tensor product). Coarse values beyond the
 * last row/column count as zero. It is the adjoint of {@link restrict} up to the factor 4:
 * `P = 4 Rᵀ`, so `⟨R u, v⟩ = ⟨u, P v⟩ / 4`.
 *
 * @param images - `[N, h, w, C]` (NHWC).
 * @param options - `height`, `width` of the fine grid; default `2h`, `2w`. Each must be `2h` or
 *   `2h − 1` (the fine sizes whose restriction has `h` rows).
 * @returns `[N, height, width, C]`.
 * @throws {@link ShapeError} unless `images` has rank 4.
 * @throws {@link ValueError} when a requested fine size does not restrict to the coarse size.
 * @example
 * ```ts
 * const fine = prolong(coarse);                         // [64, 14, 14, 1] → [64, 28, 28, 1]
 * const odd = prolong(tf.zeros([1, 4, 4, 1]), { height: 7, width: 7 });
 * ```
 */
export function prolong(
  images: tf.Tensor4D,
  options: { height?: number; width?: number } = {},
): tf.Tensor4D {
  assertRank(images, 4, 'images');
  const [n, h, w, c] = images.shape;
  const height = options.height ?? 2 * h;
  const width = options.width ?? 2 * w;
  for (const [name, fine, coarse] of [
    ['height', height, h],
    ['width', width, w],
  ] as const) {
    if (!Number.isInteger(fine) || coarseSize(fine) !== coarse) {
      throw new ValueError(
        `prolong: ${name} ${fine} does not restrict to ${coarse}; use ${2 * coarse} or ${2 * coarse - 1}`,
      );
    }
  }
  return tf.tidy(() => {
    const x = channelsToBatch(tf.cast(images, 'float32') as tf.Tensor4D);
    const y = tf.conv2dTranspose(
      x,
      fullWeighting(4),
      [n * c, height, width, 1],
      2,
      explicitPadding(height, width),
    );
    return batchToChannels(y, n, c);
  });
}

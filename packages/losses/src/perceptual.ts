import { formatShape, isTensor, ShapeError, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { gram } from './gram-matrix.js';
import { assertFloat } from './internal/checks.js';

/**
 * A fixed feature network φ for perceptual losses: maps NHWC images `[N, H, W, C]` to a list of
 * feature maps `φ_j(images)`, each NHWC `[N, H_j, W_j, C_j]` with the same batch `N`. Any function
 * will do: a user's tfjs model (`(x) => model.predict(x) as tf.Tensor4D[]`) or
 * {@link randomFeatureExtractor}. The losses call it inside `tf.tidy`, so it may create
 * intermediates freely; it must not dispose its input.
 */
export type FeatureExtractor = (images: tf.Tensor4D) => readonly tf.Tensor4D[];

function assertImages(x: unknown, name: string): asserts x is tf.Tensor4D {
  assertFloat(x, name);
  if (x.rank !== 4 || x.shape.some((d) => d === 0)) {
    throw new ShapeError(
      `${name}: expected non-empty NHWC images [N, H, W, C], got ${formatShape(x.shape)}`,
    );
  }
}

function assertExtractor(phi: unknown): asserts phi is FeatureExtractor {
  if (typeof phi !== 'function') {
    throw new ValueError(
      `phi: expected a feature extractor (images) => featureMaps[], got ${phi === null ? 'null' : typeof phi}; see randomFeatureExtractor`,
    );
  }
}

/** Runs φ and checks that it returned a non-empty list of NHWC maps with the input's batch. */
function extract(phi: FeatureExtractor, images: tf.Tensor4D, name: string): tf.Tensor4D[] {
  const maps = phi(images);
  if (!Array.isArray(maps) || maps.length === 0) {
    throw new ValueError(
      `phi(${name}): expected a non-empty list of feature maps, got ${Array.isArray(maps) ? 'an empty list' : typeof maps}`,
    );
  }
  const batch = images.shape[0];
  maps.forEach((m: unknown, j) => {
    if (!isTensor(m) || m.rank !== 4 || m.shape[0] !== batch || m.size === 0) {
      throw new ShapeError(
        `phi(${name})[${j}]: expected a feature map [${batch}, H, W, C], got ${isTensor(m) ? formatShape(m.shape) : typeof m}`,
      );
    }
  });
  return maps as tf.Tensor4D[];
}

function assertBatch(reference: tf.Tensor4D, generated: tf.Tensor4D, name: string): void {
  const b = reference.shape[0];
  if (b !== 1 && b !== generated.shape[0]) {
    throw new ShapeError(
      `${name}: expected batch 1 (shared by every generated image) or ${generated.shape[0]} (one per generated image), got ${formatShape(reference.shape)}`,
    );
  }
}

/**
 * Style loss (Johnson et al.): `L_style(y, y_s) = Σ_j ‖G_j(y_s) − G_j(y)‖²_F`, with `G_j` the
 * {@link gramMatrix} of the feature map `φ_j`. Per generated image, then the mean over the
 * batch. Gram matrices do not depend on the spatial size, so the style image may be larger or
 * smaller than the generated images (it needs the same channel count). `styleLoss(φ, x, x) = 0`.
 *
 * @param phi - The feature extractor φ.
 * @param generated - Float32 NHWC `[N, H, W, C]`: the images being optimised, `y`.
 * @param styleImage - Float32 NHWC `[1, H_s, W_s, C]` (one style for every image) or
 *   `[N, H_s, W_s, C]` (one style per image): `y_s`.
 * @returns A scalar tensor: `(1/N) Σ_n Σ_j ‖G_j(y_s)_n − G_j(y)_n‖²_F`.
 * @throws `ValueError` when `phi` is not a function or returns no maps.
 * @throws `DTypeError` unless the images are float32.
 * @throws `ShapeError` for non-NHWC images, mismatched channels or batches, or feature
 *   lists whose length or channels differ between the two inputs.
 * @example
 * ```ts
 * const phi = randomFeatureExtractor({ seed: 1 });
 * const loss = styleLoss(phi, generated, style); // generated [4, 64, 64, 3], style [1, 64, 64, 3]
 * ```
 */
export function styleLoss(
  phi: FeatureExtractor,
  generated: tf.Tensor4D,
  styleImage: tf.Tensor4D,
): tf.Scalar {
  assertExtractor(phi);
  assertImages(generated, 'generated');
  assertImages(styleImage, 'styleImage');
  assertBatch(styleImage, generated, 'styleImage');
  if (styleImage.shape[3] !== generated.shape[3]) {
    throw new ShapeError(
      `styleImage: expected ${generated.shape[3]} channels (those of generated), got ${formatShape(styleImage.shape)}`,
    );
  }
  return tf.tidy(() => {
    const fy = extract(phi, generated, 'generated');
    const fs = extract(phi, styleImage, 'styleImage');
    if (fs.length !== fy.length) {
      throw new ShapeError(
        `phi: returned ${fy.length} feature maps for generated but ${fs.length} for styleImage`,
      );
    }
    const perLayer = fy.map((y, j) => {
      const s = fs[j] as tf.Tensor4D;
      if (s.shape[3] !== y.shape[3]) {
        throw new ShapeError(
          `phi(styleImage)[${j}]: expected ${y.shape[3]} channels (those of phi(generated)[${j}]), got ${formatShape(s.shape)}`,
        );
      }
      return tf.sum(tf.square(tf.sub(gram(s), gram(y))), [1, 2]);
    });
    return tf.mean(
      perLayer.length === 1 ? (perLayer[0] as tf.Tensor) : tf.addN(perLayer),
    ) as tf.Scalar;
  });
}

/**
 * Feature (content) loss (Johnson et al.):
 * `L_feature(y, y_c) = Σ_j 1/(C_j H_j W_j) ‖φ_j(y_c) − φ_j(y)‖²`: the squared distance of the
 * feature maps, averaged over each map's entries. Per generated image, then the mean over the
 * batch. The content images must have the generated images' size.
 *
 * @param phi - The feature extractor φ.
 * @param generated - Float32 NHWC `[N, H, W, C]`: `y`.
 * @param contentImage - Float32 NHWC `[N, H, W, C]` (one per image) or `[1, H, W, C]` (shared):
 *   `y_c`.
 * @returns A scalar tensor: `(1/N) Σ_n Σ_j mean_{h,w,c} (φ_j(y_c)_n − φ_j(y)_n)²`.
 * @throws `ValueError` when `phi` is not a function or returns no maps.
 * @throws `DTypeError` unless the images are float32.
 * @throws `ShapeError` for non-NHWC images, mismatched sizes or batches, or feature lists
 *   that differ between the two inputs.
 * @example
 * ```ts
 * const loss = featureLoss(phi, generated, content); // both [4, 64, 64, 3]
 * ```
 */
export function featureLoss(
  phi: FeatureExtractor,
  generated: tf.Tensor4D,
  contentImage: tf.Tensor4D,
): tf.Scalar {
  assertExtractor(phi);
  assertImages(generated, 'generated');
  assertImages(contentImage, 'contentImage');
  assertBatch(contentImage, generated, 'contentImage');
  if (contentImage.shape.slice(1).some((d, i) => d !== generated.shape[i + 1])) {
    throw new ShapeError(
      `contentImage: expected [${contentImage.shape[0]}, ${generated.shape.slice(1).join(', ')}] (the size of generated), got ${formatShape(contentImage.shape)}`,
    );
  }
  return tf.tidy(() => {
    const fy = extract(phi, generated, 'generated');
    const fc = extract(phi, contentImage, 'contentImage');
    if (fc.length !== fy.length) {
      throw new ShapeError(
        `phi: returned ${fy.length} feature maps for generated but ${fc.length} for contentImage`,
      );
    }
    const perLayer = fy.map((y, j) => {
      const c = fc[j] as tf.Tensor4D;
      if (c.shape.slice(1).some((d, i) => d !== y.shape[i + 1])) {
        throw new ShapeError(
          `phi(contentImage)[${j}]: expected [*, ${y.shape.slice(1).join(', ')}] (the shape of phi(generated)[${j}]), got ${formatShape(c.shape)}`,
        );
      }
      return tf.mean(tf.square(tf.sub(c, y)), [1, 2, 3]);
    });
    return tf.mean(
      perLayer.length === 1 ? (perLayer[0] as tf.Tensor) : tf.addN(perLayer),
    ) as tf.Scalar;
  });
}

import { formatShape, ShapeError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { assertFloat } from './internal/checks.js';

/**
 * Gram matrices of NHWC feature maps, one per sample:
 * `G_{c,c'} = 1/(C H W) Σ_{h,w} φ_{h,w,c} φ_{h,w,c'}`. The channel correlations, averaged over
 * positions, forget where a pattern occurs and keep what occurs together: the texture
 * statistics of Gatys et al. and Johnson et al. Symmetric positive semidefinite.
 *
 * @param features - Float32 `[N, H, W, C]` with `H, W, C ≥ 1`.
 * @returns `[N, C, C]`.
 * @throws `ValueError` when `features` is not a live tensor.
 * @throws `DTypeError` unless it is float32.
 * @throws `ShapeError` unless it has rank 4 and non-empty `H, W, C`.
 * @example
 * ```ts
 * const G = gramMatrix(tf.ones([2, 4, 4, 3]) as tf.Tensor4D); // [2, 3, 3], every entry 1/3
 * ```
 */
export function gramMatrix(features: tf.Tensor4D): tf.Tensor3D {
  assertFloat(features, 'features');
  if (features.rank !== 4 || features.shape.slice(1).some((d) => d === 0)) {
    throw new ShapeError(
      `features: expected NHWC shape [N, H, W, C] with H, W, C >= 1, got ${formatShape(features.shape)}`,
    );
  }
  return gram(features);
}

/** {@link gramMatrix} without validation, for callers that have checked the shape. */
export function gram(features: tf.Tensor4D): tf.Tensor3D {
  const [n, h, w, c] = features.shape;
  return tf.tidy(() => {
    const f = tf.reshape(features, [n, h * w, c]) as tf.Tensor3D;
    return tf.div(tf.matMul(f, f, true, false), c * h * w) as tf.Tensor3D;
  });
}

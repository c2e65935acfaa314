import { conv, convTranspose, formatShape, ShapeError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';

/**
 * The linear operator `K` of a dynamics function, for dense features (`y: [batch, d]`,
 * `K: [d, m]`, `K y := y·K`) or NHWC feature maps (`y: [batch, H, W, c]`, `K: [k, k, c, m]`,
 * `K y := conv2d(y, K, 1, 'same')`).
 */
export function applyK(y: tf.Tensor, K: tf.Tensor, where: string): tf.Tensor {
  if (y.rank === 2 && K.rank === 2) return tf.matMul(y as tf.Tensor2D, K as tf.Tensor2D);
  if (y.rank === 4 && K.rank === 4) return conv(y as tf.Tensor4D, K as tf.Tensor4D);
  throw new ShapeError(
    `${where}: features ${formatShape(y.shape)} and weight ${formatShape(K.shape)} do not fit; expected y [batch, d] with K [d, m], or y [batch, H, W, c] with K [k, k, c, m]`,
  );
}

/**
 * The adjoint `Kᵀ` of {@link applyK}: `z·Kᵀ` for dense features, the transposed convolution with
 * the same filter for feature maps (`inputShape` is the shape of `K`'s input).
 */
export function applyKT(
  z: tf.Tensor,
  K: tf.Tensor,
  inputShape: readonly number[],
  where: string,
): tf.Tensor {
  if (z.rank === 2 && K.rank === 2) {
    return tf.matMul(z as tf.Tensor2D, K as tf.Tensor2D, false, true);
  }
  if (z.rank === 4 && K.rank === 4) {
    return convTranspose(z as tf.Tensor4D, K as tf.Tensor4D, { inputShape });
  }
  throw new ShapeError(
    `${where}: features ${formatShape(z.shape)} and weight ${formatShape(K.shape)} do not fit the adjoint; expected z [batch, m] with K [d, m], or z [batch, H, W, m] with K [k, k, c, m]`,
  );
}

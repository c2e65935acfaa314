import * as tf from '@tensorflow/tfjs-core';
import { assertFloat, assertSameShapeNamed } from './internal/checks.js';

/**
 * Mean squared error, `L = (1/n) Σ_i (x_i − y_i)²`, the mean over every entry (batch and
 * features alike, as in `tf.losses.meanSquaredError`). The gradient w.r.t. the prediction is
 * `2 (x − y) / n`.
 *
 * @param prediction - Float32 tensor `x` of any shape, usually `[batch, ...]`.
 * @param target - Float32 tensor `y` of the same shape (no broadcasting, so a `[B]` vs `[B, 1]`
 *   mix-up is an error rather than a `[B, B]` loss).
 * @returns A scalar tensor (NaN for empty tensors).
 * @throws `ValueError` when an argument is not a live tensor.
 * @throws `DTypeError` unless both are float32.
 * @throws `ShapeError` when the shapes differ.
 * @example
 * ```ts
 * mse(tf.tensor1d([1, 2]), tf.tensor1d([0, 4])); // (1 + 4) / 2 = 2.5
 * ```
 */
export function mse(prediction: tf.Tensor, target: tf.Tensor): tf.Scalar {
  assertFloat(prediction, 'prediction');
  assertFloat(target, 'target');
  assertSameShapeNamed(prediction, target, 'prediction', 'target');
  return tf.tidy(() => tf.mean(tf.square(tf.sub(prediction, target))) as tf.Scalar);
}

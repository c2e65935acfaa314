import { assertNumber } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { assertFloat, assertSameShapeNamed } from './internal/checks.js';

/**
 * Quantile (pinball) loss, mean over every entry:
 * `QL_α(x, y) = α (y − x)⁺ + (1 − α)(x − y)⁺`. Its minimiser over `x` is the α-quantile of
 * `y`, so a network trained with α = 0.99 on returns predicts the 99 % value at risk. At
 * α = 0.5 it is half the mean absolute error. The gradient w.r.t. `x` is `−α` where `x < y`,
 * `1 − α` where `x > y`, and 0 where they are equal.
 *
 * @param prediction - Float32 tensor `x` of any shape.
 * @param target - Float32 tensor `y` of the same shape.
 * @param alpha - The quantile level α, strictly between 0 and 1.
 * @returns A scalar tensor.
 * @throws `ValueError` for α outside (0, 1) or an argument that is not a live tensor.
 * @throws `DTypeError` unless both tensors are float32.
 * @throws `ShapeError` when the shapes differ.
 * @example
 * ```ts
 * quantileLoss(tf.tensor1d([0]), tf.tensor1d([1]), 0.9); // 0.9 · 1 = 0.9 (under-prediction)
 * quantileLoss(tf.tensor1d([1]), tf.tensor1d([0]), 0.9); // 0.1 · 1 = 0.1 (over-prediction)
 * ```
 */
export function quantileLoss(prediction: tf.Tensor, target: tf.Tensor, alpha: number): tf.Scalar {
  assertFloat(prediction, 'prediction');
  assertFloat(target, 'target');
  assertSameShapeNamed(prediction, target, 'prediction', 'target');
  assertNumber(alpha, 'alpha', { min: 0, max: 1, exclusiveMin: true, exclusiveMax: true });
  return tf.tidy(() => {
    const under = tf.relu(tf.sub(target, prediction));
    const over = tf.relu(tf.sub(prediction, target));
    return tf.mean(tf.add(tf.mul(under, alpha), tf.mul(over, 1 - alpha))) as tf.Scalar;
  });
}

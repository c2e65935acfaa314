// The Gaussian negative log-likelihood of targets under a predicted mean and log-variance: the loss of a regressor that predicts its own noise.
import * as tf from '@tensorflow/tfjs-core';
import { assertFloat, assertSameShapeNamed } from './internal/checks.js';

/**
 * Mean Gaussian negative log-likelihood of targets `y` under `N(μ, e^{s})`:
 * `L = (1/n) Σ_i ½ (log 2π + s_i + (y_i − μ_i)² e^{−s_i})`, the mean over every entry. Minimised
 * over `s` at `e^{s} = (y − μ)²`, so a regressor trained with it predicts its own noise variance
 * (the aleatoric part of a predictive interval). The gradients are `∂L/∂μ = (μ − y) e^{−s}/n`
 * and `∂L/∂s = ½(1 − (y − μ)² e^{−s})/n`.
 *
 * @param mu - Float32 predicted means, any shape (usually `[batch, 1]`).
 * @param logVar - Float32 predicted log-variances `s`, the shape of `mu`.
 * @param target - Float32 targets, the shape of `mu`.
 * @returns A scalar tensor.
 * @throws `ValueError` when an argument is not a live tensor.
 * @throws `DTypeError` unless all are float32.
 * @throws `ShapeError` when the shapes differ.
 * @example
 * ```ts
 * gaussianNll(tf.tensor1d([0]), tf.tensor1d([0]), tf.tensor1d([1])); // ½ log 2π + ½ ≈ 1.419
 * ```
 */
export function gaussianNll(mu: tf.Tensor, logVar: tf.Tensor, target: tf.Tensor): tf.Scalar {
  assertFloat(mu, 'mu');
  assertFloat(logVar, 'logVar');
  assertFloat(target, 'target');
  assertSameShapeNamed(mu, logVar, 'mu', 'logVar');
  assertSameShapeNamed(mu, target, 'mu', 'target');
  return tf.tidy(() => {
    const sq = tf.square(tf.sub(target, mu));
    const terms = tf.add(logVar, tf.mul(sq, tf.exp(tf.neg(logVar))));
    return tf.mul(0.5, tf.add(tf.mean(terms), Math.log(2 * Math.PI))) as tf.Scalar;
  });
}

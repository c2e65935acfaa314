import * as tf from '@tensorflow/tfjs-core';
import { assertFloat, assertSameShapeNamed, sumPerSample } from './internal/checks.js';

/** Checks the encoder outputs `mu`, `logVar`: float32, same shape, batch on axis 0. */
export function assertLatent(mu: unknown, logVar: unknown): asserts mu is tf.Tensor {
  assertFloat(mu, 'mu', 2);
  assertFloat(logVar, 'logVar', 2);
  assertSameShapeNamed(mu, logVar, 'mu', 'logVar');
}

/**
 * KL divergence of a diagonal Gaussian from the standard normal,
 * `KL(N(μ, diag s²) ‖ N(0, I)) = ½ Σ_d (μ_d² + s_d² − log s_d² − 1)`, summed over the latent
 * dimensions and averaged over the batch. Parameterised by the log-variance `log s²`, so `s²`
 * is always positive and the log never sees 0. Zero exactly when μ = 0 and s = 1. Finite as long
 * as `exp(logVar)` is (|logVar| up to about 88 in float32).
 *
 * @param mu - Float32 `[batch, ...latent]`: the encoder means μ.
 * @param logVar - Float32, same shape: the encoder log-variances `log s²`.
 * @returns A scalar tensor.
 * @throws `ValueError` when an argument is not a live tensor.
 * @throws `DTypeError` unless both are float32.
 * @throws `ShapeError` for rank < 2 or different shapes.
 * @example
 * ```ts
 * gaussianKl(tf.tensor2d([[1, 0]]), tf.tensor2d([[0, Math.log(2)]])); // ½(1 + (2 − ln 2 − 1)) ≈ 0.653
 * ```
 */
export function gaussianKl(mu: tf.Tensor, logVar: tf.Tensor): tf.Scalar {
  assertLatent(mu, logVar);
  return tf.tidy(() => {
    const terms = tf.sub(tf.add(tf.square(mu), tf.exp(logVar)), tf.add(logVar, 1));
    return tf.mul(tf.mean(sumPerSample(terms)), 0.5) as tf.Scalar;
  });
}

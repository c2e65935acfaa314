import { formatShape, ShapeError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { assertFloat } from './internal/checks.js';

function assertLogits(logits: unknown, name: string): asserts logits is tf.Tensor {
  assertFloat(logits, name, 1);
  if (logits.shape[logits.rank - 1] === 0) {
    throw new ShapeError(
      `${name}: expected at least one class on the last axis, got shape ${formatShape(logits.shape)}`,
    );
  }
}

/**
 * Softmax along the last axis, `S(C)_k = exp(C_k) / Σ_l exp(C_l)`. Stable: the row maximum is
 * subtracted first (softmax is invariant to that shift), so no `exp` overflows; finite logits
 * of any size (±1e4 included) give finite probabilities.
 *
 * @param logits - Float32 `[..., classes]`, usually `[batch, classes]`.
 * @returns The probabilities, same shape; each row sums to 1.
 * @throws `ValueError` when `logits` is not a live tensor.
 * @throws `DTypeError` unless `logits` is float32.
 * @throws `ShapeError` for a scalar or an empty last axis.
 * @example
 * ```ts
 * softmax(tf.tensor2d([[0.6, 1.0, 2.0]])); // ≈ [[0.153, 0.228, 0.619]]
 * ```
 */
export function softmax(logits: tf.Tensor): tf.Tensor {
  assertLogits(logits, 'logits');
  return tf.tidy(() => {
    const e = tf.exp(tf.sub(logits, tf.max(logits, -1, true)));
    return tf.div(e, tf.sum(e, -1, true));
  });
}

/**
 * Log-softmax along the last axis by log-sum-exp,
 * `log S(C)_k = (C_k − m) − log Σ_l exp(C_l − m)` with `m = max_l C_l`. Finite for finite
 * logits (a logit 2·10⁴ below the maximum gives −2·10⁴, not −∞), which is what makes
 * {@link softmaxCrossEntropy} finite.
 *
 * @param logits - Float32 `[..., classes]`.
 * @returns `log softmax(logits)`, same shape.
 * @throws `ValueError` when `logits` is not a live tensor.
 * @throws `DTypeError` unless `logits` is float32.
 * @throws `ShapeError` for a scalar or an empty last axis.
 * @example
 * ```ts
 * logSoftmax(tf.tensor2d([[1e4, -1e4]])); // [[0, -2e4]]
 * ```
 */
export function logSoftmax(logits: tf.Tensor): tf.Tensor {
  assertLogits(logits, 'logits');
  return tf.tidy(() => {
    const shifted = tf.sub(logits, tf.max(logits, -1, true));
    return tf.sub(shifted, tf.log(tf.sum(tf.exp(shifted), -1, true)));
  });
}

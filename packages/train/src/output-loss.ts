// The losses of a model's outputs that Gauss–Newton and variable projection understand: their value and the product with their Hessian in the outputs.
import { mse, softmax, softmaxCrossEntropy } from '@runge/losses';
import * as tf from '@tensorflow/tfjs-core';

/**
 * The output losses of {@link outputLoss}: `'squared-error'` (the mean of `(y − t)²` over all
 * entries, as `mse` of @runge/losses) and `'softmax-cross-entropy'` (the mean over examples of
 * `−log softmax(y)_label`).
 *
 * @example
 * ```ts
 * OUTPUT_LOSSES.includes('softmax-cross-entropy'); // true
 * ```
 */
export const OUTPUT_LOSSES = Object.freeze(['squared-error', 'softmax-cross-entropy'] as const);

/** A name of {@link OUTPUT_LOSSES}. */
export type OutputLossName = (typeof OUTPUT_LOSSES)[number];

/** A loss `ℓ(y)` of outputs `y: [N, k]` against fixed targets, with its Hessian in `y`. */
export interface OutputLoss {
  /** Its name. */
  readonly name: OutputLossName;
  /** `ℓ(y)`, a scalar. */
  value(y: tf.Tensor): tf.Scalar;
  /**
   * `∇²ℓ(y) u` for `u: [N, k]`: `2u / (N k)` for squared error,
   * `(p ⊙ u − p ⊙ (pᵀu)) / N` row by row for cross-entropy (`p = softmax(y)`, the Hessian
   * `(diag p − p pᵀ) / N` of each row). Positive semi-definite in both cases.
   */
  hessianProduct(y: tf.Tensor, u: tf.Tensor): tf.Tensor;
}

/**
 * The output loss `name` against `targets`: values `[N, k]` for squared error; class indices
 * `[N]` or one-hot rows `[N, k]` for cross-entropy (labels are not re-checked here).
 *
 * docs: /guide/optimisers
 *
 * @param name - One of {@link OUTPUT_LOSSES}.
 * @param targets - The targets (not retained beyond the loss's use; the caller keeps ownership).
 * @returns The loss and its Hessian product.
 * @example
 * ```ts
 * const loss = outputLoss('softmax-cross-entropy', labels);
 * const hu = loss.hessianProduct(logits, u); // (diag p − p pᵀ) u / N, row by row
 * ```
 */
export function outputLoss(name: OutputLossName, targets: tf.Tensor): OutputLoss {
  if (name === 'squared-error') {
    return {
      name,
      value: (y) => mse(y, targets),
      hessianProduct: (y, u) => tf.mul(u, 2 / y.size),
    };
  }
  return {
    name,
    value: (y) => softmaxCrossEntropy(y, targets, { checkLabels: false }),
    hessianProduct: (y, u) =>
      tf.tidy(() => {
        const p = softmax(y);
        const pu = tf.mul(p, u);
        const mean = tf.sum(pu, -1, true);
        return tf.div(tf.sub(pu, tf.mul(p, mean)), y.shape[0] as number);
      }),
  };
}

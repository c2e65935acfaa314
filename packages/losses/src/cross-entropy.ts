import * as tf from '@tensorflow/tfjs-core';
import { checkClassification, toDistribution } from './internal/labels.js';
import { logSoftmax } from './softmax.js';

/** Options of {@link softmaxCrossEntropy} and {@link accuracy}. */
export interface ClassificationOptions {
  /**
   * Read the labels to check their values: class indices integral and in `[0, classes)`,
   * one-hot/probability rows in `[0, 1]` summing to 1 (within 1e-3). Default `true`. The check
   * reads the labels from the device; turn it off in a hot loop whose labels are known good.
   */
  readonly checkLabels?: boolean;
}

/**
 * Softmax cross-entropy, mean over the batch:
 * `L = −(1/B) Σ_b Σ_k C_gt[b, k] · log S(C)[b, k]`, with `S` the softmax of the logits `C` and
 * `C_gt` the target distribution (one-hot for class indices). Computed from
 * {@link logSoftmax}, so it is finite for finite logits of any size (±1e4 included), and the
 * gradient w.r.t. the logits is `(S(C) − C_gt) / B`.
 *
 * @param logits - Float32 `[batch, classes]`.
 * @param labels - Class indices `[batch]` (int32, or float32 holding integers), or one-hot /
 *   probability rows `[batch, classes]` (int32 or float32).
 * @param options - `checkLabels` (default `true`).
 * @returns A scalar tensor (the caller disposes it).
 * @throws `ShapeError` when `logits` is not `[batch, classes]` or `labels` does not match.
 * @throws `DTypeError` for float logits other than float32 or labels other than
 *   int32/float32.
 * @throws `ValueError` for an index outside `[0, classes)`, a non-integral index, or
 *   probability rows outside `[0, 1]` or not summing to 1.
 * @example
 * ```ts
 * const loss = softmaxCrossEntropy(logits, tf.tensor1d([3, 0, 7], 'int32')); // logits [3, 10]
 * ```
 */
export function softmaxCrossEntropy(
  logits: tf.Tensor,
  labels: tf.Tensor,
  options: ClassificationOptions = {},
): tf.Scalar {
  const kind = checkClassification(logits, labels, options.checkLabels ?? true);
  const classes = logits.shape[1] as number;
  return tf.tidy(() => {
    const target = toDistribution(labels, kind, classes);
    return tf.neg(tf.mean(tf.sum(tf.mul(target, logSoftmax(logits)), 1))) as tf.Scalar;
  });
}

/**
 * Classification accuracy: the fraction of rows whose largest logit is the label's class
 * (for one-hot/probability labels, the class with the largest probability; ties go to the
 * lowest class index). Returned as a plain number, not a tensor, because it is a metric read
 * on the host, not a differentiable loss.
 *
 * @param logits - Float32 `[batch, classes]`.
 * @param labels - As for {@link softmaxCrossEntropy}.
 * @param options - `checkLabels` (default `true`).
 * @returns A number in `[0, 1]`; `NaN` for an empty batch.
 * @throws As {@link softmaxCrossEntropy}.
 * @example
 * ```ts
 * accuracy(tf.tensor2d([[2, 1], [0, 3]]), tf.tensor1d([0, 0], 'int32')); // 0.5
 * ```
 */
export function accuracy(
  logits: tf.Tensor,
  labels: tf.Tensor,
  options: ClassificationOptions = {},
): number {
  const kind = checkClassification(logits, labels, options.checkLabels ?? true);
  const fraction = tf.tidy(() => {
    const predicted = tf.argMax(logits, 1);
    const truth = kind === 'index' ? tf.cast(labels, 'int32') : tf.argMax(labels, 1);
    return tf.mean(tf.cast(tf.equal(predicted, truth), 'float32'));
  });
  const value = fraction.dataSync()[0] as number;
  fraction.dispose();
  return value;
}

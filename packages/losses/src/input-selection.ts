import { assertNumber, formatShape, ShapeError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { assertFloat } from './internal/checks.js';
import { l1 } from './l1.js';

/**
 * Initial weights of an L1 input-selection layer: `w = 1`, every input passed through unchanged.
 *
 * @param features - The number of input features F ≥ 1.
 * @returns A float32 `[F]` tensor of ones (the caller owns it).
 * @throws `ValueError` unless `features` is a positive integer.
 * @example
 * ```ts
 * const w = inputSelectionInit(13); // one weight per input column
 * ```
 */
export function inputSelectionInit(features: number): tf.Tensor1D {
  assertNumber(features, 'features', { min: 1, integer: true });
  return tf.ones([features], 'float32') as tf.Tensor1D;
}

/**
 * The L1 input-selection layer, `x̂_i = w_i x_i`: each input feature is scaled by its own
 * weight. Trained with {@link inputSelectionPenalty}, the weights of irrelevant inputs go to
 * zero, and `|w_i|` ranks the inputs by importance.
 *
 * @param w - Float32 `[F]`: the selection weights.
 * @param x - Float32 `[..., F]`, usually `[batch, F]`.
 * @returns `x ⊙ w` (broadcast along the last axis), same shape as `x`.
 * @throws `ValueError` when an argument is not a live tensor.
 * @throws `DTypeError` unless both are float32.
 * @throws `ShapeError` unless `w` is `[F]` with F the last dimension of `x`.
 * @example
 * ```ts
 * const selected = inputSelectionApply(w, tf.tensor2d([[1, 2, 3]])); // w [3]
 * ```
 */
export function inputSelectionApply(w: tf.Tensor, x: tf.Tensor): tf.Tensor {
  assertFloat(w, 'w');
  assertFloat(x, 'x', 1);
  const features = x.shape[x.rank - 1] as number;
  if (w.rank !== 1 || w.shape[0] !== features) {
    throw new ShapeError(
      `w: expected shape [${features}] (the last dimension of x ${formatShape(x.shape)}), got ${formatShape(w.shape)}`,
    );
  }
  return tf.tidy(() => tf.mul(x, w));
}

/**
 * The penalty of the input-selection layer, `λ ‖w‖₁` (see {@link l1}).
 *
 * @param w - Float32 `[F]`: the selection weights.
 * @param lambda - The weight λ ≥ 0.
 * @returns A scalar tensor.
 * @throws `ValueError` for λ < 0 or `w` not a live tensor.
 * @throws `DTypeError` unless `w` is float32.
 * @throws `ShapeError` unless `w` has rank 1.
 * @example
 * ```ts
 * const loss = tf.add(mse(model(inputSelectionApply(w, x)), y), inputSelectionPenalty(w, 1e-3));
 * ```
 */
export function inputSelectionPenalty(w: tf.Tensor, lambda: number): tf.Scalar {
  assertFloat(w, 'w');
  if (w.rank !== 1) {
    throw new ShapeError(
      `w: expected shape [F] (one weight per feature), got ${formatShape(w.shape)}`,
    );
  }
  return l1(w, lambda);
}

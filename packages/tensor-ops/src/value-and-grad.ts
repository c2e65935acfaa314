import * as tf from '@tensorflow/tfjs-core';
import { NumericalError } from './errors.js';
import { assertGradients } from './gradients.js';
import { type TensorTree, treeFlatten } from './tree.js';
import { isTensor } from './validate.js';

/**
 * Differentiates a scalar function of a whole parameter tree: returns `f(θ)` and `∇_θ f` with the
 * structure of `θ`. Intermediate tensors are released; the caller owns `value` and `grads`.
 *
 * @param f - A function of the parameter tree returning a scalar tensor.
 * @returns A function `θ ↦ { value: f(θ), grads: ∂f/∂θ }`.
 * @throws {@link GradientsError} when TF.js gradients are not registered.
 * @throws {@link NumericalError} when `f` returns a non-scalar.
 * @example
 * ```ts
 * const lossAndGrad = valueAndGrad((p: { w: tf.Tensor }) => tf.sum(tf.square(p.w)));
 * const { value, grads } = lossAndGrad({ w: tf.tensor([1, 2]) }); // value 5, grads.w = [2, 4]
 * ```
 */
export function valueAndGrad<P extends TensorTree>(
  f: (params: P) => tf.Scalar,
): (params: P) => { value: tf.Scalar; grads: P } {
  return (params: P) => {
    assertGradients();
    const { leaves, unflatten } = treeFlatten(params);
    const g = tf.valueAndGrads((...xs: tf.Tensor[]) => {
      const value = f(unflatten(xs));
      if (!isTensor(value) || value.rank !== 0) {
        throw new NumericalError(
          `valueAndGrad: the function must return a scalar tensor, got ${isTensor(value) ? `shape [${value.shape.join(', ')}]` : typeof value}; reduce it with tf.mean or tf.sum`,
        );
      }
      return value;
    });
    const { value, grads } = g(leaves);
    return { value: value as tf.Scalar, grads: unflatten(grads) };
  };
}

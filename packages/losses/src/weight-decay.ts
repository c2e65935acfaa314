import { assertNumber, type TensorTree } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { floatLeaves } from './internal/tree-leaves.js';

/**
 * Weight decay (L2 / Tikhonov regulariser), `λ/2 ‖w‖² = λ/2 Σ_leaves Σ_i w_i²`, over a whole
 * parameter tree (or one tensor). Its gradient is `λ w`, so a gradient step shrinks every
 * weight by the factor `1 − ηλ`.
 *
 * @param tree - A tensor or a tree of float32 tensors.
 * @param lambda - The weight λ ≥ 0.
 * @returns A scalar tensor (0 for an empty tree).
 * @throws `ValueError` for λ < 0 or not finite.
 * @throws `DTypeError` for a leaf that is not float32 (named by its path).
 * @throws `StructureError` when `tree` is not a tree of tensors.
 * @example
 * ```ts
 * const penalty = weightDecay({ W: tf.tensor1d([3, 4]) }, 0.1); // 0.05 · 25 = 1.25
 * ```
 */
export function weightDecay(tree: TensorTree, lambda: number): tf.Scalar {
  assertNumber(lambda, 'lambda', { min: 0 });
  const leaves = floatLeaves(tree, 'tree');
  return tf.tidy(() => {
    if (leaves.length === 0) return tf.scalar(0);
    const sums = leaves.map((w) => tf.sum(tf.square(w)));
    return tf.mul(
      sums.length === 1 ? (sums[0] as tf.Tensor) : tf.addN(sums),
      lambda / 2,
    ) as tf.Scalar;
  });
}

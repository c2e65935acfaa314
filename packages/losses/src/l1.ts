import { assertNumber, type TensorTree } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { floatLeaves } from './internal/tree-leaves.js';

/**
 * L1 regulariser, `λ ‖w‖₁ = λ Σ_leaves Σ_i |w_i|`, over a whole parameter tree (or one tensor).
 * It drives small weights to exactly zero under proximal or subgradient steps (sparsity). The
 * gradient is `λ sign(w)`, taken as 0 at `w = 0` (a subgradient).
 *
 * @param tree - A tensor or a tree of float32 tensors.
 * @param lambda - The weight λ ≥ 0.
 * @returns A scalar tensor (0 for an empty tree).
 * @throws `ValueError` for λ < 0 or not finite.
 * @throws `DTypeError` for a leaf that is not float32 (named by its path).
 * @throws `StructureError` when `tree` is not a tree of tensors.
 * @example
 * ```ts
 * const penalty = l1({ W: tf.tensor2d([[1, -2], [0, 3]]) }, 0.1); // 0.1 · 6 = 0.6
 * ```
 */
export function l1(tree: TensorTree, lambda: number): tf.Scalar {
  assertNumber(lambda, 'lambda', { min: 0 });
  const leaves = floatLeaves(tree, 'tree');
  return tf.tidy(() => {
    if (leaves.length === 0) return tf.scalar(0);
    const sums = leaves.map((w) => tf.sum(tf.abs(w)));
    return tf.mul(sums.length === 1 ? (sums[0] as tf.Tensor) : tf.addN(sums), lambda) as tf.Scalar;
  });
}

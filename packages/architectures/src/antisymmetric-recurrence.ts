// The hidden-to-hidden matrix of AntisymmetricRNN: W − Wᵀ − γI.

import { antisymmetricDense, assertNumber } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';

/**
 * The hidden-to-hidden matrix of AntisymmetricRNN (Chang et al. 2019; docs: /math/odes#antisymmetric):
 * `M = W − Wᵀ − γI`. Its symmetric part is `−γI`, so every eigenvalue `λ` of `M` (eigenvector
 * `v`) has `Re λ = Re(v* M v)/|v|² = −γ`: with `γ = 0` the linearised flow `dh/dt = M h`
 * conserves `|h|`, with `γ > 0` it decays slowly.
 *
 * @param W - `[n, n]`, float32.
 * @param gamma - The damping `γ ≥ 0`.
 * @returns `[n, n]`, `W − Wᵀ − γI` (a new tensor; column-vector convention, so a row `h` maps
 *   to `h Mᵀ`).
 * @throws {@link @runge/tensor-ops!ShapeError} unless `W` is square.
 * @throws {@link @runge/tensor-ops!ValueError} for a negative or non-finite `γ`.
 * @example
 * ```ts
 * const M = antisymmetricRecurrence(tf.tensor2d([[0, 2], [1, 0]]), 0.5); // [[-0.5, 1], [-1, -0.5]]
 * ```
 */
export function antisymmetricRecurrence(W: tf.Tensor2D, gamma: number): tf.Tensor2D {
  const g = assertNumber(gamma, 'antisymmetricRecurrence: gamma', { min: 0 });
  return tf.tidy(() => {
    const A = antisymmetricDense(W);
    return g === 0 ? A : tf.sub(A, tf.mul(g, tf.eye(W.shape[0])));
  });
}

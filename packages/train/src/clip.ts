import { assertNumber, type TensorTree, treeMap, treeNorm } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Gradient clipping by global norm: `g ← τ g / ‖g‖` if `‖g‖ > τ`, else `g` unchanged, where
 * `‖g‖ = sqrt(Σ_leaves ‖g_leaf‖²)` over the whole tree (docs: /math/sequences#clipping).
 *
 * @param grads - The gradient tree.
 * @param maxNorm - The threshold τ > 0.
 * @returns The clipped gradients (new tensors; the caller owns them) and the norm before clipping.
 * @throws {@link @runge/tensor-ops!ValueError} when `maxNorm` is not positive.
 * @example
 * ```ts
 * const { grads: clipped, norm } = clipByGlobalNorm(grads, 1.0);
 * ```
 */
export function clipByGlobalNorm<G extends TensorTree>(
  grads: G,
  maxNorm: number,
): { grads: G; norm: number } {
  assertNumber(maxNorm, 'maxNorm', { min: 0, exclusiveMin: true });
  const normTensor = treeNorm(grads);
  const norm = normTensor.dataSync()[0] as number;
  normTensor.dispose();
  const scale = norm > maxNorm ? maxNorm / norm : 1;
  const clipped = tf.tidy(
    () =>
      treeMap(
        (g) => (scale === 1 ? tf.clone(g) : tf.mul(g, scale)),
        grads,
      ) as unknown as tf.TensorContainer,
  );
  return { grads: clipped as unknown as G, norm };
}

import { assertOneOf } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { ACTIVATIONS } from './activations.js';
import { activatedOperator } from './internal/activated-operator.js';
import { applyKT } from './internal/operator.js';
import type { DynamicsOptions, KernelWeights } from './resnet-dynamics.js';

/**
 * A partitioned right-hand side `q' = dq(t, p, θ)`, `p' = dp(t, q, θ)` on feature tensors (the
 * `PartitionedDynamics` the integrators' leapfrog takes, with state `{ q, p }`).
 */
export interface FeaturePartitionedDynamics<P> {
  /** `q' = dq(t, p, θ)`. */
  readonly dq: (t: number, p: tf.Tensor, params: P) => tf.Tensor;
  /** `p' = dp(t, q, θ)`. */
  readonly dp: (t: number, q: tf.Tensor, params: P) => tf.Tensor;
}

/**
 * Hamiltonian (hyperbolic) dynamics of Haber & Ruthotto (docs: /math/odes#hamiltonian) as a partitioned system
 * with `q = Y` (the features) and `p = Z` (an auxiliary state started at `Z₀ = 0`):
 * `dp = −Kᵀ σ(K q + b)`, `dq = Kᵀ σ(K p + b)`. Leapfrog on it is the Verlet pair
 * `Z_{j+1/2} = Z_{j−1/2} − h Kᵀσ(K Y_j + b)`, `Y_{j+1} = Y_j + h Kᵀσ(K Z_{j+1/2} + b)`:
 * symplectic, energy-preserving in the linear case, and exactly invertible (the step with `−h`
 * undoes it), so backpropagation can recompute states instead of storing them.
 *
 * `K: [d, m]` / `[k, k, c, m]`, `b: [m]`; `Kᵀ` is the transposed matrix or the transposed
 * convolution with the same filter.
 *
 * @param options - `activation` (default `'relu'`).
 * @returns `{ dq, dp }` on tensors shaped like the features.
 * @throws {@link @runge/tensor-ops!ValueError} for an unknown activation.
 * @example
 * ```ts
 * const f = hamiltonianDynamics({ activation: 'tanh' });
 * const r = solve({ f, y0: { q: Y, p: tf.zerosLike(Y) }, method: 'leapfrog', steps: 8,
 *                   controls: { values: { K: Ks, b: bs } } });
 * ```
 */
export function hamiltonianDynamics(
  options: DynamicsOptions = {},
): FeaturePartitionedDynamics<KernelWeights> {
  const activation = assertOneOf(options.activation ?? 'relu', ACTIVATIONS, 'activation');
  const force = (x: tf.Tensor, { K, b }: KernelWeights, where: string): tf.Tensor =>
    applyKT(activatedOperator(x, K, b, activation, where), K, x.shape, where);
  return {
    dq: (_t, p, params) => tf.tidy(() => force(p, params, 'hamiltonian dynamics (dq)')),
    dp: (_t, q, params) => tf.tidy(() => tf.neg(force(q, params, 'hamiltonian dynamics (dp)'))),
  };
}

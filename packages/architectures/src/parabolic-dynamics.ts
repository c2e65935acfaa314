import { assertOneOf } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { ACTIVATIONS } from './activations.js';
import { activatedOperator } from './internal/activated-operator.js';
import { applyKT } from './internal/operator.js';
import type { DynamicsOptions, FeatureDynamics, KernelWeights } from './resnet-dynamics.js';

/**
 * Parabolic dynamics (Haber & Ruthotto 2017; docs: /math/odes#parabolic): `f(t, Y, θ) = −Kᵀ σ(K Y + b)`.
 * For feature maps `Kᵀ` is the transposed convolution with the same filter
 * (`convTranspose` of tensor-ops), so it is exactly the adjoint of `K` on the image size.
 *
 * Stability: the Jacobian `−Kᵀ diag(σ') K` is negative semi-definite (`σ' ≥ 0`), so the flow
 * does not separate trajectories; with `σ` monotone and 1-Lipschitz (relu, tanh, sigmoid…),
 * one forward Euler step `Y ↦ Y − h Kᵀσ(K Y + b)` is non-expansive,
 * `‖Φ(Y) − Φ(Y')‖ ≤ ‖Y − Y'‖`, whenever `h ≤ 2/‖K‖²` (the step matrix `I − h Kᵀ D K` with
 * `D = diag` of difference quotients in `[0, 1]` is symmetric with eigenvalues in `[−1, 1]`).
 *
 * `K` may map to a different width: `K: [d, m]` / `[k, k, c, m]`, `b: [m]`.
 *
 * @param options - `activation` (default `'relu'`).
 * @returns `f(t, Y, { K, b })`, output shaped like `Y`.
 * @throws {@link @runge/tensor-ops!ValueError} for an unknown activation.
 * @example
 * ```ts
 * const f = parabolicDynamics({ activation: 'tanh' });
 * const dY = f(0, Y, { K, b }); // Y: [8, 14, 14, 4], K: [3, 3, 4, 4], b: [4]
 * ```
 */
export function parabolicDynamics(options: DynamicsOptions = {}): FeatureDynamics<KernelWeights> {
  const activation = assertOneOf(options.activation ?? 'relu', ACTIVATIONS, 'activation');
  return (_t, y, { K, b }) =>
    tf.tidy(() => {
      const z = activatedOperator(y, K, b, activation, 'parabolic dynamics');
      return tf.neg(applyKT(z, K, y.shape, 'parabolic dynamics'));
    });
}

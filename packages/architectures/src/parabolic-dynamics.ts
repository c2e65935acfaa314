import { type ScaledDynamics, withScaled } from '@runge/integrators';
import { assertOneOf } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { ACTIVATIONS } from './activations.js';
import { activatedOperator } from './internal/activated-operator.js';
import { applyKT } from './internal/operator.js';
import type { DynamicsOptions, KernelWeights } from './resnet-dynamics.js';

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
 * The dynamics carry their scaled evaluation (`withScaled` of `@runge/integrators`),
 * `c f = (−cK)ᵀ σ(K Y + b)` for every `c`: the sign and a step's scaling fall on the kernel of
 * the transposed operator instead of the feature maps.
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
export function parabolicDynamics(
  options: DynamicsOptions = {},
): ScaledDynamics<tf.Tensor, KernelWeights> {
  const activation = assertOneOf(options.activation ?? 'relu', ACTIVATIONS, 'activation');
  const where = 'parabolic dynamics';
  // c·f = (−cK)ᵀ σ(K Y + b): the sign and any scaling fall on the small kernel.
  const scaled = (y: tf.Tensor, { K, b }: KernelWeights, c: number): tf.Tensor =>
    tf.tidy(() => {
      const z = activatedOperator(y, K, b, activation, where);
      return applyKT(z, tf.mul(K, -c), y.shape, where);
    });
  return withScaled<tf.Tensor, KernelWeights>(
    (_t, y, params) => scaled(y, params, 1),
    (_t, y, params, c) => scaled(y, params, c),
  );
}

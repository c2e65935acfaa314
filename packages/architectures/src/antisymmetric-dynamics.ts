import {
  antisymmetricConvKernel,
  antisymmetricDense,
  assertNumber,
  assertOneOf,
  formatShape,
  ShapeError,
} from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { ACTIVATIONS, type ActivationName, activate } from './activations.js';
import type { FeatureDynamics, KernelWeights } from './resnet-dynamics.js';

/** Options of {@link antisymmetricDynamics}. */
export interface AntisymmetricDynamicsOptions {
  /** The activation `σ`; default `'tanh'`. */
  readonly activation?: ActivationName;
  /** The damping `γ ≥ 0`; default 0. */
  readonly damping?: number;
}

/**
 * Antisymmetric dynamics (Haber & Ruthotto 2017; Chang et al. 2019; docs: /math/odes#antisymmetric):
 * `f(t, Y, θ) = σ((K − Kᵀ − γI) Y + b)`, with `K: [d, d]` (dense) or `[k, k, c, c]` (`K − Kᵀ`
 * from `antisymmetricConvKernel`, the exact adjoint for stride 1 'same').
 *
 * What is true of the spectrum: `A = K − Kᵀ` is antisymmetric, so its eigenvalues are purely
 * imaginary. The Jacobian `J = D (A − γI)` with `D = diag(σ'(·)) ≥ 0` is not antisymmetric,
 * but for `γ = 0` its non-zero eigenvalues are those of `D^{1/2} A D^{1/2}`, which is
 * antisymmetric — so they are purely imaginary as well, for any monotone `σ` at any state.
 * With damping they are those of `D^{1/2} A D^{1/2} − γD`, whose real parts lie in
 * `[−γ max σ', 0]`: the flow neither blows up nor (for γ = 0) decays. Forward Euler is
 * therefore unstable for every `h > 0` when `γ = 0` (`|1 + hiω| > 1`); use damping, a
 * midpoint rule or RK4 with a small step.
 *
 * @param options - `activation` (default `'tanh'`), `damping` γ (default 0).
 * @returns `f(t, Y, { K, b })`, output shaped like `Y`.
 * @throws {@link @runge/tensor-ops!ValueError} for an unknown activation or a negative damping.
 * @example
 * ```ts
 * const f = antisymmetricDynamics({ damping: 0.1 });
 * const dY = f(0, Y, { K, b }); // Y: [32, 8], K: [8, 8], b: [8]
 * ```
 */
export function antisymmetricDynamics(
  options: AntisymmetricDynamicsOptions = {},
): FeatureDynamics<KernelWeights> {
  const activation = assertOneOf(options.activation ?? 'tanh', ACTIVATIONS, 'activation');
  const gamma = assertNumber(options.damping ?? 0, 'damping', { min: 0 });
  return (_t, y, { K, b }) =>
    tf.tidy(() => {
      let z: tf.Tensor;
      if (y.rank === 2 && K.rank === 2) {
        z = tf.matMul(y as tf.Tensor2D, antisymmetricDense(K as tf.Tensor2D));
      } else if (y.rank === 4 && K.rank === 4) {
        z = tf.conv2d(y as tf.Tensor4D, antisymmetricConvKernel(K as tf.Tensor4D), 1, 'same');
      } else {
        throw new ShapeError(
          `antisymmetric dynamics: features ${formatShape(y.shape)} and K ${formatShape(K.shape)} do not fit; expected y [batch, d] with K [d, d], or y [batch, H, W, c] with K [k, k, c, c]`,
        );
      }
      if (gamma > 0) z = tf.sub(z, tf.mul(y, gamma));
      return activate(activation, tf.add(z, b));
    });
}

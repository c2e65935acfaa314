// Spectral normalisation of a layer's weight: W / σ_max(W), with one power-iteration step per training step on a vector kept as state.
import { StructureError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import type { LayerContext, ParamInfo } from './layer.js';

/**
 * A layer's weight seen as a linear operator `A` on one example's input (`x ↦ x W` for a dense
 * layer, `x ↦ conv2d(x, K)` for a convolution), with its adjoint `Aᵀ`. Both act on a batch of one.
 */
export interface WeightOperator {
  /** `A x` for the weight `w` and one input `x` (`[1, ...inputShape]`). */
  apply(w: tf.Tensor, x: tf.Tensor): tf.Tensor;
  /** `Aᵀ y` for one output `y` (`[1, ...outputShape]`). */
  adjoint(w: tf.Tensor, y: tf.Tensor): tf.Tensor;
}

/** What {@link spectralNormalize} returns: the normalised weight and the new power-iteration vector. */
export interface SpectralNormalized {
  /** `W / σ` with `σ = ‖A û‖`. */
  readonly weight: tf.Tensor;
  /** The power-iteration vector to keep as state (unit norm in training mode, unchanged otherwise). */
  readonly u: tf.Tensor;
  /** The estimate `σ = ‖A û‖` of `σ_max(A)` (a scalar tensor). */
  readonly sigma: tf.Scalar;
}

/** Smallest norm divided by, so a zero vector gives zero instead of NaN. */
const TINY = 1e-12;

function normalise(x: tf.Tensor): tf.Tensor {
  return tf.div(x, tf.maximum(tf.norm(x), TINY));
}

/** The identity whose gradient is zero: the power-iteration vector is a constant to the gradient. */
const stopGradient = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
  value: tf.clone(args[0] as tf.Tensor),
  gradFunc: (dy: tf.Tensor | tf.Tensor[]) => tf.zerosLike(dy as tf.Tensor),
})) as (x: tf.Tensor) => tf.Tensor;

/**
 * Spectral normalisation (Miyato et al. 2018; docs: /math/generative#spectral-normalisation) of a weight `W` whose layer
 * acts on one example as the linear operator `A` (`A x = x W` for a dense `W: [d, m]`; for a
 * convolution the operator `x ↦ conv2d(x, K, stride, padding)` on the layer's input size, so σ is
 * the layer's exact Lipschitz constant, boundary included). With the state vector `u` in the
 * input space (`[d]`, or the input map `[H, W, C]`):
 *
 * - training: one power-iteration step `u ← AᵀA û / ‖AᵀA û‖` (`û = u / ‖u‖`), then
 *   `σ = ‖A u‖` and `W̄ = W / σ`; the new `u` is returned as state;
 * - evaluation: `σ = ‖A û‖` with the stored `u`, which is returned unchanged.
 *
 * `u` is a constant to the gradient, so `∂σ/∂W` is the rank-one `v uᵀ` with `v = A u / ‖A u‖`
 * (the SN-GAN gradient). Across training steps the weights move little, so the warm-started
 * iteration tracks the top singular vector and `σ_max(W̄) → 1`: the layer is 1-Lipschitz.
 * Creates tensors in the caller's scope.
 *
 * @param w - The weight (`[d, m]` or `[k, k, C_in, C_out]`).
 * @param u - The state vector, `[...inputShape]` (any non-zero vector at first).
 * @param op - The operator the weight defines and its adjoint, on a batch of one.
 * @param training - Whether to take the power-iteration step.
 * @returns `{ weight: W̄, u, sigma }`.
 * @example
 * ```ts
 * const op = { apply: (w, x) => tf.matMul(x, w), adjoint: (w, y) => tf.matMul(y, w, false, true) };
 * const { weight, u: next } = spectralNormalize(W, u, op, true); // σ_max(weight) ≈ 1 once u has settled
 * ```
 */
export function spectralNormalize(
  w: tf.Tensor,
  u: tf.Tensor,
  op: WeightOperator,
  training: boolean,
): SpectralNormalized {
  const shape = u.shape;
  const one = (x: tf.Tensor): tf.Tensor => tf.reshape(x, [1, ...shape]);
  let current = normalise(u);
  if (training) {
    current = stopGradient(normalise(op.adjoint(w, op.apply(w, one(current)))));
  }
  const sigma = tf.norm(op.apply(w, one(current))) as tf.Scalar;
  const weight = tf.div(w, tf.maximum(sigma, TINY));
  return {
    weight,
    u: training ? tf.reshape(current, shape) : tf.clone(u),
    sigma,
  };
}

/**
 * The state entry of a spectrally normalised layer: the power-iteration vector `u` of the given
 * shape (the layer's input shape), drawn from a standard normal.
 *
 * @param shape - `[d]` for a dense layer, `[H, W, C]` for a convolution.
 * @returns The {@link ParamInfo} of `u` (role `'power-iteration'`).
 * @example
 * ```ts
 * powerIterationInfo([16]); // { path: 'u', shape: [16], role: 'power-iteration', init: { kind: 'normal', std: 1 } }
 * ```
 */
export function powerIterationInfo(shape: readonly number[]): ParamInfo {
  return { path: 'u', shape, role: 'power-iteration', init: { kind: 'normal', std: 1 } };
}

/**
 * The power-iteration vector in a layer's state, or a clear error when the state is missing.
 *
 * @param ctx - The layer's context.
 * @param name - The layer's name, for the message.
 * @returns The stored `u`.
 * @throws {@link @runge/tensor-ops!StructureError} when the state has no `u`.
 * @example
 * ```ts
 * const u = powerIterationState(ctx, 'dense_0');
 * ```
 */
export function powerIterationState(ctx: LayerContext, name: string): tf.Tensor {
  const u = (ctx.state as { u?: tf.Tensor } | undefined)?.u;
  if (!u) {
    throw new StructureError(
      `${name}: spectral normalisation needs its state { u }; pass the state returned by init() (and by the previous apply in training)`,
    );
  }
  return u;
}

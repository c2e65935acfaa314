import { type ScaledDynamics, withScaled } from '@runge/integrators';
import {
  assertOneOf,
  type FusedConvActivation,
  isFusedConvActivation,
  residualConv,
} from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { ACTIVATIONS, type ActivationName, activate } from './activations.js';
import { activatedOperator } from './internal/activated-operator.js';
import { applyK } from './internal/operator.js';
import { isPositivelyHomogeneous } from './internal/positive-homogeneity.js';

/**
 * The weights of one layer at one time: the operator `K` and the bias `b`.
 * Dense features: `K: [d, m]`, `b: [m]` (`K y` means `y·K` for a batch of rows `y: [batch, d]`).
 * Feature maps (NHWC): `K: [k, k, c, m]` (`K y` is `conv2d(y, K, 1, 'same')`), `b: [m]`.
 */
export type KernelWeights = { readonly K: tf.Tensor; readonly b: tf.Tensor };

/**
 * The weights of a two-layer residual function at one time: `K1: [d, m]` / `[k, k, c, m]`,
 * `b1: [m]`, `K2: [m, d]` / `[k, k, m, c]`, `b2: [d]` / `[c]`.
 */
export type TwoLayerWeights = {
  readonly K1: tf.Tensor;
  readonly b1: tf.Tensor;
  readonly K2: tf.Tensor;
  readonly b2: tf.Tensor;
};

/**
 * A right-hand side `f(t, Y, θ)` of `∂ₜY = f(Y, θ(t))` acting on one feature tensor (the shape
 * of the `Dynamics` the integrators' `solve` takes).
 */
export type FeatureDynamics<P> = (t: number, y: tf.Tensor, params: P) => tf.Tensor;

/** Options of the dynamics factories. */
export interface DynamicsOptions {
  /** The activation `σ`; default `'relu'`. */
  readonly activation?: ActivationName;
}

/**
 * ResNet dynamics with a single layer (docs: /math/odes#resnet): `f(t, Y, θ) = σ(K Y + b)`, so one forward
 * Euler step `Y + h f(Y)` is a residual block. `K` must map the features to themselves
 * (`[d, d]` or `[k, k, c, c]`).
 *
 * The dynamics carry their scaled evaluation (`withScaled` of `@runge/integrators`): for a
 * positively homogeneous `σ` (relu, leakyRelu, linear) and `c > 0`, `c f = σ(cK Y + cb)`, so a
 * forward Euler step in `solve` scales the kernel and the bias instead of the feature maps. They
 * also carry the residual evaluation `Y + c f`: for feature maps with relu or linear `σ` it is
 * `residualConv(Y, cK, cb)`, which the native backend computes as one kernel (convolution, bias,
 * activation and the addition), so a forward Euler step is that one kernel, forward and backward.
 *
 * @param options - `activation` (default `'relu'`).
 * @returns `f(t, Y, { K, b })` for `Y: [batch, d]` or `[batch, H, W, c]`, output shaped like `Y`.
 * @throws {@link @runge/tensor-ops!ValueError} for an unknown activation.
 * @example
 * ```ts
 * const f = resnetDynamics({ activation: 'relu' });
 * const dY = f(0, Y, { K, b });               // Y: [64, 28, 28, 16], K: [3, 3, 16, 16], b: [16]
 * const next = tf.add(Y, tf.mul(1 / 8, dY));  // one ResNet step with h = 1/8
 * ```
 */
export function resnetDynamics(
  options: DynamicsOptions = {},
): ScaledDynamics<tf.Tensor, KernelWeights> {
  const activation = assertOneOf(options.activation ?? 'relu', ACTIVATIONS, 'activation');
  const where = 'resnet dynamics';
  const homogeneous = isPositivelyHomogeneous(activation);
  const scaled = (y: tf.Tensor, K: tf.Tensor, b: tf.Tensor, c: number): tf.Tensor =>
    homogeneous && c > 0
      ? activatedOperator(y, tf.mul(K, c), tf.mul(b, c), activation, where)
      : tf.mul(activatedOperator(y, K, b, activation, where), c);
  return withScaled<tf.Tensor, KernelWeights>(
    (_t, y, { K, b }) => tf.tidy(() => activatedOperator(y, K, b, activation, where)),
    (_t, y, { K, b }, c) => tf.tidy(() => scaled(y, K, b, c)),
    (_t, y, { K, b }, c) =>
      tf.tidy(() =>
        c > 0 && isResidualBlock(y, K, b, activation)
          ? residualConv(
              y as tf.Tensor4D,
              tf.mul(K, c) as tf.Tensor4D,
              tf.mul(b, c) as tf.Tensor1D,
              {
                activation,
              },
            )
          : tf.add(y, scaled(y, K, b, c)),
      ),
  );
}

/**
 * Whether `Y + σ(KY + b)` is a residual convolution (`residualConv`): feature maps, a kernel
 * from `C` channels to `C`, a bias `[C]`, relu or linear.
 */
function isResidualBlock(
  y: tf.Tensor,
  K: tf.Tensor,
  b: tf.Tensor,
  activation: ActivationName,
): activation is FusedConvActivation {
  return (
    y.rank === 4 &&
    K.rank === 4 &&
    b.rank === 1 &&
    K.shape[2] === y.shape[3] &&
    K.shape[3] === y.shape[3] &&
    b.shape[0] === y.shape[3] &&
    isFusedConvActivation(activation)
  );
}

/**
 * ResNet dynamics with two layers (docs: /math/odes#resnet): `f(t, Y, θ) = K₂ σ(K₁ Y + b₁) + b₂`, the
 * residual function of the original ResNet block. `K₁` may widen the features to `m` (the
 * hidden width) and `K₂` maps them back.
 *
 * @param options - `activation` (default `'relu'`).
 * @returns `f(t, Y, { K1, b1, K2, b2 })`, output shaped like `Y`.
 * @throws {@link @runge/tensor-ops!ValueError} for an unknown activation.
 * @example
 * ```ts
 * const f = resnet2Dynamics();
 * const dY = f(0, Y, { K1, b1, K2, b2 }); // Y: [32, 8], K1: [8, 16], K2: [16, 8]
 * ```
 */
export function resnet2Dynamics(options: DynamicsOptions = {}): FeatureDynamics<TwoLayerWeights> {
  const activation = assertOneOf(options.activation ?? 'relu', ACTIVATIONS, 'activation');
  return (_t, y, { K1, b1, K2, b2 }) =>
    tf.tidy(() => {
      const hidden = activate(activation, tf.add(applyK(y, K1, 'resnet2 dynamics (K1)'), b1));
      return tf.add(applyK(hidden, K2, 'resnet2 dynamics (K2)'), b2);
    });
}

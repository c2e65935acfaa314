import {
  assertNumber,
  formatShape,
  isTensor,
  type Rng,
  ShapeError,
  ValueError,
} from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { assertFloat, assertRng, assertSameShapeNamed, sumPerSample } from './internal/checks.js';

/** A WGAN critic: samples `[batch, ...]` ↦ one score per sample, `[batch]` or `[batch, 1]`. */
export type Critic = (samples: tf.Tensor) => tf.Tensor;

/** Options of {@link gradientPenalty}. */
export interface GradientPenaltyOptions {
  /** The penalty weight λ ≥ 0. Default 10 (Gulrajani et al.). */
  readonly weight?: number;
}

/** Keeps `sqrt` differentiable where the input gradient vanishes (ReLU critics). */
const NORM_EPSILON = 1e-12;

/**
 * The WGAN-GP gradient penalty (Gulrajani et al.), `λ E[(‖∇_x̂ D(x̂)‖₂ − 1)²]`, at random
 * interpolates `x̂ = ε x + (1 − ε) x̃` of real samples `x` and generated samples `x̃`, with one
 * `ε ~ U[0, 1)` per sample drawn from `rng`. The norm is over each sample's entries,
 * `‖g‖₂ = sqrt(Σ g² + 10⁻¹²)` (the tiny shift keeps the derivative finite at `g = 0`), and `E`
 * is the mean over the batch.
 *
 * The input gradient is taken with `tf.grad` inside the computation, so the penalty is
 * differentiable w.r.t. the critic's parameters (captured in the `critic` closure) by double
 * backpropagation: call it inside the function you differentiate for the critic's step.
 *
 * Double backpropagation in TF.js 4.22 is correct only for ops whose gradient is computed from
 * their inputs; build the critic from those. Checked against finite differences: `matMul`,
 * `conv2d`, `add`/`sub`/`mul`/`div`, `reshape`, `slice`, `mean`/`sum`, `relu`, `abs`,
 * `softplus`, `square`, `sqrt`, `log1p`, `sin`. Ops whose gradient reuses their *output*
 * (`tanh`, `sigmoid`, `exp`, `elu`, `softmax`, `logSoftmax`, `pow`) run but give WRONG
 * second-order gradients without any error, because TF.js saves that output as a copy the
 * outer gradient cannot see. Ops without a second-order gradient fail with "gradient function
 * not found": `leakyRelu`, `selu` (Greater), `maximum`/`minimum` (Less), `avgPool`
 * (AvgPoolGrad), `depthwiseConv2d`. Write a leaky ReLU as `((1 + a) x + (1 − a) |x|) / 2`, use
 * `softplus` where a smooth activation is wanted, and pool by reshape + mean (as
 * {@link randomFeatureExtractor} does). The critic must score each sample on its own (no batch
 * normalisation), since the per-sample gradients are read off the gradient of the summed
 * scores.
 *
 * @param critic - `D`: samples ↦ scores `[batch]` or `[batch, 1]`.
 * @param real - Float32 real samples `[batch, ...]`.
 * @param fake - Float32 generated samples, same shape.
 * @param rng - Draws the interpolation weights ε (advanced by one number per sample).
 * @param options - `weight` λ (default 10).
 * @returns A scalar tensor.
 * @throws `ValueError` when `critic` is not a function, `rng` not an `Rng`, λ < 0, or a
 *   tensor is not live.
 * @throws `DTypeError` unless `real` and `fake` are float32.
 * @throws `ShapeError` when `real` and `fake` differ in shape or are scalars, or the
 *   critic does not return one score per sample.
 * @example
 * ```ts
 * const { value, grads } = valueAndGrad((p: { W: tf.Tensor; v: tf.Tensor }) => {
 *   const D = (x: tf.Tensor) => tf.matMul(tf.softplus(tf.matMul(x, p.W)), p.v);
 *   return tf.add(criticLoss(D(real), D(fake)), gradientPenalty(D, real, fake, rng));
 * })({ W, v });
 * ```
 */
export function gradientPenalty(
  critic: Critic,
  real: tf.Tensor,
  fake: tf.Tensor,
  rng: Rng,
  options: GradientPenaltyOptions = {},
): tf.Scalar {
  if (typeof critic !== 'function') {
    throw new ValueError(
      `critic: expected a function (samples) => scores, got ${critic === null ? 'null' : typeof critic}`,
    );
  }
  assertFloat(real, 'real', 1);
  assertFloat(fake, 'fake', 1);
  assertSameShapeNamed(real, fake, 'real', 'fake');
  assertRng(rng, 'rng');
  const weight = assertNumber(options.weight ?? 10, 'weight', { min: 0 });
  const batch = real.shape[0] as number;
  return tf.tidy(() => {
    const epsShape = real.shape.map((d, i) => (i === 0 ? d : 1));
    const eps = rng.uniform(epsShape);
    const interpolates = tf.add(tf.mul(eps, real), tf.mul(tf.sub(1, eps), fake));
    const grad = tf.grad((x: tf.Tensor) => {
      const scores = critic(x);
      if (!isTensor(scores) || scores.shape[0] !== batch || scores.size !== batch) {
        throw new ShapeError(
          `critic: expected one score per sample, shape [${batch}] or [${batch}, 1], got ${isTensor(scores) ? formatShape(scores.shape) : typeof scores}`,
        );
      }
      return tf.sum(scores);
    })(interpolates);
    const norms = tf.sqrt(tf.add(sumPerSample(tf.square(grad)), NORM_EPSILON));
    return tf.mul(tf.mean(tf.square(tf.sub(norms, 1))), weight) as tf.Scalar;
  });
}

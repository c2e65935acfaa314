import { assertNumber, assertOneOf, formatShape, ShapeError, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { assertLatent, gaussianKl } from './gaussian-kl.js';
import { assertFloat, assertSameShapeNamed, sumPerSample } from './internal/checks.js';

/** Inputs of {@link elbo}. */
export interface ElboOptions {
  /** The data `x`, float32 `[batch, ...]`; in [0, 1] for the Bernoulli likelihood. */
  readonly x: tf.Tensor;
  /** Decoder logits `ℓ` (same shape as `x`), for `likelihood: 'bernoulli'`. */
  readonly reconstructionLogits?: tf.Tensor;
  /** Decoder means `m` (same shape as `x`), for `likelihood: 'gaussian'`. */
  readonly reconstructionMean?: tf.Tensor;
  /** Encoder means μ, float32 `[batch, ...latent]`. */
  readonly mu: tf.Tensor;
  /** Encoder log-variances `log s²`, same shape as `mu`. */
  readonly logVar: tf.Tensor;
  /** The decoder's likelihood `p(x | z)`. */
  readonly likelihood: 'bernoulli' | 'gaussian';
  /** Standard deviation σ of the Gaussian likelihood, > 0. Default 1. Ignored for Bernoulli. */
  readonly sigma?: number;
}

/** The negative ELBO and its parts; three scalar tensors the caller disposes. */
export interface ElboResult {
  /** `reconstruction + kl`: the loss to minimise, an upper bound on `−log p(x)` per sample. */
  readonly loss: tf.Scalar;
  /** `−log p(x | z)` summed over the data dimensions, mean over the batch. */
  readonly reconstruction: tf.Scalar;
  /** `KL(q(z | x) ‖ N(0, I))`, see {@link gaussianKl}. */
  readonly kl: tf.Scalar;
}

/**
 * The negative evidence lower bound of a VAE,
 * `−ELBO = −log p(x | z) + KL(q(z | x) ‖ N(0, I))`, with `z` one reparameterised sample (the
 * decoder output given here was computed from it), summed over data and latent dimensions and
 * averaged over the batch.
 *
 * - Bernoulli, from logits `ℓ`: `−log p(x | z) = Σ_i softplus(ℓ_i) − x_i ℓ_i`, the binary
 *   cross-entropy of `x` against `sigmoid(ℓ)` in a form that is finite for any finite logit
 *   (`x ∈ [0, 1]`; grey values act as soft targets).
 * - Gaussian, from means `m`: `−log p(x | z) = Σ_i (x_i − m_i)²/(2σ²) + ½ log(2πσ²)`, the full
 *   negative log density (the constant keeps it a true bound).
 *
 * @param options - See {@link ElboOptions}.
 * @returns `{ loss, reconstruction, kl }`, scalar tensors.
 * @throws `ValueError` for an unknown likelihood, a missing or extra decoder output,
 *   σ ≤ 0, or an argument that is not a live tensor.
 * @throws `DTypeError` unless the tensors are float32.
 * @throws `ShapeError` when the decoder output's shape is not `x`'s, `mu` and `logVar`
 *   differ, or the batch sizes of `x` and `mu` differ.
 * @example
 * ```ts
 * const { loss, reconstruction, kl } = elbo({
 *   x, reconstructionLogits: decoder(z), mu, logVar, likelihood: 'bernoulli',
 * });
 * ```
 */
export function elbo(options: ElboOptions): ElboResult {
  if (typeof options !== 'object' || options === null) {
    throw new ValueError(
      'elbo: expected an options object { x, reconstructionLogits | reconstructionMean, mu, logVar, likelihood }',
    );
  }
  const likelihood = assertOneOf(
    options.likelihood,
    ['bernoulli', 'gaussian'] as const,
    'likelihood',
  );
  const { x, mu, logVar } = options;
  assertFloat(x, 'x', 1);
  assertLatent(mu, logVar);
  if (mu.shape[0] !== x.shape[0]) {
    throw new ShapeError(
      `mu: expected batch ${x.shape[0]} (the batch of x), got ${formatShape(mu.shape)}`,
    );
  }
  const [used, other] =
    likelihood === 'bernoulli'
      ? (['reconstructionLogits', 'reconstructionMean'] as const)
      : (['reconstructionMean', 'reconstructionLogits'] as const);
  const decoded = options[used];
  if (options[other] !== undefined) {
    throw new ValueError(
      `${other}: not used by the ${likelihood} likelihood; pass ${used} instead`,
    );
  }
  if (decoded === undefined) {
    throw new ValueError(`${used}: required for likelihood '${likelihood}'`);
  }
  assertFloat(decoded, used);
  assertSameShapeNamed(x, decoded, 'x', used);
  const sigma =
    likelihood === 'gaussian'
      ? assertNumber(options.sigma ?? 1, 'sigma', { min: 0, exclusiveMin: true })
      : 1;

  const parts = tf.tidy(() => {
    let nll: tf.Tensor;
    if (likelihood === 'bernoulli') {
      nll = tf.sub(tf.softplus(decoded), tf.mul(x, decoded));
    } else {
      const constant = 0.5 * Math.log(2 * Math.PI * sigma * sigma);
      nll = tf.add(tf.div(tf.square(tf.sub(x, decoded)), 2 * sigma * sigma), constant);
    }
    const reconstruction = tf.mean(sumPerSample(nll)) as tf.Scalar;
    const kl = gaussianKl(mu, logVar);
    return { loss: tf.add(reconstruction, kl) as tf.Scalar, reconstruction, kl };
  });
  return parts;
}

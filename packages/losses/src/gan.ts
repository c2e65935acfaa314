import * as tf from '@tensorflow/tfjs-core';
import { assertFloat } from './internal/checks.js';

/**
 * The GAN discriminator's loss (the minimax game of Goodfellow et al.), from logits `ℓ` with
 * `D = sigmoid(ℓ)`: `−E[log D(x)] − E[log(1 − D(G(z)))]`
 * `= mean softplus(−ℓ_real) + mean softplus(ℓ_fake)`, using `−log sigmoid(ℓ) = softplus(−ℓ)`
 * and `−log(1 − sigmoid(ℓ)) = softplus(ℓ)`; finite for any finite logits, also where
 * `D` rounds to exactly 0 or 1. Each expectation is the mean over all entries of its tensor,
 * so the real and fake batches may differ in size and patch discriminators (`[B, h, w, 1]`)
 * work as they are.
 *
 * @param realLogits - Float32 `[batch]` or `[batch, 1]` (any shape): `ℓ` on real data.
 * @param fakeLogits - Float32, any shape: `ℓ` on generated samples.
 * @returns A scalar tensor, ≥ 0; `2 log 2` when `D ≡ ½`.
 * @throws `ValueError` when an argument is not a live tensor.
 * @throws `DTypeError` unless both are float32.
 * @throws `ShapeError` for scalars (a batch axis is required).
 * @example
 * ```ts
 * const dLoss = discriminatorLoss(D(real), D(G(z)));
 * ```
 */
export function discriminatorLoss(realLogits: tf.Tensor, fakeLogits: tf.Tensor): tf.Scalar {
  assertFloat(realLogits, 'realLogits', 1);
  assertFloat(fakeLogits, 'fakeLogits', 1);
  return tf.tidy(
    () =>
      tf.add(
        tf.mean(tf.softplus(tf.neg(realLogits))),
        tf.mean(tf.softplus(fakeLogits)),
      ) as tf.Scalar,
  );
}

/**
 * The non-saturating generator loss, `−E[log D(G(z))] = mean softplus(−ℓ_fake)`. Same fixed
 * points as the minimax loss, but strong gradients when the discriminator rejects the samples
 * (`ℓ_fake ≪ 0`), where {@link generatorLossMinimax} saturates.
 *
 * @param fakeLogits - Float32, any shape with a batch axis: discriminator logits on `G(z)`.
 * @returns A scalar tensor.
 * @throws `ValueError` when `fakeLogits` is not a live tensor.
 * @throws `DTypeError` unless it is float32.
 * @throws `ShapeError` for a scalar.
 * @example
 * ```ts
 * const gLoss = generatorLossNonSaturating(D(G(z)));
 * ```
 */
export function generatorLossNonSaturating(fakeLogits: tf.Tensor): tf.Scalar {
  assertFloat(fakeLogits, 'fakeLogits', 1);
  return tf.tidy(() => tf.mean(tf.softplus(tf.neg(fakeLogits))) as tf.Scalar);
}

/**
 * The generator's side of the minimax game, `E[log(1 − D(G(z)))] = −mean softplus(ℓ_fake)`,
 * to be minimised. Its gradient `−sigmoid(ℓ)` vanishes when the discriminator confidently
 * rejects the samples, which is why {@link generatorLossNonSaturating} is used in practice.
 *
 * @param fakeLogits - Float32, any shape with a batch axis: discriminator logits on `G(z)`.
 * @returns A scalar tensor, ≤ 0.
 * @throws `ValueError` when `fakeLogits` is not a live tensor.
 * @throws `DTypeError` unless it is float32.
 * @throws `ShapeError` for a scalar.
 * @example
 * ```ts
 * const gLoss = generatorLossMinimax(D(G(z)));
 * ```
 */
export function generatorLossMinimax(fakeLogits: tf.Tensor): tf.Scalar {
  assertFloat(fakeLogits, 'fakeLogits', 1);
  return tf.tidy(() => tf.neg(tf.mean(tf.softplus(fakeLogits))) as tf.Scalar);
}

/**
 * The Wasserstein critic loss (WGAN), `E[D(G(z))] − E[D(x)]`: minimising it maximises the
 * critic's estimate of the Wasserstein-1 distance, which is valid only for a 1-Lipschitz
 * critic; add {@link gradientPenalty} (or use spectral normalisation). Scores are unbounded
 * reals, not logits.
 *
 * @param realScores - Float32, any shape with a batch axis: `D(x)`.
 * @param fakeScores - Float32, any shape with a batch axis: `D(G(z))`.
 * @returns A scalar tensor.
 * @throws `ValueError` when an argument is not a live tensor.
 * @throws `DTypeError` unless both are float32.
 * @throws `ShapeError` for scalars.
 * @example
 * ```ts
 * const cLoss = tf.add(criticLoss(D(real), D(fake)), gradientPenalty(D, real, fake, rng));
 * ```
 */
export function criticLoss(realScores: tf.Tensor, fakeScores: tf.Tensor): tf.Scalar {
  assertFloat(realScores, 'realScores', 1);
  assertFloat(fakeScores, 'fakeScores', 1);
  return tf.tidy(() => tf.sub(tf.mean(fakeScores), tf.mean(realScores)) as tf.Scalar);
}

/**
 * The Wasserstein generator loss, `−E[D(G(z))]`.
 *
 * @param fakeScores - Float32, any shape with a batch axis: `D(G(z))`.
 * @returns A scalar tensor.
 * @throws `ValueError` when `fakeScores` is not a live tensor.
 * @throws `DTypeError` unless it is float32.
 * @throws `ShapeError` for a scalar.
 * @example
 * ```ts
 * const gLoss = wassersteinGeneratorLoss(D(G(z)));
 * ```
 */
export function wassersteinGeneratorLoss(fakeScores: tf.Tensor): tf.Scalar {
  assertFloat(fakeScores, 'fakeScores', 1);
  return tf.tidy(() => tf.neg(tf.mean(fakeScores)) as tf.Scalar);
}

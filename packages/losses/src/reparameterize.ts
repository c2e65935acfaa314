import type { Rng } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { assertFloat, assertRng, assertSameShapeNamed } from './internal/checks.js';

/**
 * The reparameterisation trick: a sample `z = μ + s ⊙ ε` of `N(μ, diag s²)`, with
 * `s = exp(½ logVar)` and `ε ~ N(0, I)` drawn from `rng`. The randomness is in ε alone, so `z`
 * is differentiable w.r.t. μ and logVar (`∂z/∂μ = 1`, `∂z/∂logVar = ½ s ε`). Advances `rng`.
 *
 * @param mu - Float32 tensor of any shape, usually `[batch, latent]`.
 * @param logVar - Float32, same shape.
 * @param rng - The generator ε is drawn from.
 * @returns `z`, same shape as `mu` (the caller disposes it).
 * @throws `ValueError` when a tensor is not live or `rng` is not an `Rng`.
 * @throws `DTypeError` unless both tensors are float32.
 * @throws `ShapeError` when the shapes differ.
 * @example
 * ```ts
 * const z = reparameterize(mu, logVar, Rng.fromSeed(0));
 * ```
 */
export function reparameterize(mu: tf.Tensor, logVar: tf.Tensor, rng: Rng): tf.Tensor {
  assertFloat(mu, 'mu');
  assertFloat(logVar, 'logVar');
  assertSameShapeNamed(mu, logVar, 'mu', 'logVar');
  assertRng(rng, 'rng');
  return tf.tidy(() => {
    const eps = rng.normal(mu.shape);
    return tf.add(mu, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps));
  });
}

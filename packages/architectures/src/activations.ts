import { ConfigError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';

/**
 * The activation functions a layer or block can use, by name:
 * - `'relu'`: `max(0, x)`;
 * - `'tanh'`: `tanh x`;
 * - `'sigmoid'`: `1 / (1 + e^{−x})`;
 * - `'selu'`: `λ x` for `x > 0`, `λ α (eˣ − 1)` otherwise, with Klambauer et al.'s constants
 *   `λ = 1.0507009873554805`, `α = 1.6732632423543772` ({@link SELU_LAMBDA}, {@link SELU_ALPHA});
 * - `'elu'`: `x` for `x > 0`, `eˣ − 1` otherwise;
 * - `'softplus'`: `log(1 + eˣ)`;
 * - `'leakyRelu'`: `x` for `x > 0`, `0.01 x` otherwise;
 * - `'linear'`: the identity.
 *
 * Every one of them is monotone non-decreasing (`σ' ≥ 0`), which the stability statements of
 * the parabolic and antisymmetric blocks rely on.
 */
export type ActivationName =
  | 'relu'
  | 'tanh'
  | 'sigmoid'
  | 'selu'
  | 'elu'
  | 'softplus'
  | 'leakyRelu'
  | 'linear';

/**
 * The names of {@link ActivationName}, in a fixed order (for validation messages and menus).
 *
 * @example
 * ```ts
 * ACTIVATIONS.includes('tanh'); // true
 * ```
 */
export const ACTIVATIONS: readonly ActivationName[] = Object.freeze([
  'relu',
  'tanh',
  'sigmoid',
  'selu',
  'elu',
  'softplus',
  'leakyRelu',
  'linear',
] as const);

/** SELU's scale `λ` (Klambauer et al. 2017, "Self-normalizing neural networks"). */
export const SELU_LAMBDA = 1.0507009873554805;
/** SELU's `α` (Klambauer et al. 2017). */
export const SELU_ALPHA = 1.6732632423543772;

/** Slope of `'leakyRelu'` for negative inputs. */
const LEAKY_SLOPE = 0.01;

/**
 * Applies the named activation element-wise.
 *
 * @param name - One of {@link ACTIVATIONS}.
 * @param x - Any tensor.
 * @returns `σ(x)`, same shape.
 * @throws {@link @runge/tensor-ops!ConfigError} for an unknown name (listing the allowed ones).
 * @example
 * ```ts
 * const y = activate('selu', tf.tensor1d([-1, 0, 1])); // [λα(e⁻¹ − 1), 0, λ]
 * ```
 */
export function activate(name: ActivationName, x: tf.Tensor): tf.Tensor {
  switch (name) {
    case 'relu':
      return tf.relu(x);
    case 'tanh':
      return tf.tanh(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'selu':
      // Written out (rather than tf.selu) so the constants are visibly the paper's.
      return tf.tidy(() =>
        tf.mul(SELU_LAMBDA, tf.where(tf.greater(x, 0), x, tf.mul(SELU_ALPHA, tf.expm1(x)))),
      );
    case 'elu':
      return tf.elu(x);
    case 'softplus':
      return tf.softplus(x);
    case 'leakyRelu':
      return tf.leakyRelu(x, LEAKY_SLOPE);
    case 'linear':
      return x;
    default:
      throw new ConfigError(
        `activation: unknown ${JSON.stringify(name)}; expected one of ${ACTIVATIONS.map((a) => `'${a}'`).join(', ')}`,
      );
  }
}

// The largest slope of each activation: the factor by which σ' can stretch a Jacobian, and its sign.
import { type ActivationName, SELU_ALPHA, SELU_LAMBDA } from './activations.js';

/**
 * The bound `s = sup σ'` of an activation's slope: 1 for `relu`, `tanh`, `elu`, `softplus`,
 * `leakyRelu` and `linear`, ¼ for `sigmoid` (`σ' = σ(1 − σ) ≤ ¼`), `λα ≈ 1.7581` for `selu`
 * (its slope `λαeˣ` for `x < 0` tends to it at 0⁻). Every built-in activation is monotone, so
 * `0 ≤ σ' ≤ s`: the diagonal `D = diag σ'(K Y + b)` of a block's Jacobian satisfies `0 ⪯ D ⪯ sI`,
 * which the spectral bounds of stable ODE blocks rely on.
 *
 * @param activation - One of the built-in activations.
 * @returns `s`.
 * @example
 * ```ts
 * maxSlope('sigmoid'); // 0.25
 * ```
 */
export function maxSlope(activation: ActivationName): number {
  switch (activation) {
    case 'sigmoid':
      return 0.25;
    case 'selu':
      return SELU_LAMBDA * SELU_ALPHA;
    default:
      return 1;
  }
}

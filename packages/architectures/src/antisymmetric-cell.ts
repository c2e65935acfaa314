// AntisymmetricRNN: h ← h + ε tanh((W − Wᵀ − γI) h + V x + b), forward Euler on a stable ODE.

import { assertNumber } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { antisymmetricRecurrence } from './antisymmetric-recurrence.js';
import { cellSizes } from './internal/cell-sizes.js';
import { cellBias, inputWeight, recurrentWeight } from './internal/cell-weights.js';
import { defineCell } from './internal/define-cell.js';
import type { ParamInfo } from './layer.js';
import type { RecurrentCell } from './recurrent-cell.js';
import type { CellSizes } from './rnn-cell.js';

/**
 * Sizes, step and damping of an antisymmetric cell.
 *
 * @example
 * ```ts
 * const options: AntisymmetricCellOptions = { inputSize: 28, units: 64, epsilon: 0.1, gamma: 0.01 };
 * ```
 */
export interface AntisymmetricCellOptions extends CellSizes {
  /** The step size `ε > 0`; default {@link ANTISYMMETRIC_DEFAULTS}`.epsilon`. */
  readonly epsilon?: number;
  /** The damping `γ ≥ 0`; default {@link ANTISYMMETRIC_DEFAULTS}`.gamma`. */
  readonly gamma?: number;
}

/**
 * The default step `ε` and damping `γ` of the antisymmetric cells. `ε` is the time step of the
 * forward Euler scheme the cell is, so `T ε` is the time the hidden ODE is integrated over for a
 * sequence of `T` steps (2.8 for 28 MNIST rows); `γ` moves the eigenvalues of the hidden-to-hidden
 * matrix off the imaginary axis to `Re λ = −γ`.
 *
 * @example
 * ```ts
 * ANTISYMMETRIC_DEFAULTS.epsilon; // 0.1
 * ```
 */
export const ANTISYMMETRIC_DEFAULTS = Object.freeze({ epsilon: 0.1, gamma: 0.01 });

/** Reads and checks ε and γ. */
export function readEulerSettings(
  options: { readonly epsilon?: number; readonly gamma?: number },
  cell: string,
): { epsilon: number; gamma: number } {
  const epsilon = assertNumber(
    options.epsilon ?? ANTISYMMETRIC_DEFAULTS.epsilon,
    `${cell} cell: epsilon`,
    {
      min: 0,
      exclusiveMin: true,
    },
  );
  const gamma = assertNumber(options.gamma ?? ANTISYMMETRIC_DEFAULTS.gamma, `${cell} cell: gamma`, {
    min: 0,
  });
  return { epsilon, gamma };
}

/** The hidden-to-hidden weight `[n, n]` of the antisymmetric cells: `N(0, 1/n)`. */
export function antisymmetricWeight(n: number): ParamInfo & { readonly path: 'W' } {
  return recurrentWeight('W', n, 1);
}

/**
 * AntisymmetricRNN (Chang et al., ICLR 2019; docs: /math/odes#antisymmetric): the forward Euler
 * step, with step `ε`, of the ODE `dh/dt = tanh(M h + V x + b)`, `M = W − Wᵀ − γI` (see
 * {@link antisymmetricRecurrence}). In the row-vector convention of the cells,
 * `h_t = h_{t−1} + ε tanh(h_{t−1} Mᵀ + x_t V + b)` with `x_t: [batch, d]`, `h: [batch, n]`,
 * `W: [n, n]`, `V: [d, n]`, `b: [n]`.
 *
 * Stability: the hidden-to-hidden Jacobian is `I + ε D M` with `D = diag(1 − tanh²(·))`. For
 * `γ = 0` the eigenvalues of `D M` are purely imaginary (`D^{1/2} M D^{1/2}` is antisymmetric),
 * so those of `I + ε D M` are `1 + iεω` with `|1 + iεω| = √(1 + ε²ω²) = 1 + O(ε²)`: gradients
 * through time neither explode nor vanish over `T ≲ 1/ε²` steps. `γ > 0` moves them left into
 * forward Euler's stability disc. Parameters: `W` (`N(0, 1/n)`), `V` (Glorot), `b` (zeros);
 * `M` has `n(n−1)/2` free entries.
 *
 * @param options - `inputSize` d, `units` n, `epsilon` ε > 0 and `gamma` γ ≥ 0 (defaults
 *   {@link ANTISYMMETRIC_DEFAULTS}).
 * @returns The cell.
 * @throws {@link @runge/tensor-ops!ValueError} for bad sizes, `ε ≤ 0` or `γ < 0`.
 * @example
 * ```ts
 * const cell = antisymmetricCell({ inputSize: 28, units: 64, epsilon: 0.1, gamma: 0.01 });
 * const [h] = cell.step(params, x, cell.initialState(32)); // [32, 64]
 * ```
 */
export function antisymmetricCell(options: AntisymmetricCellOptions): RecurrentCell {
  const { d, n } = cellSizes(options, 'antisymmetric');
  const { epsilon, gamma } = readEulerSettings(options, 'antisymmetric');
  return defineCell({
    name: 'antisymmetric',
    inputSize: d,
    units: n,
    stateSize: 1,
    params: [antisymmetricWeight(n), inputWeight('V', d, n, 1), cellBias('b', n, 1)],
    settings: { epsilon, gamma },
    step({ W, V, b }, x, state) {
      const h = state[0] as tf.Tensor2D;
      const M = antisymmetricRecurrence(W, gamma);
      const pre = tf.add(tf.add(tf.matMul(h, M, false, true), tf.matMul(x, V)), b);
      return [tf.add(h, tf.mul(epsilon, tf.tanh(pre))) as tf.Tensor2D];
    },
  });
}

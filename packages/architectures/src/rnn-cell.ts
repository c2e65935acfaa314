// The vanilla (Elman) recurrent cell: h ← tanh(x W + h U + b).

import * as tf from '@tensorflow/tfjs-core';
import { cellSizes } from './internal/cell-sizes.js';
import { gateWeights } from './internal/cell-weights.js';
import { defineCell } from './internal/define-cell.js';
import type { RecurrentCell } from './recurrent-cell.js';

/**
 * Sizes of a recurrent cell.
 *
 * @example
 * ```ts
 * const sizes: CellSizes = { inputSize: 28, units: 64 };
 * ```
 */
export interface CellSizes {
  /** Features per time step `d`. */
  readonly inputSize: number;
  /** Hidden units `n`. */
  readonly units: number;
}

/**
 * The vanilla (Elman) recurrent cell: `h_t = tanh(x_t W + h_{t−1} U + b)` (column-vector form
 * `h ← σ(W x + U h + b)`), with `x_t: [batch, d]`, `h: [batch, n]`, `W: [d, n]`, `U: [n, n]`,
 * `b: [n]`. As an ODE it is no time-stepping scheme at all — the state is replaced, not
 * updated — and its hidden-to-hidden Jacobian `diag(1 − h_t²) Uᵀ` makes gradients through time
 * vanish or explode with the spectral radius of `U`. Parameters: `W` (Glorot), `U` (`N(0, 1/n)`),
 * `b` (zeros).
 *
 * @param sizes - `inputSize` d, `units` n.
 * @returns The cell.
 * @throws {@link @runge/tensor-ops!ValueError} unless the sizes are positive integers.
 * @example
 * ```ts
 * const cell = rnnCell({ inputSize: 28, units: 64 });
 * const [h] = cell.step(params, x, cell.initialState(32)); // [32, 64]
 * ```
 */
export function rnnCell(sizes: CellSizes): RecurrentCell {
  const { d, n } = cellSizes(sizes, 'rnn');
  return defineCell({
    name: 'rnn',
    inputSize: d,
    units: n,
    stateSize: 1,
    params: gateWeights(d, n, 1),
    step({ W, U, b }, x, state) {
      const h = state[0] as tf.Tensor2D;
      return [tf.tanh(tf.add(tf.add(tf.matMul(x, W), tf.matMul(h, U)), b)) as tf.Tensor2D];
    },
  });
}

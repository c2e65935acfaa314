// The gated recurrent unit (GRU): update and reset gates.

import * as tf from '@tensorflow/tfjs-core';
import { cellSizes } from './internal/cell-sizes.js';
import { gateWeights } from './internal/cell-weights.js';
import { defineCell } from './internal/define-cell.js';
import type { RecurrentCell } from './recurrent-cell.js';
import type { CellSizes } from './rnn-cell.js';

/**
 * The gated recurrent unit (Cho et al. 2014), with the gates in the columns `[z | r | ĥ]` of
 * `W: [d, 3n]`, `U: [n, 3n]`, `b: [3n]`:
 *
 * - update gate `z = sigmoid(x W_z + h U_z + b_z)`,
 * - reset gate `r = sigmoid(x W_r + h U_r + b_r)`,
 * - candidate `ĥ = tanh(x W_ĥ + (r ⊙ h) U_ĥ + b_ĥ)`,
 * - `h ← (1 − z) ⊙ h + z ⊙ ĥ`.
 *
 * The last line is a relaxation `h ← h + z ⊙ (ĥ − h)`: a forward Euler step of
 * `dh/dt = ĥ − h` with a learned, per-unit step `z ∈ (0, 1)` (docs: /math/sequences#gru). Shapes: `x: [batch, d]`,
 * `h: [batch, n]`. Parameters: `W` (Glorot), `U` (`N(0, 1/n)`), `b` (zeros).
 *
 * @param sizes - `inputSize` d, `units` n.
 * @returns The cell.
 * @throws {@link @runge/tensor-ops!ValueError} unless the sizes are positive integers.
 * @example
 * ```ts
 * const cell = gruCell({ inputSize: 28, units: 64 });
 * const [h] = cell.step(params, x, cell.initialState(32)); // [32, 64]
 * ```
 */
export function gruCell(sizes: CellSizes): RecurrentCell {
  const { d, n } = cellSizes(sizes, 'gru');
  return defineCell({
    name: 'gru',
    inputSize: d,
    units: n,
    stateSize: 1,
    params: gateWeights(d, n, 3),
    step({ W, U, b }, x, state) {
      const h = state[0] as tf.Tensor2D;
      const xw = tf.add(tf.matMul(x, W), b);
      const [xz, xr, xh] = tf.split(xw, 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      const [Uzr, Uh] = tf.split(U, [2 * n, n], 1) as [tf.Tensor2D, tf.Tensor2D];
      const [hz, hr] = tf.split(tf.matMul(h, Uzr), 2, 1) as [tf.Tensor2D, tf.Tensor2D];
      const z = tf.sigmoid(tf.add(xz, hz));
      const r = tf.sigmoid(tf.add(xr, hr));
      const candidate = tf.tanh(tf.add(xh, tf.matMul(tf.mul(r, h), Uh)));
      return [tf.add(tf.mul(tf.sub(1, z), h), tf.mul(z, candidate)) as tf.Tensor2D];
    },
  });
}

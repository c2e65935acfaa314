// The long short-term memory cell (LSTM): input, forget and output gates and a cell state.

import * as tf from '@tensorflow/tfjs-core';
import { cellSizes } from './internal/cell-sizes.js';
import { gateWeights } from './internal/cell-weights.js';
import { defineCell } from './internal/define-cell.js';
import type { RecurrentCell } from './recurrent-cell.js';
import type { CellSizes } from './rnn-cell.js';

/**
 * The LSTM (Hochreiter & Schmidhuber 1997, with a forget gate), with the gates in the columns
 * `[i | f | g | o]` of `W: [d, 4n]`, `U: [n, 4n]`, `b: [4n]`; the state is `[h, c]`:
 *
 * - input gate `i = sigmoid(x W_i + h U_i + b_i)`, forget gate `f = sigmoid(x W_f + h U_f + b_f)`,
 * - candidate `g = tanh(x W_g + h U_g + b_g)`, output gate `o = sigmoid(x W_o + h U_o + b_o)`,
 * - `c ← f ⊙ c + i ⊙ g`, `h ← o ⊙ tanh(c)`.
 *
 * The cell state's update is linear in `c` with the diagonal factor `f ∈ (0, 1)`, so the
 * gradient `∂c_t/∂c_{t−1} = diag(f)` neither explodes nor (while `f ≈ 1`) vanishes. Shapes:
 * `x: [batch, d]`, `h, c: [batch, n]`. Parameters: `W` (Glorot), `U` (`N(0, 1/n)`), `b` (zeros).
 *
 * @param sizes - `inputSize` d, `units` n.
 * @returns The cell (state size 2).
 * @throws {@link @runge/tensor-ops!ValueError} unless the sizes are positive integers.
 * @example
 * ```ts
 * const cell = lstmCell({ inputSize: 28, units: 64 });
 * const [h, c] = cell.step(params, x, cell.initialState(32)); // each [32, 64]
 * ```
 */
export function lstmCell(sizes: CellSizes): RecurrentCell {
  const { d, n } = cellSizes(sizes, 'lstm');
  return defineCell({
    name: 'lstm',
    inputSize: d,
    units: n,
    stateSize: 2,
    params: gateWeights(d, n, 4),
    step({ W, U, b }, x, state) {
      const [h, c] = state as [tf.Tensor2D, tf.Tensor2D];
      const zs = tf.add(tf.add(tf.matMul(x, W), tf.matMul(h, U)), b);
      const [zi, zf, zg, zo] = tf.split(zs, 4, 1) as tf.Tensor2D[];
      const cNext = tf.add(
        tf.mul(tf.sigmoid(zf as tf.Tensor), c),
        tf.mul(tf.sigmoid(zi as tf.Tensor), tf.tanh(zg as tf.Tensor)),
      ) as tf.Tensor2D;
      const hNext = tf.mul(tf.sigmoid(zo as tf.Tensor), tf.tanh(cNext)) as tf.Tensor2D;
      return [hNext, cNext];
    },
  });
}

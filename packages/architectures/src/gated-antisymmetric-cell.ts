// The gated AntisymmetricRNN: a learned per-unit step z ∈ (0, 1) on the antisymmetric flow.

import * as tf from '@tensorflow/tfjs-core';
import {
  type AntisymmetricCellOptions,
  antisymmetricWeight,
  readEulerSettings,
} from './antisymmetric-cell.js';
import { antisymmetricRecurrence } from './antisymmetric-recurrence.js';
import { cellSizes } from './internal/cell-sizes.js';
import { cellBias, inputWeight } from './internal/cell-weights.js';
import { defineCell } from './internal/define-cell.js';
import type { RecurrentCell } from './recurrent-cell.js';

/**
 * The gated AntisymmetricRNN (Chang et al., ICLR 2019, eq. 10): with `M = W − Wᵀ − γI` shared
 * by gate and update, and `V: [d, 2n]`, `b: [2n]` holding the columns `[z | h]`,
 *
 * - gate `z = sigmoid(h Mᵀ + x V_z + b_z)`,
 * - `h ← h + ε z ⊙ tanh(h Mᵀ + x V_h + b_h)`,
 *
 * (row-vector convention; column form `z = σ(M h + V_z x + b_z)`). Forward Euler with a
 * learned per-unit step `ε z`, `0 < ε z < ε`; the Jacobian's eigenvalues keep the property of
 * the plain cell up to the gate's own derivative. Shapes: `x: [batch, d]`, `h: [batch, n]`,
 * `W: [n, n]`. Parameters: `W` (`N(0, 1/n)`), `V` (Glorot), `b` (zeros).
 *
 * @param options - `inputSize` d, `units` n, `epsilon` ε > 0, `gamma` γ ≥ 0 (defaults
 *   {@link ANTISYMMETRIC_DEFAULTS}).
 * @returns The cell.
 * @throws {@link @runge/tensor-ops!ValueError} for bad sizes, `ε ≤ 0` or `γ < 0`.
 * @example
 * ```ts
 * const cell = gatedAntisymmetricCell({ inputSize: 28, units: 64 });
 * const [h] = cell.step(params, x, cell.initialState(32)); // [32, 64]
 * ```
 */
export function gatedAntisymmetricCell(options: AntisymmetricCellOptions): RecurrentCell {
  const name = 'gated-antisymmetric';
  const { d, n } = cellSizes(options, name);
  const { epsilon, gamma } = readEulerSettings(options, name);
  return defineCell({
    name,
    inputSize: d,
    units: n,
    stateSize: 1,
    params: [antisymmetricWeight(n), inputWeight('V', d, n, 2), cellBias('b', n, 2)],
    settings: { epsilon, gamma },
    step({ W, V, b }, x, state) {
      const h = state[0] as tf.Tensor2D;
      const hm = tf.matMul(h, antisymmetricRecurrence(W, gamma), false, true);
      const [xz, xh] = tf.split(tf.add(tf.matMul(x, V), b), 2, 1) as [tf.Tensor2D, tf.Tensor2D];
      const z = tf.sigmoid(tf.add(hm, xz));
      return [tf.add(h, tf.mul(epsilon, tf.mul(z, tf.tanh(tf.add(hm, xh))))) as tf.Tensor2D];
    },
  });
}

// The interface every recurrent cell implements: its parameters and one step of the recurrence.

import type { TensorTree } from '@runge/tensor-ops';
import type * as tf from '@tensorflow/tfjs-core';
import type { CellName } from './cell-names.js';
import type { ParamInfo } from './layer.js';

/**
 * One recurrent cell bound to its sizes: the step `s_t = step(θ, x_t, s_{t−1})` of a
 * recurrence on a state `s` (the hidden state `h: [batch, units]`, plus the cell state `c` for
 * the LSTM), started from zeros. Row-vector convention throughout: `x_t: [batch, inputSize]`,
 * weights `[in, out]`, so a column-vector formula `W x` is `x W` here. A sequence layer (see
 * {@link runCell}) unrolls it over time; backprop through time is autodiff through the loop.
 *
 * @example
 * ```ts
 * const cell = makeCell('gru', { inputSize: 28, units: 64 });
 * const params = initCell(cell, 0);
 * const [h] = cell.step(params, x, cell.initialState(32)); // x: [32, 28] → h: [32, 64]
 * ```
 */
export interface RecurrentCell {
  /** Which cell (one of {@link CELL_NAMES}). */
  readonly name: CellName;
  /** Features per time step `d`. */
  readonly inputSize: number;
  /** Hidden units `n` (the size of `h`, the output). */
  readonly units: number;
  /** Number of state tensors: 1 (`[h]`), 2 for the LSTM (`[h, c]`). */
  readonly stateSize: number;
  /** The parameters `params` must hold (paths, shapes, roles, initialisers). */
  readonly params: readonly ParamInfo[];
  /** The cell's settings with every default filled in (JSON, for configs and summaries). */
  readonly settings: { readonly [key: string]: number | string };
  /**
   * The zero state for a batch.
   *
   * @param batch - Batch size.
   * @returns `stateSize` tensors `[batch, units]` of zeros, owned by the caller.
   */
  initialState(batch: number): tf.Tensor2D[];
  /**
   * One step of the recurrence. Creates tensors in the caller's scope (wrap in `tf.tidy`).
   *
   * @param params - The cell's parameter tree (as `initCell` draws it).
   * @param x - `[batch, inputSize]`, the input at this step.
   * @param state - `stateSize` tensors `[batch, units]`; `state[0]` is `h`.
   * @returns The new state, `state[0]` the new `h`.
   */
  step(params: TensorTree, x: tf.Tensor2D, state: readonly tf.Tensor2D[]): tf.Tensor2D[];
}

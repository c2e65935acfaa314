// Runs a recurrent cell over a batch of sequences: unrolled in time, with masking of padding.

import { formatShape, isTensor, ShapeError, type TensorTree, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import type { RecurrentCell } from './recurrent-cell.js';

/**
 * Options of {@link runCell}.
 *
 * @example
 * ```ts
 * const options: RunCellOptions = { returnSequences: false, lengths: [28, 20] };
 * ```
 */
export interface RunCellOptions {
  /** Return every hidden state `[batch, T, n]` (many-to-many) instead of the last `[batch, n]`; default false. */
  readonly returnSequences?: boolean;
  /**
   * Which steps are real: `[batch, T]`, non-zero (or `true`) for a real step, zero for padding.
   * At a padded step the state is carried over unchanged, so padding (any finite values) does
   * not change the states at the real steps, nor the last state.
   */
  readonly mask?: tf.Tensor;
  /** The number of real steps of each sequence (padding at the end), instead of `mask`. */
  readonly lengths?: readonly number[];
  /** The state to start from (`stateSize` tensors `[batch, n]`); default zeros. */
  readonly initialState?: readonly tf.Tensor2D[];
}

/**
 * The result of {@link runCell}; the caller owns every tensor.
 *
 * @example
 * ```ts
 * const { y, state } = runCell(cell, params, x); // y: [batch, n], state: [h] or [h, c]
 * ```
 */
export interface RunCellResult {
  /** The last hidden state `[batch, n]`, or every hidden state `[batch, T, n]`. */
  readonly y: tf.Tensor;
  /** The final state (`[h]`, or `[h, c]` for the LSTM), each `[batch, n]`. */
  readonly state: tf.Tensor2D[];
}

/** The mask as a bool `[batch, T]` tensor, or undefined. */
function readMask(options: RunCellOptions, batch: number, T: number): tf.Tensor | undefined {
  if (options.mask !== undefined && options.lengths !== undefined) {
    throw new ValueError('runCell: give either mask or lengths, not both');
  }
  if (options.lengths !== undefined) {
    const { lengths } = options;
    if (!Array.isArray(lengths) || lengths.length !== batch) {
      throw new ValueError(
        `runCell: lengths: expected ${batch} integers (one per sequence), got ${Array.isArray(lengths) ? lengths.length : String(lengths)}`,
      );
    }
    for (const [i, l] of lengths.entries()) {
      if (!Number.isInteger(l) || l < 0 || l > T) {
        throw new ValueError(`runCell: lengths[${i}]: expected an integer in [0, ${T}], got ${l}`);
      }
    }
    return tf.tidy(() =>
      tf.less(
        tf.expandDims(tf.range(0, T, 1, 'int32'), 0),
        tf.expandDims(tf.tensor1d(lengths as number[], 'int32'), 1),
      ),
    );
  }
  if (options.mask === undefined) return undefined;
  const { mask } = options;
  if (!isTensor(mask) || mask.rank !== 2 || mask.shape[0] !== batch || mask.shape[1] !== T) {
    throw new ShapeError(
      `runCell: mask: expected shape [${batch}, ${T}] (batch, time), got ${isTensor(mask) ? formatShape(mask.shape) : String(mask)}`,
    );
  }
  return mask.dtype === 'bool' ? mask.clone() : tf.notEqual(mask, 0);
}

/**
 * Runs a cell over sequences `x: [batch, T, d]`: `s_0` = zeros (or `initialState`),
 * `s_t = m_t ? step(θ, x_t, s_{t−1}) : s_{t−1}` for `t = 1 … T`. Many-to-one returns `h_T`,
 * many-to-many `[h_1, …, h_T]`. The loop is unrolled, so `tf.grad` through it is backprop
 * through time. Leak-free (intermediates are released).
 *
 * @param cell - A cell from {@link makeCell}.
 * @param params - Its parameters ({@link initCell}).
 * @param x - `[batch, T, d]` with `d = cell.inputSize`, float32.
 * @param options - `returnSequences`, `mask` or `lengths`, `initialState`.
 * @returns `{ y, state }` (see {@link RunCellResult}).
 * @throws {@link @runge/tensor-ops!ShapeError} when `x` or the mask has the wrong shape.
 * @throws {@link @runge/tensor-ops!ValueError} for lengths outside `[0, T]` or both mask and lengths.
 * @example
 * ```ts
 * const cell = makeCell('gru', { inputSize: 28, units: 64 });
 * const params = initCell(cell, 0);
 * const { y } = runCell(cell, params, images, { lengths }); // images [32, 28, 28] → y [32, 64]
 * ```
 */
export function runCell(
  cell: RecurrentCell,
  params: TensorTree,
  x: tf.Tensor,
  options: RunCellOptions = {},
): RunCellResult {
  if (!isTensor(x) || x.rank !== 3 || x.shape[2] !== cell.inputSize) {
    throw new ShapeError(
      `runCell (${cell.name}): x: expected shape [batch, time, ${cell.inputSize}], got ${isTensor(x) ? formatShape(x.shape) : String(x)}`,
    );
  }
  const [batch, T] = x.shape as [number, number, number];
  return tf.tidy(() => {
    const mask = readMask(options, batch, T);
    const masks = mask ? tf.unstack(tf.tile(tf.expandDims(mask, 2), [1, 1, cell.units]), 1) : [];
    let state: tf.Tensor2D[] = options.initialState
      ? options.initialState.map((s) => s.clone())
      : cell.initialState(batch);
    const xs = tf.unstack(x, 1) as tf.Tensor2D[];
    const outputs: tf.Tensor2D[] = [];
    xs.forEach((xt, t) => {
      const next = cell.step(params, xt, state);
      const m = masks[t];
      state = m ? next.map((s, i) => tf.where(m, s, state[i] as tf.Tensor2D) as tf.Tensor2D) : next;
      if (options.returnSequences) outputs.push(state[0] as tf.Tensor2D);
    });
    const y = options.returnSequences ? tf.stack(outputs, 1) : (state[0] as tf.Tensor2D).clone();
    return { y, state } as unknown as tf.TensorContainer;
  }) as unknown as RunCellResult;
}

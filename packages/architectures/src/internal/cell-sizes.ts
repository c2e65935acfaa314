// Validation of a cell's sizes and the zero state, shared by the cells.

import { assertNumber } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';

/** Checks `inputSize` and `units` (positive integers) and returns them. */
export function cellSizes(
  options: { readonly inputSize: number; readonly units: number },
  cell: string,
): { d: number; n: number } {
  const d = assertNumber(options?.inputSize, `${cell} cell: inputSize`, { min: 1, integer: true });
  const n = assertNumber(options?.units, `${cell} cell: units`, { min: 1, integer: true });
  return { d, n };
}

/** `count` zero tensors `[batch, n]`. */
export function zeroState(batch: number, n: number, count: number, cell: string): tf.Tensor2D[] {
  assertNumber(batch, `${cell} cell: initialState batch`, { min: 1, integer: true });
  return Array.from({ length: count }, () => tf.zeros([batch, n]) as tf.Tensor2D);
}

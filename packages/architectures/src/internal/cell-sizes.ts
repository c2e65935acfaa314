// Validation of a cell's sizes and the zero state, shared by the cells.

import { assertNumber } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import type { ParamInfo } from '../layer.js';
import { weightInit } from './init.js';

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

/** The input weight `[d, k·n]` (Glorot for one gate, fans `d` and `n`). */
export function inputWeight(path: string, d: number, n: number, gates: number): ParamInfo {
  return { path, shape: [d, gates * n], role: 'dense', init: weightInit('glorot', d, n) };
}

/** A recurrent weight `[n, k·n]`: `N(0, 1/n)` entries, so `h U` keeps the scale of `h`. */
export function recurrentWeight(path: string, n: number, gates: number): ParamInfo {
  return {
    path,
    shape: [n, gates * n],
    role: 'dense',
    init: { kind: 'normal', std: 1 / Math.sqrt(n) },
  };
}

/** A bias `[k·n]` of zeros. */
export function cellBias(path: string, n: number, gates: number): ParamInfo {
  return { path, shape: [gates * n], role: 'bias', init: { kind: 'constant', value: 0 } };
}

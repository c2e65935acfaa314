// Shared checks of the recurrent cells: reading a parameter, the shapes of one step.

import {
  formatShape,
  isTensor,
  ShapeError,
  StructureError,
  type TensorTree,
} from '@runge/tensor-ops';
import type * as tf from '@tensorflow/tfjs-core';
import type { ParamInfo } from '../layer.js';

/** Reads the parameter `key` of a cell's tree, checking its shape against its info. */
export function cellParam(
  params: TensorTree,
  infos: readonly ParamInfo[],
  key: string,
  cell: string,
): tf.Tensor2D {
  const info = infos.find((p) => p.path === key);
  const value = (params as Record<string, unknown> | undefined)?.[key];
  if (!isTensor(value) || !info) {
    throw new StructureError(
      `${cell} cell: params has no tensor '${key}'; pass the tree initCell (or a model's init) drew for this cell (keys: ${infos.map((p) => `'${p.path}'`).join(', ')})`,
    );
  }
  const ok = value.rank === info.shape.length && info.shape.every((d, i) => value.shape[i] === d);
  if (!ok) {
    throw new ShapeError(
      `${cell} cell: params.${key}: expected shape ${formatShape(info.shape)}, got ${formatShape(value.shape)}`,
    );
  }
  return value as tf.Tensor2D;
}

/** Checks the input and state of one step: `x: [batch, d]`, each state `[batch, n]`. */
export function checkStep(
  cell: string,
  inputSize: number,
  units: number,
  stateSize: number,
  x: tf.Tensor,
  state: readonly tf.Tensor[],
): void {
  if (!isTensor(x) || x.rank !== 2 || x.shape[1] !== inputSize) {
    throw new ShapeError(
      `${cell} cell: x: expected shape [batch, ${inputSize}], got ${isTensor(x) ? formatShape(x.shape) : String(x)}`,
    );
  }
  if (!Array.isArray(state) || state.length !== stateSize) {
    throw new StructureError(
      `${cell} cell: state: expected ${stateSize} tensor${stateSize > 1 ? 's' : ''} [batch, ${units}] (from initialState), got ${Array.isArray(state) ? state.length : String(state)}`,
    );
  }
  for (const [i, s] of state.entries()) {
    if (!isTensor(s) || s.rank !== 2 || s.shape[0] !== x.shape[0] || s.shape[1] !== units) {
      throw new ShapeError(
        `${cell} cell: state[${i}]: expected shape [${x.shape[0]}, ${units}] (the batch of x), got ${isTensor(s) ? formatShape(s.shape) : String(s)}`,
      );
    }
  }
}

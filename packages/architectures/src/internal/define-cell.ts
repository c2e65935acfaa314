// Assembles a recurrent cell from its parameters and its step, with the checks every cell makes.

import type { TensorTree } from '@runge/tensor-ops';
import type * as tf from '@tensorflow/tfjs-core';
import type { CellName } from '../cell-names.js';
import type { ParamInfo } from '../layer.js';
import type { RecurrentCell } from '../recurrent-cell.js';
import { cellParam, checkStep } from './cell-params.js';
import { zeroState } from './cell-sizes.js';

/** What makes one cell: its name, checked sizes, parameters and the update of its state. */
export interface CellDefinition<K extends string> {
  /** The cell, also the prefix of its error messages. */
  readonly name: CellName;
  /** Features per time step `d` (already checked). */
  readonly inputSize: number;
  /** Hidden units `n` (already checked). */
  readonly units: number;
  /** Number of state tensors `[batch, n]`. */
  readonly stateSize: number;
  /** The parameters, in the order the step reads them. */
  readonly params: readonly (ParamInfo & { readonly path: K })[];
  /** Settings beyond `cell`, `inputSize` and `units` (e.g. `epsilon`, `gamma`). */
  readonly settings?: { readonly [key: string]: number };
  /** The update, given the parameters by path, once `x`, the state and each shape are checked. */
  step(
    weights: { readonly [P in K]: tf.Tensor2D },
    x: tf.Tensor2D,
    state: readonly tf.Tensor2D[],
  ): tf.Tensor2D[];
}

/**
 * The {@link RecurrentCell} of a definition: settings `{ cell, inputSize, units, ...settings }`,
 * a zero initial state, and a step that checks `x: [batch, d]`, the `stateSize` states
 * `[batch, n]` and every parameter's shape before it updates the state.
 */
export function defineCell<K extends string>(definition: CellDefinition<K>): RecurrentCell {
  const { name, inputSize: d, units: n, stateSize, params } = definition;
  return {
    name,
    inputSize: d,
    units: n,
    stateSize,
    params,
    settings: { cell: name, inputSize: d, units: n, ...definition.settings },
    initialState: (batch) => zeroState(batch, n, stateSize, name),
    step(p: TensorTree, x, state) {
      checkStep(name, d, n, stateSize, x, state);
      const weights = {} as { [P in K]: tf.Tensor2D };
      for (const info of params) weights[info.path] = cellParam(p, params, info.path, name);
      return definition.step(weights, x, state);
    },
  };
}

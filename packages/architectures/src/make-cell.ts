// Builds a recurrent cell by name, and draws its parameters.

import {
  assertOneOf,
  type Rng,
  Rng as RngClass,
  type TensorTree,
  ValueError,
} from '@runge/tensor-ops';
import { antisymmetricCell } from './antisymmetric-cell.js';
import { CELL_NAMES, type CellName, EULER_CELLS } from './cell-names.js';
import { gatedAntisymmetricCell } from './gated-antisymmetric-cell.js';
import { gruCell } from './gru-cell.js';
import { initFromInfos } from './internal/init.js';
import { lstmCell } from './lstm-cell.js';
import type { RecurrentCell } from './recurrent-cell.js';
import { rnnCell } from './rnn-cell.js';

/**
 * The options of {@link makeCell}: sizes for every cell, `epsilon` and `gamma` for the
 * antisymmetric ones only.
 *
 * @example
 * ```ts
 * const options: CellOptions = { inputSize: 28, units: 64, epsilon: 0.1 };
 * ```
 */
export interface CellOptions {
  /** Features per time step `d`. */
  readonly inputSize: number;
  /** Hidden units `n`. */
  readonly units: number;
  /** Step size `ε > 0` of the antisymmetric cells (see {@link ANTISYMMETRIC_DEFAULTS}). */
  readonly epsilon?: number;
  /** Damping `γ ≥ 0` of the antisymmetric cells (see {@link ANTISYMMETRIC_DEFAULTS}). */
  readonly gamma?: number;
}

/**
 * Builds one of the recurrent cells of {@link CELL_NAMES}: {@link rnnCell}, {@link gruCell},
 * {@link lstmCell}, {@link antisymmetricCell}, {@link gatedAntisymmetricCell}.
 *
 * @param name - The cell.
 * @param options - `inputSize` d, `units` n; `epsilon`, `gamma` for the antisymmetric cells.
 * @returns The cell; its step maps `x: [batch, d]` and a state of `[batch, n]` tensors to the
 *   next state.
 * @throws {@link @runge/tensor-ops!ValueError} for an unknown name, bad sizes, or `epsilon` /
 *   `gamma` given to a cell that has none.
 * @example
 * ```ts
 * const cell = makeCell('antisymmetric', { inputSize: 28, units: 64, epsilon: 0.1, gamma: 0.01 });
 * ```
 */
export function makeCell(name: CellName, options: CellOptions): RecurrentCell {
  const cell = assertOneOf(name, CELL_NAMES, 'cell');
  if (
    !EULER_CELLS.includes(cell) &&
    (options.epsilon !== undefined || options.gamma !== undefined)
  ) {
    throw new ValueError(
      `${cell} cell: epsilon and gamma are the step and damping of the ${EULER_CELLS.map((c) => `'${c}'`).join(' and ')} cells; remove them for '${cell}'`,
    );
  }
  switch (cell) {
    case 'rnn':
      return rnnCell(options);
    case 'gru':
      return gruCell(options);
    case 'lstm':
      return lstmCell(options);
    case 'antisymmetric':
      return antisymmetricCell(options);
    case 'gated-antisymmetric':
      return gatedAntisymmetricCell(options);
  }
}

/**
 * Draws a cell's parameters by its {@link ParamInfo}s (the initialisers a model's `init` uses).
 *
 * @param cell - The cell.
 * @param seed - A seed or a generator.
 * @returns The parameter tree (`{ W, U, b }` or `{ W, V, b }`), new tensors owned by the caller.
 * @example
 * ```ts
 * const params = initCell(makeCell('lstm', { inputSize: 3, units: 4 }), 0); // W [3, 16], U [4, 16], b [16]
 * ```
 */
export function initCell(cell: RecurrentCell, seed: number | Rng): TensorTree {
  const rng = typeof seed === 'number' ? RngClass.fromSeed(seed) : seed;
  return initFromInfos(cell.params, rng);
}

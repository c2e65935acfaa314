// The sequence layer: a recurrent cell run over [time, features], many-to-one or many-to-many.

import { ConfigError, formatShape } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { CELL_NAMES, type CellName, EULER_CELLS } from './cell-names.js';
import { checkKeys, readBoolean, readNumber, readOneOf } from './internal/config-values.js';
import { COMMON_KEYS, type LayerType } from './internal/layer-type.js';
import type { Layer } from './layer.js';
import { makeCell } from './make-cell.js';
import { runCell } from './run-cell.js';

/**
 * A sequence layer: runs a recurrent cell (see {@link makeCell}) over inputs `[batch, T, d]`
 * from a zero state, returning the last hidden state `[batch, units]` (many-to-one) or every
 * hidden state `[batch, T, units]` (`returnSequences`, many-to-many, e.g. to stack another
 * sequence layer). A model takes sequences with `input: [T, d]`. With `maskValue`, a step whose
 * features all equal it is padding: the state is carried over it unchanged (see
 * {@link runCell}), so padded sequences of different lengths share a batch.
 *
 * Parameters are the cell's: `W`, `U`, `b` (rnn, gru, lstm) or `W`, `V`, `b` (antisymmetric).
 *
 * @example
 * ```json
 * { "type": "rnn", "cell": "antisymmetric", "units": 64, "epsilon": 0.1, "gamma": 0.01 }
 * ```
 */
export interface SequenceLayerConfig {
  readonly type: 'rnn';
  /** Layer name (default `rnn_<index>`). */
  readonly name?: string;
  /** The cell, one of {@link CELL_NAMES}. */
  readonly cell: CellName;
  /** Hidden units. */
  readonly units: number;
  /** Return every hidden state `[T, units]` instead of the last `[units]`; default false. */
  readonly returnSequences?: boolean;
  /** Step size `ε` (antisymmetric cells only). */
  readonly epsilon?: number;
  /** Damping `γ` (antisymmetric cells only). */
  readonly gamma?: number;
  /** Steps whose features all equal this value are padding (no mask when absent). */
  readonly maskValue?: number;
}

const KEYS = ['cell', 'units', 'returnSequences', 'epsilon', 'gamma', 'maskValue'];

/** The `'rnn'` layer type. */
export const sequenceLayerType: LayerType = {
  type: 'rnn',
  keys: KEYS,
  build(raw, input, name, where): Layer {
    const config = checkKeys(raw, [...COMMON_KEYS, ...KEYS], where);
    if (input.shape.length !== 2) {
      throw new ConfigError(
        `${where}: a sequence layer needs sequences [time, features], got ${formatShape(input.shape)}; give the model input: [T, d]`,
      );
    }
    const [T, d] = input.shape as [number, number];
    const cellName = readOneOf(config, 'cell', where, CELL_NAMES);
    const units = readNumber(config, 'units', where, { min: 1, integer: true });
    const returnSequences = readBoolean(config, 'returnSequences', where, false);
    const euler = EULER_CELLS.includes(cellName);
    if (!euler && (config.epsilon !== undefined || config.gamma !== undefined)) {
      throw new ConfigError(
        `${where}: epsilon and gamma belong to the ${EULER_CELLS.map((c) => `'${c}'`).join(' and ')} cells; remove them for cell '${cellName}'`,
      );
    }
    const maskValue =
      config.maskValue === undefined ? undefined : readNumber(config, 'maskValue', where, {});
    const cell = makeCell(cellName, {
      inputSize: d,
      units,
      ...(euler && config.epsilon !== undefined
        ? { epsilon: readNumber(config, 'epsilon', where, { min: 0, exclusiveMin: true }) }
        : {}),
      ...(euler && config.gamma !== undefined
        ? { gamma: readNumber(config, 'gamma', where, { min: 0 }) }
        : {}),
    });
    return {
      name,
      type: 'rnn',
      config: {
        type: 'rnn',
        name,
        cell: cellName,
        units,
        ...(euler ? { epsilon: cell.settings.epsilon ?? 0, gamma: cell.settings.gamma ?? 0 } : {}),
        returnSequences,
        ...(maskValue !== undefined ? { maskValue } : {}),
      },
      inputShape: input.shape,
      outputShape: returnSequences ? [T, units] : [units],
      params: cell.params,
      state: [],
      stochastic: false,
      apply(p, x) {
        const mask = maskValue === undefined ? undefined : tf.any(tf.notEqual(x, maskValue), 2);
        const { y, state } = runCell(cell, p ?? {}, x, {
          returnSequences,
          ...(mask ? { mask } : {}),
        });
        mask?.dispose();
        for (const s of state) s.dispose();
        return { y };
      },
    };
  },
};

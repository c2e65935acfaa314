// Early stopping: tracks one per-epoch metric, the best value and epoch, and the epochs waited since.
import { ConfigError } from '@runge/tensor-ops';
import type { EpochRecord } from './events.js';
import type { EarlyStoppingOptions } from './fit-options.js';

/** Where early stopping stands (stored in checkpoints so a resumed run stops at the same epoch). */
export interface EarlyState {
  /** The best value of the metric so far (`null` before the first epoch). */
  readonly best: number | null;
  /** The epoch of the best value (−1 before the first epoch). */
  readonly bestEpoch: number;
  /** Epochs since the last improvement. */
  readonly wait: number;
}

/** The state before any epoch. */
export const EARLY_START: EarlyState = Object.freeze({ best: null, bestEpoch: -1, wait: 0 });

/** What an epoch meant for early stopping. */
export interface EarlyVerdict {
  /** The epoch improved on the best value by more than `minDelta`. */
  readonly improved: boolean;
  /** `patience` epochs have passed without improvement: stop. */
  readonly stop: boolean;
  /** The state after the epoch. */
  readonly state: EarlyState;
}

/**
 * Judges one epoch: the metric (`'validation.<name>'` or `'train.<name>'`) improves when it beats
 * the best so far by more than `minDelta` (smaller in `'min'` mode, larger in `'max'` mode, which
 * is the default for names containing "accuracy"); after `patience` epochs without improvement
 * training stops.
 *
 * @throws {@link @runge/tensor-ops!ConfigError} when the epoch has no such metric.
 */
export function judgeEpoch(
  options: EarlyStoppingOptions,
  state: EarlyState,
  record: EpochRecord,
): EarlyVerdict {
  const [split, ...rest] = options.metric.split('.');
  const source = split === 'validation' ? record.validation : record.train;
  const value = source?.[rest.join('.')];
  if (value === undefined) {
    throw new ConfigError(
      `fit: earlyStopping.metric '${options.metric}' is not among the epoch's metrics {${Object.keys(source ?? {}).join(', ')}}`,
    );
  }
  const mode = options.mode ?? (options.metric.includes('accuracy') ? 'max' : 'min');
  const minDelta = options.minDelta ?? 0;
  const improved =
    state.best === null ||
    (mode === 'min' ? value < state.best - minDelta : value > state.best + minDelta);
  if (improved) {
    return { improved, stop: false, state: { best: value, bestEpoch: record.epoch, wait: 0 } };
  }
  const wait = state.wait + 1;
  return { improved, stop: wait >= (options.patience ?? 3), state: { ...state, wait } };
}

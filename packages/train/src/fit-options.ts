// The options of fit and what it returns, and their validation.
import {
  assertNumber,
  assertOneOf,
  ConfigError,
  type JsonValue,
  type TensorTree,
  type TreeArchive,
} from '@runge/tensor-ops';
import type { EpochRecord, StopReason, TrainEvent } from './events.js';
import type { DataSource, TrainingProblem } from './problem.js';

/** Early stopping on a per-epoch metric. */
export interface EarlyStoppingOptions {
  /** `'validation.<name>'` or `'train.<name>'`, e.g. `'validation.loss'`. */
  readonly metric: string;
  /** Whether smaller (`'min'`) or larger (`'max'`) is better; default `'max'` for names containing "accuracy", else `'min'`. */
  readonly mode?: 'min' | 'max';
  /** Epochs without improvement before stopping; default 3. */
  readonly patience?: number;
  /** Smallest change that counts as an improvement; default 0. */
  readonly minDelta?: number;
  /** Return (and checkpoint) the best parameters and state seen rather than the last; default false. */
  readonly restoreBest?: boolean;
}

/** Options of {@link fit}. */
export interface FitOptions<B> {
  /** Parameters, players and evaluation. `fit` takes ownership of the initial tensors. */
  readonly problem: TrainingProblem<B>;
  /** Training data. */
  readonly train: DataSource<B>;
  /** Validation data, evaluated after every epoch with `problem.evaluate`. */
  readonly validation?: DataSource<B>;
  /** Number of epochs (total, counting those before a resume). */
  readonly epochs: number;
  /** Examples per batch. */
  readonly batchSize: number;
  /** Seed of the data order and of the per-step generators; the whole run is a function of it. */
  readonly seed: number;
  /** Drop the last incomplete batch of each epoch; default false. */
  readonly dropLast?: boolean;
  /** Stop when a validation (or training) metric stops improving. */
  readonly earlyStopping?: EarlyStoppingOptions;
  /** Write an atomic checkpoint to `file` every `everyEpochs` epochs (default 1), on interrupt and at the end. */
  readonly checkpoint?: { readonly file: string; readonly everyEpochs?: number };
  /** Continue from a checkpoint (from `loadTrees` of @runge/tensor-ops); `fit` takes ownership of its tensors. */
  readonly resume?: TreeArchive;
  /** Abort to stop after the current batch (a checkpoint is written first when configured). */
  readonly signal?: AbortSignal;
  /** Receives progress events. */
  readonly onEvent?: (event: TrainEvent) => void;
  /**
   * Called after every epoch (after validation, before the checkpoint) with the current
   * parameters and state, which stay fit's: read them (to draw samples, write pictures), never
   * dispose them. Training waits for a returned promise.
   */
  readonly onEpochEnd?: (epoch: EpochEnd) => void | Promise<void>;
  /** JSON stored in checkpoints as `config` (e.g. the resolved run configuration). */
  readonly config?: JsonValue;
}

/** What {@link FitOptions.onEpochEnd} receives. */
export interface EpochEnd {
  /** The epoch's record (also emitted as the `epoch-end` event). */
  readonly record: EpochRecord;
  /** The parameters after the epoch, by player key (owned by fit). */
  readonly params: Readonly<Record<string, TensorTree>>;
  /** The non-trainable state after the epoch (owned by fit). */
  readonly state: TensorTree;
}

/** What {@link fit} returns. The caller owns `params` and `state`. */
export interface FitResult {
  /** Final (or best, with `restoreBest`) parameters. */
  readonly params: Record<string, TensorTree>;
  /** Final (or best, with `restoreBest`) non-trainable state. */
  readonly state: TensorTree;
  /** One record per completed epoch (including epochs before a resume). */
  readonly history: readonly EpochRecord[];
  /** Why training stopped. */
  readonly reason: StopReason;
  /** Completed epochs. */
  readonly epochs: number;
  /** Global steps taken. */
  readonly steps: number;
}

/**
 * Checks the options of {@link fit} before any work: counts and sizes, that every player names a
 * parameter tree, and the early-stopping and checkpoint settings.
 *
 * @throws {@link @runge/tensor-ops!ConfigError} naming the option and what to give instead.
 */
export function validateFitOptions<B>(options: FitOptions<B>): void {
  const wrap = (fn: () => unknown): void => {
    try {
      fn();
    } catch (e) {
      throw new ConfigError(`fit: ${(e as Error).message}`, { cause: e });
    }
  };
  wrap(() => assertNumber(options.epochs, 'epochs', { min: 1, integer: true }));
  wrap(() => assertNumber(options.batchSize, 'batchSize', { min: 1, integer: true }));
  wrap(() => assertNumber(options.seed, 'seed', { integer: true }));
  if (options.train.size < 1) throw new ConfigError('fit: the training data is empty');
  if (options.dropLast && options.batchSize > options.train.size) {
    throw new ConfigError(
      `fit: batchSize ${options.batchSize} exceeds the ${options.train.size} training examples with dropLast; lower it`,
    );
  }
  if (options.problem.players.length === 0)
    throw new ConfigError('fit: the problem has no players; give at least one');
  options.problem.players.forEach((p, i) => {
    if (!(p.params in options.problem.params)) {
      throw new ConfigError(
        `fit: player ${i} optimises '${p.params}', which is not among the parameters {${Object.keys(options.problem.params).join(', ')}}`,
      );
    }
    if (p.repeat !== undefined)
      wrap(() => assertNumber(p.repeat, `players[${i}].repeat`, { min: 1, integer: true }));
    if (p.clipNorm !== undefined)
      wrap(() =>
        assertNumber(p.clipNorm, `players[${i}].clipNorm`, { min: 0, exclusiveMin: true }),
      );
    if (p.weightDecay !== undefined)
      wrap(() => assertNumber(p.weightDecay, `players[${i}].weightDecay`, { min: 0 }));
  });
  const es = options.earlyStopping;
  if (es) {
    if (!/^(train|validation)\.[\w.]+$/.test(es.metric)) {
      throw new ConfigError(
        `fit: earlyStopping.metric must look like 'validation.loss' or 'train.accuracy', got '${es.metric}'`,
      );
    }
    if (es.metric.startsWith('validation.') && !options.validation) {
      throw new ConfigError(`fit: earlyStopping.metric '${es.metric}' needs validation data`);
    }
    if (es.mode !== undefined)
      wrap(() => assertOneOf(es.mode, ['min', 'max'] as const, 'earlyStopping.mode'));
    if (es.patience !== undefined)
      wrap(() => assertNumber(es.patience, 'earlyStopping.patience', { min: 1, integer: true }));
  }
  if (options.checkpoint?.everyEpochs !== undefined) {
    wrap(() =>
      assertNumber(options.checkpoint?.everyEpochs, 'checkpoint.everyEpochs', {
        min: 1,
        integer: true,
      }),
    );
  }
}

// What summary.json of a run holds: why it stopped, how long it took, and how the model did on the test set.
import type { JsonValue } from '@runge/tensor-ops';
import type { EpochRecord, StopReason } from '../events.js';
import type { TaskName } from './tasks/task-names.js';

/** One level of a run, as its summary reports it. */
export interface LevelSummary {
  /** 0-based level. */
  readonly level: number;
  /** Input `[H, W]` of the level (images), `null` for feature vectors. */
  readonly resolution: readonly [number, number] | null;
  /** Steps of each ODE layer, by layer name. */
  readonly steps: Readonly<Record<string, number>>;
  /** Epochs of the level. */
  readonly epochs: number;
  /** Index of its first epoch in the run. */
  readonly firstEpoch: number;
  /** Trainable scalars of the level's model. */
  readonly parameters: number;
  /** Seconds spent in the level's epochs (this invocation's and earlier ones'). */
  readonly seconds: number;
}

/** The outcome of a run (`summary.json`). */
export interface RunSummary {
  /** The run task. */
  readonly task: TaskName;
  /** Why training stopped. */
  readonly reason: StopReason;
  /** Epochs completed (over every level). */
  readonly epochs: number;
  /** Optimisation steps taken in this invocation. */
  readonly steps: number;
  /** Wall time: every invocation's epochs plus this invocation's loading and evaluation, in seconds. */
  readonly seconds: number;
  /** The TF.js backend. */
  readonly backend: string;
  /** Trainable scalars of the final model. */
  readonly parameters: number;
  /** The task's loss and metrics on the test set (absent when the run stopped below the full resolution). */
  readonly test?: {
    readonly loss: number;
    readonly examples: number;
    readonly [metric: string]: number;
  };
  /** The last epoch's record. */
  readonly finalEpoch?: EpochRecord;
  /** The levels of a multilevel run. */
  readonly levels?: readonly LevelSummary[];
  /** The task's own figures (e.g. coverage of quantiles, moments of generated paths). */
  readonly report?: Readonly<Record<string, JsonValue>>;
}

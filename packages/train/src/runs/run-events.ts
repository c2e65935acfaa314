// Progress of a run, as events: the run's setup, each level, the trainer's own events (epochs counted in the whole run), warnings and the summary.
import type { ModelConfig } from '@runge/architectures';
import type { BackendInfo } from '@runge/tensor-ops';
import type { EpochRecord, StopReason, TrainEvent } from '../events.js';
import type { LevelSummary, RunSummary } from './run-summary.js';

/** One epoch of a run: the trainer's record numbered in the whole run, with its level. */
export interface RunEpochRecord extends EpochRecord {
  /** 0-based level (0 for single-level runs). */
  readonly level: number;
  /** Input height of the level's images (absent for feature vectors). */
  readonly resolution?: number;
}

/**
 * What `runTraining` reports while it runs (the library never prints; the CLI and pages decide
 * how to show them):
 * - `run`: the setup (directory, backend, data and model in one line each, the levels);
 * - `level-start` / `level-end`: the levels of a multilevel run (one level otherwise);
 * - `train`: an event of `fit`, its epochs counted in the whole run;
 * - `warning`: something the user should know that does not stop the run;
 * - `summary`: the outcome, as written to `summary.json`.
 */
export type RunEvent =
  | {
      readonly type: 'run';
      /** The run directory, when the run has one. */
      readonly dir?: string;
      /** The backend in use. */
      readonly backend: BackendInfo;
      /** `data: … train, … validation, … test`. */
      readonly data: string;
      /** `w1: resnet ODE block, 8 steps of euler, 8 weight sets`. */
      readonly description: string;
      /** Trainable scalars of the full-resolution model. */
      readonly parameters: number;
      /** The full-resolution model config (of the network named `model`, or the first). */
      readonly model: ModelConfig;
      /** Every network's config, when the task trains several. */
      readonly networks?: Readonly<Record<string, ModelConfig>>;
      /** The levels (one for single-level runs). */
      readonly levels: readonly Omit<LevelSummary, 'seconds'>[];
      /** Where a resumed run continues: level, epoch (in the run) and batch. */
      readonly resumedAt?: {
        readonly level: number;
        readonly epoch: number;
        readonly batch: number;
      };
    }
  | ({ readonly type: 'level-start'; readonly levels: number } & Omit<LevelSummary, 'seconds'>)
  | { readonly type: 'train'; readonly level: number; readonly event: TrainEvent }
  | ({
      readonly type: 'level-end';
      readonly levels: number;
      /** Why the level's training stopped. */
      readonly reason: StopReason;
    } & LevelSummary)
  | { readonly type: 'warning'; readonly message: string }
  | {
      readonly type: 'summary';
      readonly dir?: string;
      /** Plot files written. */
      readonly plots: readonly string[];
      readonly summary: RunSummary;
    };

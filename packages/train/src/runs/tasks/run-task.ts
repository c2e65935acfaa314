// A run task: what a run learns from its data, the problem fit optimises, and how a trained model is judged.
import type {
  Model,
  ModelConfig,
  ModelParams,
  ModelState,
  ModelVariables,
} from '@runge/architectures';
import type { Dataset } from '@runge/datasets';
import type { JsonValue, Rng } from '@runge/tensor-ops';
import type * as tf from '@tensorflow/tfjs-core';
import type { Optimizer } from '../../optimizer.js';
import type { TrainingProblem } from '../../problem.js';
import type { Schedule, ScheduleConfig } from '../../schedule.js';
import type { Batch } from '../../tensor-source.js';
import type { RunConfig } from '../run-config.js';
import type { RunData, TargetKind } from '../run-data.js';
import type { DataSourceName } from '../run-data-sources.js';
import type { TaskName } from './task-names.js';

/** How a trained model did on a dataset. */
export interface TaskEvaluation {
  /** The task's loss, averaged over the examples. */
  readonly loss: number;
  /** Further figures by name (e.g. `accuracy`), in the order to report them. */
  readonly metrics: Readonly<Record<string, number>>;
  /** Number of examples evaluated. */
  readonly examples: number;
  /** A classifier's confusion matrix (rows: true class, columns: predicted). */
  readonly confusion?: readonly (readonly number[])[];
}

/** A trained network of a run: the model and its variables. */
export interface TaskNetwork {
  /** The built model. */
  readonly model: Model;
  /** Its trainable parameters. */
  readonly params: ModelParams;
  /** Its non-trainable state (`{}` when none). */
  readonly state: ModelState;
}

/** The networks of a run by name: `{ model }` for most tasks, `{ generator, critic }` for a GAN. */
export type TaskNetworks = Readonly<Record<string, TaskNetwork>>;

/** What a task's problem is built from, at one level of a run. */
export interface TaskProblemContext {
  /** The run configuration. */
  readonly config: RunConfig;
  /** The run's data (at full resolution). */
  readonly data: RunData;
  /**
   * The networks of the level by name. The problem's parameter record must use the same keys
   * (`{ model: … }`), and its state is the single network's state, or `{ [name]: state }` when
   * there are several.
   */
  readonly models: Readonly<Record<string, Model>>;
  /** Their initial (or transferred) variables; the problem takes ownership. */
  readonly init: Readonly<Record<string, ModelVariables>>;
  /** The update rule (fresh state at every level). */
  readonly optimizer: Optimizer;
  /** The learning rate over the level's epochs. */
  readonly learningRate: Schedule | ScheduleConfig;
  /** Augmentation of the training inputs, if the run asks for it. */
  readonly augment?: (x: tf.Tensor, rng: Rng) => tf.Tensor;
}

/** What a task's report and epoch hooks receive. */
export interface TaskReportContext {
  /** The run configuration. */
  readonly config: RunConfig;
  /** The run's data. */
  readonly data: RunData;
  /** The trained networks (owned by the caller: read, never dispose). */
  readonly nets: TaskNetworks;
  /** The run directory, or `null` for a run in memory (then nothing is written). */
  readonly dir: string | null;
}

/** What a task's report adds to a run: files written and figures for `summary.json`. */
export interface TaskReport {
  /** Files written into the run directory (pictures, plots, tables). */
  readonly files: readonly string[];
  /** Figures to keep in `summary.json` under `report`. */
  readonly summary?: Readonly<Record<string, JsonValue>>;
}

/**
 * A task's own defaults: for each section of the run configuration (`data`, `train`,
 * `sequence`, …), values that replace the section's defaults.
 *
 * @example
 * ```ts
 * const defaults: TaskDefaults = { train: { optimizer: 'adam', lr: 0.003 } };
 * ```
 */
export type TaskDefaults = Readonly<Record<string, Readonly<Record<string, JsonValue>>>>;

/** What {@link RunTask.check} may use for its messages. */
export interface TaskCheckContext {
  /** Where the configuration came from. */
  readonly source: string;
  /** How to name a setting (the CLI adds its flag). */
  readonly name: (path: string) => string;
}

/**
 * What a run learns (`task` of the run configuration). The pipeline of `runTraining` goes
 * through it for training, resuming and evaluating, so a new kind of run (regression, a
 * generator and a critic, a VAE, a sequence model) is a new task with its own data needs,
 * problem (one or several players) and evaluation.
 */
export interface RunTask {
  /** The task's name in run configurations. */
  readonly name: TaskName;
  /** One line for `--help` and the docs. */
  readonly description: string;
  /** What the task learns from: class labels or real-valued targets. */
  readonly targets: TargetKind;
  /** The data sources it accepts. */
  readonly sources: readonly DataSourceName[];
  /** The metric that says how good a model is (early stopping's default, the summary's headline). */
  readonly headline: string;
  /**
   * Settings the task starts from instead of the run configuration's defaults, by section
   * (`{ train: { optimizer: 'adam' } }`); what a configuration sets overrides them (see
   * {@link withTaskDefaults}).
   */
  readonly defaults?: TaskDefaults;
  /**
   * Whether the task trains its network through `networkOptions`, which honours
   * `train.stepCycle` (see `stepCycleApply`); a run of any other task refuses the setting.
   */
  readonly stepCycle?: boolean;
  /** Checks settings specific to the task; throws a `ConfigError` that names them. */
  check?(config: RunConfig, ctx: TaskCheckContext): void;
  /** Loads the task's data; default `loadRunData(config, targets)`. */
  loadData?(config: RunConfig): Promise<RunData>;
  /**
   * The networks the task trains, by name; default `{ model: modelConfigFor(config, data) }`
   * (the preset or `model.config`). Multilevel training needs a single network named `model`.
   */
  networks?(config: RunConfig, data: RunData): Record<string, ModelConfig>;
  /** The problem to optimise at one level of the run. */
  problem(ctx: TaskProblemContext): TrainingProblem<Batch>;
  /** Judges trained networks on `data` (the test set, or another split). */
  evaluate(nets: TaskNetworks, data: Dataset, ctx: { readonly config: RunConfig }): TaskEvaluation;
  /** After every epoch, with the current networks (e.g. a grid of samples); returns the files written. */
  epochEnd?(ctx: TaskReportContext & { readonly epoch: number }): Promise<readonly string[]>;
  /** After training: pictures, plots and figures of the trained networks. */
  report?(ctx: TaskReportContext): Promise<TaskReport>;
}

/**
 * The single network of a task that trains one (`model`), or a clear error.
 *
 * @example
 * ```ts
 * const { model, params, state } = mainNetwork(nets);
 * ```
 */
export function mainNetwork(nets: TaskNetworks): TaskNetwork {
  const main = nets.model ?? Object.values(nets)[0];
  if (!main) throw new Error('a run without networks');
  return main;
}

/**
 * The flat record of an evaluation that run summaries keep: `{ loss, ...metrics, examples }`.
 *
 * @example
 * ```ts
 * evaluationRecord({ loss: 0.1, metrics: { accuracy: 0.97 }, examples: 2004 });
 * // { loss: 0.1, accuracy: 0.97, examples: 2004 }
 * ```
 */
export function evaluationRecord(evaluation: TaskEvaluation): {
  readonly loss: number;
  readonly examples: number;
  readonly [metric: string]: number;
} {
  return { loss: evaluation.loss, ...evaluation.metrics, examples: evaluation.examples };
}

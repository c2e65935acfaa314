// The one training pipeline of runs: levels of a schedule, each a transfer from the previous level and a fit of the task's problem; single-level training is the schedule with one level.
import {
  buildModel,
  type Model,
  type ModelConfig,
  type ModelParams,
  type ModelState,
  type ModelVariables,
} from '@runge/architectures';
import { type Dataset, disposeDataset, pyramid } from '@runge/datasets';
import { type MultilevelLevel, type PlannedLevel, planMultilevel } from '@runge/multigrid';
import {
  ConfigError,
  Rng,
  type TensorTree,
  type TreeArchive,
  treeDispose,
} from '@runge/tensor-ops';
import type { StopReason, TrainEvent } from '../events.js';
import { fit } from '../fit.js';
import type { FitCheckpointMeta } from '../fit-checkpoint.js';
import { type Schedule, schedule } from '../schedule.js';
import { tensorSource } from '../tensor-source.js';
import { augmentOf } from './run-augment.js';
import type { RunConfig } from './run-config.js';
import type { RunData } from './run-data.js';
import type { RunEpochRecord, RunEvent } from './run-events.js';
import { optimizerOf, scheduleOf } from './run-optimizer.js';
import { monitoredExamples } from './run-stability.js';
import type { LevelSummary } from './run-summary.js';
import { withStabilityMetrics } from './stability-metrics.js';
import type { RunTask, TaskNetworks } from './tasks/run-task.js';

/** What the checkpoints of a run store besides fit's own state: the configuration and the level. */
export interface RunCheckpointConfig {
  /** The resolved run configuration. */
  readonly run: RunConfig;
  /** The level the checkpoint belongs to (0-based). */
  readonly level: number;
}

/** A network's config with its trained variables. */
export interface TrainedNetwork {
  /** The model config (of the last level trained). */
  readonly config: ModelConfig;
  /** Trained parameters. */
  readonly params: ModelParams;
  /** Non-trainable state (`{}` without batch norm). */
  readonly state: ModelState;
}

/** Options of {@link trainLevels}. */
export interface TrainLevelsOptions {
  /** The run configuration (training settings, seed). */
  readonly config: RunConfig;
  /** What is learned. */
  readonly task: RunTask;
  /** The data at full resolution (not disposed). */
  readonly data: RunData;
  /** The networks at the data's full resolution, by name (`{ model }` for most tasks). */
  readonly networks: Readonly<Record<string, ModelConfig>>;
  /** The levels (one network named `model` only); default one level with every epoch. */
  readonly levels?: readonly MultilevelLevel[];
  /** Checkpoint file of the level being trained. */
  readonly checkpoint?: { readonly file: string; readonly everyEpochs?: number };
  /** A checkpoint to continue from (its level is read from it); the pipeline owns its tensors. */
  readonly resume?: TreeArchive;
  /** Records of the levels before the resumed one (from the run's metrics). */
  readonly earlier?: readonly RunEpochRecord[];
  /** The run directory for the task's per-epoch files, or none. */
  readonly dir?: string | null;
  /** Abort to stop after the current batch. */
  readonly signal?: AbortSignal;
  /** Receives level and training events. */
  readonly onEvent?: (event: RunEvent) => void;
}

/** What {@link trainLevels} returns; the caller owns the networks' variables. */
export interface TrainLevelsResult {
  /** The trained networks by name, at the last level trained. */
  readonly nets: Readonly<Record<string, TrainedNetwork>>;
  /** Every epoch of the run, numbered in the whole run, with its level. */
  readonly history: readonly RunEpochRecord[];
  /** The levels trained, with their time. */
  readonly levels: readonly LevelSummary[];
  /** `'completed'`, or why the run stopped early. */
  readonly reason: StopReason;
  /** Optimisation steps taken by this call. */
  readonly steps: number;
  /** Files the task wrote after each epoch. */
  readonly files: readonly string[];
}

/** The level a checkpoint belongs to (0 for checkpoints of single-level runs). */
export function checkpointLevel(archive: TreeArchive): number {
  const meta = archive.meta as unknown as FitCheckpointMeta | null;
  const config = meta?.config as unknown as Partial<RunCheckpointConfig> | null;
  return typeof config?.level === 'number' ? config.level : 0;
}

/** A trainer event with its epochs counted in the whole run. */
function inRun(event: TrainEvent, offset: number, total: number): TrainEvent {
  switch (event.type) {
    case 'start':
      return {
        ...event,
        epochs: total,
        ...(event.resumedAt
          ? { resumedAt: { ...event.resumedAt, epoch: event.resumedAt.epoch + offset } }
          : {}),
      };
    case 'epoch-start':
    case 'step':
    case 'checkpoint':
      return { ...event, epoch: event.epoch + offset };
    case 'epoch-end':
      return { ...event, record: { ...event.record, epoch: event.record.epoch + offset } };
    case 'early-stop':
      return { ...event, epoch: event.epoch + offset, bestEpoch: event.bestEpoch + offset };
    case 'end':
      return { ...event, epochs: event.epochs + offset };
  }
}

/**
 * The levels of a run, resolved: a multilevel plan for a single network named `model`, one level
 * for every other task (several networks train together at one resolution).
 *
 * @throws {@link @runge/tensor-ops!ConfigError} for a multilevel schedule of a task with several networks.
 */
export function planLevels(
  config: RunConfig,
  networks: Readonly<Record<string, ModelConfig>>,
  levels: readonly MultilevelLevel[],
): {
  levels: readonly PlannedLevel[];
  pyramidDepth: number;
  transfer: ReturnType<typeof planMultilevel>['transfer'] | null;
} {
  const names = Object.keys(networks);
  if (names.length === 1 && names[0] === 'model') {
    const plan = planMultilevel({
      config: networks.model as ModelConfig,
      levels,
      method: config.train.multilevelMethod,
    });
    return plan;
  }
  if (levels.length > 1) {
    throw new ConfigError(
      `train.multilevel: multilevel training moves one network between levels, and the task '${config.task}' trains ${names.length} (${names.join(', ')}); remove train.multilevel`,
    );
  }
  const single: PlannedLevel = {
    level: 0,
    resolution: null,
    pyramidLevel: 0,
    epochs: config.train.epochs,
    firstEpoch: 0,
    steps: {},
    config: networks[names[0] as string] as ModelConfig,
  };
  return { levels: [single], pyramidDepth: 1, transfer: null };
}

/** The level in the form events and summaries report it. */
export function levelInfo(
  level: PlannedLevel,
  networks: Readonly<Record<string, ModelConfig>>,
): Omit<LevelSummary, 'seconds'> {
  const names = Object.keys(networks);
  const parameters =
    names.length === 1 && names[0] === 'model'
      ? buildModel(level.config).parameterCount
      : names.reduce((n, name) => n + buildModel(networks[name] as ModelConfig).parameterCount, 0);
  return {
    level: level.level,
    resolution: level.resolution,
    steps: level.steps,
    epochs: level.epochs,
    firstEpoch: level.firstEpoch,
    parameters,
  };
}

/** The networks of a level as a task sees them, from fit's parameter record and state. */
function networksOf(
  models: Readonly<Record<string, Model>>,
  params: Readonly<Record<string, TensorTree>>,
  state: TensorTree,
): TaskNetworks {
  const names = Object.keys(models);
  const single = names.length === 1 && names[0] === 'model';
  return Object.fromEntries(
    names.map((name) => [
      name,
      {
        model: models[name] as Model,
        params: params[name] as ModelParams,
        state: (single ? state : ((state as Record<string, TensorTree>)[name] ?? {})) as ModelState,
      },
    ]),
  );
}

/**
 * Trains a run's networks on the levels of a schedule: at every level the model is moved from the
 * previous level (resolution by `transferModel`, depth by `prolongDepth`/`restrictDepth` of
 * @runge/multigrid, as the plan says), the task builds its problem, and `fit` trains it on the
 * level's data (the training and validation images restricted by full weighting to the level's
 * size) with a fresh optimiser state and its own data order (`seed + level`); the learning-rate
 * schedule runs over the whole run. A single-level run is the schedule with one level, so both
 * are this one pipeline, for every task; a task with several networks (a generator and a critic)
 * trains them together at one level. Early stopping applies at the last level only.
 *
 * @param options - The configuration, task, data, networks, levels, checkpoint, resume and events.
 * @returns The trained networks, the history, the levels' times and the task's per-epoch files.
 * @throws {@link @runge/tensor-ops!ConfigError} for a schedule that does not fit the model.
 * @example
 * ```ts
 * const result = await trainLevels({ config, task, data, networks: { model: modelConfigFor(config, data) } });
 * ```
 */
export async function trainLevels(options: TrainLevelsOptions): Promise<TrainLevelsResult> {
  const { config, task, data, networks } = options;
  const emit = (event: RunEvent): void => options.onEvent?.(event);
  const epochs = config.train.epochs;
  const names = Object.keys(networks);
  let plan: ReturnType<typeof planLevels>;
  try {
    plan = planLevels(
      config,
      networks,
      options.levels ?? [
        {
          ...(data.inputShape.length === 3 ? { resolution: data.inputShape[0] as number } : {}),
          epochs,
        },
      ],
    );
  } catch (e) {
    if (options.resume) treeDispose(options.resume.trees as TensorTree);
    throw e;
  }
  const startLevel = options.resume ? checkpointLevel(options.resume) : 0;
  if (startLevel >= plan.levels.length) {
    if (options.resume) treeDispose(options.resume.trees as TensorTree);
    throw new ConfigError(
      `the checkpoint belongs to level ${startLevel + 1}, but the run has ${plan.levels.length} level(s); the configuration changed since it was written`,
    );
  }
  const base: Schedule = schedule(scheduleOf(config));
  const fullHeight = data.inputShape.length === 3 ? (data.inputShape[0] as number) : undefined;
  const augment = augmentOf(config, data.train.x.rank, fullHeight, data.imageRows);
  const trainSets = plan.pyramidDepth > 1 ? pyramid(data.train, plan.pyramidDepth) : [data.train];
  const validationSets = data.validation
    ? plan.pyramidDepth > 1
      ? pyramid(data.validation, plan.pyramidDepth)
      : [data.validation]
    : null;
  const history: RunEpochRecord[] = [...(options.earlier ?? [])];
  const done: LevelSummary[] = plan.levels.slice(0, startLevel).map((level) => ({
    ...levelInfo(level, networks),
    seconds: history.filter((r) => r.level === level.level).reduce((s, r) => s + r.seconds, 0),
  }));
  const files: string[] = [];
  // The trained variables between levels (single network) and at the end (every network).
  let current: Record<string, TrainedNetwork> | null = null;
  let reason: StopReason = 'completed';
  let steps = 0;
  const release = (nets: Record<string, TrainedNetwork> | null): void => {
    for (const net of Object.values(nets ?? {})) treeDispose([net.params, net.state] as TensorTree);
  };
  try {
    for (const level of plan.levels.slice(startLevel)) {
      const configs: Record<string, ModelConfig> =
        plan.transfer === null ? { ...networks } : { model: level.config };
      let init: Record<string, ModelVariables>;
      if (current === null) {
        if (plan.transfer !== null) {
          init = { model: buildModel(level.config).init(config.seed) };
        } else {
          const rng = Rng.fromSeed(config.seed);
          init = Object.fromEntries(
            names.map((name) => [name, buildModel(configs[name] as ModelConfig).init(rng.split())]),
          );
        }
      } else {
        const previous = current.model as TrainedNetwork;
        const moved = (plan.transfer as NonNullable<typeof plan.transfer>)(previous, level.level);
        release(current);
        current = null;
        init = { model: moved };
      }
      const models = Object.fromEntries(
        Object.entries(configs).map(([name, c]) => [name, buildModel(c)]),
      );
      const info = levelInfo(level, networks);
      emit({ type: 'level-start', levels: plan.levels.length, ...info });
      const offset = level.firstEpoch;
      const learningRate: Schedule = (t) => base({ ...t, epoch: offset + t.epoch, epochs });
      const last = level.level === plan.levels.length - 1;
      const problem = withStabilityMetrics(
        task.problem({
          config,
          data,
          models,
          init,
          optimizer: optimizerOf(config, models.model),
          learningRate,
          ...(augment ? { augment } : {}),
        }),
        models,
        monitoredExamples(config.model.stability),
      );
      const validation = validationSets?.[level.pyramidLevel];
      const resume = level.level === startLevel ? options.resume : undefined;
      const checkpointConfig: RunCheckpointConfig = { run: config, level: level.level };
      const earlyStopping = last ? config.train.earlyStopping : undefined;
      const epochEnd = task.epochEnd;
      const result = await fit({
        problem,
        train: tensorSource(trainSets[level.pyramidLevel] as Dataset),
        ...(validation ? { validation: tensorSource(validation) } : {}),
        epochs: level.epochs,
        batchSize: config.train.batchSize,
        seed: config.seed + level.level,
        ...(options.checkpoint ? { checkpoint: options.checkpoint } : {}),
        ...(resume ? { resume } : {}),
        ...(earlyStopping ? { earlyStopping } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        config: checkpointConfig as never,
        onEvent: (event) =>
          emit({ type: 'train', level: level.level, event: inRun(event, offset, epochs) }),
        ...(epochEnd
          ? {
              onEpochEnd: async ({ record, params, state }) => {
                const written = await epochEnd.call(task, {
                  config,
                  data,
                  nets: networksOf(models, params, state),
                  dir: options.dir ?? null,
                  epoch: offset + record.epoch,
                });
                files.push(...written);
              },
            }
          : {}),
      });
      const trained = networksOf(models, result.params, result.state);
      current = Object.fromEntries(
        Object.entries(trained).map(([name, net]) => [
          name,
          { config: configs[name] as ModelConfig, params: net.params, state: net.state },
        ]),
      );
      for (const record of result.history) {
        history.push({
          ...record,
          epoch: offset + record.epoch,
          level: level.level,
          ...(level.resolution ? { resolution: level.resolution[0] } : {}),
        });
      }
      steps += result.steps - (resume ? ((resume.meta as { step?: number })?.step ?? 0) : 0);
      const summary: LevelSummary = {
        ...info,
        seconds: result.history.reduce((s, r) => s + r.seconds, 0),
      };
      done.push(summary);
      emit({ type: 'level-end', levels: plan.levels.length, reason: result.reason, ...summary });
      if (result.reason !== 'completed') {
        reason = result.reason;
        break;
      }
    }
  } catch (error) {
    release(current);
    throw error;
  } finally {
    for (const ds of trainSets) if (ds !== data.train) disposeDataset(ds);
    for (const ds of validationSets ?? []) if (ds !== data.validation) disposeDataset(ds);
  }
  return {
    nets: current as Record<string, TrainedNetwork>,
    history,
    levels: done,
    reason,
    steps,
    files,
  };
}

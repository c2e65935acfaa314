// runTraining and resumeRun: a whole run from its configuration — backend, data, model, the pipeline, the run directory, the test evaluation and the summary.
import {
  buildModel,
  type ModelConfig,
  type ModelParams,
  type ModelState,
} from '@runge/architectures';
import type { MultilevelLevel, PlannedLevel } from '@runge/multigrid';
import {
  ConfigError,
  loadTrees,
  type TensorTree,
  type TreeArchive,
  treeDispose,
} from '@runge/tensor-ops';
import type { EpochRecord } from '../events.js';
import type { FitCheckpointMeta } from '../fit-checkpoint.js';
import { nodeFs } from './node-fs.js';
import { writeTrainingPlots } from './plots/training-plots.js';
import { resolveRunConfig } from './resolve-run-config.js';
import { initRunBackend } from './run-backend.js';
import type { RunConfig } from './run-config.js';
import { describeData, type RunData } from './run-data.js';
import {
  appendJsonLine,
  checkOutputFolder,
  cleanTempFiles,
  lockRun,
  newRunDir,
  openRunDir,
  RunDirError,
  type RunPaths,
  readJson,
  readJsonLines,
  runPaths,
  writeJson,
  writeJsonLines,
} from './run-dir.js';
import type { RunEpochRecord, RunEvent } from './run-events.js';
import { scheduleLevels } from './run-levels.js';
import { describeModel } from './run-model.js';
import { loadTaskData, networksFor } from './run-networks.js';
import { checkpointLevel, levelInfo, planLevels, trainLevels } from './run-pipeline.js';
import type { RunSummary } from './run-summary.js';
import { taskOf } from './tasks/registry.js';
import { evaluationRecord, type TaskNetworks } from './tasks/run-task.js';

/** Options of {@link runTraining} and {@link resumeRun}. */
export interface RunTrainingOptions {
  /**
   * Where the run directory goes (new runs): a path for exactly this directory, `false` for no
   * files at all (a run in memory, as in a web page); default a new directory
   * `<output>/<name>-<date>-<time>` under the configuration's `output`.
   */
  readonly dir?: string | false;
  /** Receives the run's progress. */
  readonly onEvent?: (event: RunEvent) => void;
  /** Abort to stop after the current batch, with a checkpoint written. */
  readonly signal?: AbortSignal;
}

/** What a run gives back. */
export interface RunResult {
  /** The run directory (absent for runs without files). */
  readonly dir?: string;
  /** The outcome, as written to `summary.json`. */
  readonly summary: RunSummary;
  /** The final networks' configs by name (`model` for most tasks; the last level trained). */
  readonly networks: Readonly<Record<string, ModelConfig>>;
}

/** Everything a run needs before training, checked before any file is written. */
interface Prepared {
  readonly config: RunConfig;
  readonly data: RunData;
  readonly networks: Readonly<Record<string, ModelConfig>>;
  readonly levels: readonly MultilevelLevel[];
  readonly planned: readonly PlannedLevel[];
  readonly backend: Awaited<ReturnType<typeof initRunBackend>>;
}

async function prepare(config: RunConfig, emit: (e: RunEvent) => void): Promise<Prepared> {
  const backend = await initRunBackend(config);
  for (const message of backend.warnings) emit({ type: 'warning', message });
  const data = await loadTaskData(config);
  try {
    const networks = networksFor(config, data);
    const levels = scheduleLevels(
      config,
      data,
      networks.model ?? (Object.values(networks)[0] as ModelConfig),
    );
    const planned = planLevels(config, networks, levels).levels;
    return { config, data, networks, levels, planned, backend };
  } catch (e) {
    data.dispose();
    throw e;
  }
}

/** Trains a prepared run; the caller has set up the directory (or none). */
async function execute(
  prepared: Prepared,
  paths: RunPaths | null,
  options: RunTrainingOptions,
  resume: { archive?: TreeArchive; earlier: RunEpochRecord[] } | null,
): Promise<RunResult> {
  const start = performance.now();
  const { config, data, networks, levels, planned } = prepared;
  const task = taskOf(config);
  const emit = (e: RunEvent): void => options.onEvent?.(e);
  const archive = resume?.archive;
  const meta = archive?.meta as unknown as FitCheckpointMeta | undefined;
  const level = archive ? checkpointLevel(archive) : 0;
  const built = Object.entries(networks).map(([name, c]) => [name, buildModel(c)] as const);
  const parameters = built.reduce((n, [, m]) => n + m.parameterCount, 0);
  const description =
    built.length === 1
      ? describeModel((built[0] as (typeof built)[number])[1])
      : built.map(([name, m]) => `${name} ${describeModel(m)}`).join('; ');
  emit({
    type: 'run',
    ...(paths ? { dir: paths.dir } : {}),
    backend: prepared.backend.info,
    data: describeData(data),
    description: `${description}, ${parameters.toLocaleString('en-US')} parameters`,
    parameters,
    model: networks.model ?? (Object.values(networks)[0] as ModelConfig),
    ...(built.length > 1 ? { networks } : {}),
    levels: planned.map((level) => levelInfo(level, networks)),
    ...(meta
      ? {
          resumedAt: {
            level,
            epoch: (planned[level]?.firstEpoch ?? 0) + meta.epoch,
            batch: meta.batch,
          },
        }
      : {}),
  });
  // The log of epochs never runs ahead of the checkpoint: records are written once the checkpoint
  // that contains them is on disk, and a resume rewrites the log from the checkpoint.
  const pending: RunEpochRecord[] = [];
  let writing: Promise<void> = Promise.resolve();
  const flush = (upTo: number): void => {
    const ready = pending.filter((r) => r.epoch < upTo);
    pending.splice(0, ready.length);
    if (paths) {
      for (const record of ready)
        writing = writing.then(() => appendJsonLine(paths.metrics, record));
    }
  };
  let levelOf = { level: 0, offset: 0, resolution: undefined as number | undefined };
  const onEvent = (e: RunEvent): void => {
    if (e.type === 'level-start') {
      levelOf = {
        level: e.level,
        offset: e.firstEpoch,
        resolution: e.resolution?.[0],
      };
    }
    if (e.type === 'train' && e.event.type === 'epoch-end') {
      const record: RunEpochRecord = {
        ...e.event.record,
        level: levelOf.level,
        ...(levelOf.resolution !== undefined ? { resolution: levelOf.resolution } : {}),
      };
      pending.push(record);
      const loss = record.validation?.loss;
      if (loss !== undefined && !Number.isFinite(loss)) {
        emit({
          type: 'warning',
          message: `validation loss is ${loss} at epoch ${record.epoch + 1}: the model's outputs (or the validation inputs) are not finite; lower the learning rate or check the data`,
        });
      }
    }
    if (e.type === 'train' && e.event.type === 'checkpoint' && e.event.batch === 0) {
      flush(e.event.epoch);
    }
    emit(e);
  };
  let result: Awaited<ReturnType<typeof trainLevels>>;
  try {
    result = await trainLevels({
      config,
      task,
      data,
      networks,
      levels,
      dir: paths?.dir ?? null,
      ...(paths
        ? { checkpoint: { file: paths.checkpoint, everyEpochs: config.train.checkpointEvery } }
        : {}),
      ...(archive ? { resume: archive } : {}),
      ...(resume ? { earlier: resume.earlier } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      onEvent,
    });
  } catch (error) {
    if (paths) await recordFailure(paths, error);
    throw error;
  }
  try {
    if (!paths) flush(Number.POSITIVE_INFINITY);
    await writing;
    const plots = paths ? await writeTrainingPlots(paths.plots, result.history) : [];
    const nets: TaskNetworks = Object.fromEntries(
      Object.entries(result.nets).map(([name, net]) => [
        name,
        { model: buildModel(net.config), params: net.params, state: net.state },
      ]),
    );
    const atFull = Object.entries(result.nets).every(
      ([name, net]) => JSON.stringify(net.config.input) === JSON.stringify(networks[name]?.input),
    );
    const test = atFull ? task.evaluate(nets, data.test, { config }) : undefined;
    const report =
      atFull && task.report
        ? await task.report({ config, data, nets, dir: paths?.dir ?? null })
        : undefined;
    const finalEpoch: EpochRecord | undefined = result.history.at(-1);
    // Every invocation's epochs, plus this invocation's loading, transfers and evaluation.
    const sum = (records: readonly EpochRecord[]): number =>
      records.reduce((total, r) => total + r.seconds, 0);
    const before = (resume?.earlier.length ?? 0) + (meta?.history.length ?? 0);
    const overhead = (performance.now() - start) / 1000 - sum(result.history.slice(before));
    const summary: RunSummary = {
      task: task.name,
      reason: result.reason,
      epochs: result.history.length,
      steps: result.steps,
      seconds: sum(result.history) + Math.max(0, overhead),
      backend: prepared.backend.info.backend,
      parameters: Object.values(nets).reduce((n, net) => n + net.model.parameterCount, 0),
      ...(test ? { test: evaluationRecord(test) } : {}),
      ...(report?.summary ? { report: report.summary } : {}),
      ...(finalEpoch ? { finalEpoch } : {}),
      ...(levels.length > 1 ? { levels: result.levels } : {}),
    };
    if (paths) await writeJson(paths.summary, summary);
    const files = [...plots, ...result.files, ...(report?.files ?? [])];
    emit({ type: 'summary', ...(paths ? { dir: paths.dir } : {}), plots: files, summary });
    return {
      ...(paths ? { dir: paths.dir } : {}),
      summary,
      networks: Object.fromEntries(Object.entries(result.nets).map(([n, net]) => [n, net.config])),
    };
  } finally {
    for (const net of Object.values(result.nets)) {
      treeDispose([net.params, net.state] as TensorTree);
    }
  }
}

/** Records a failure in the run directory, so that commands can say what happened to the run. */
async function recordFailure(paths: RunPaths, error: unknown): Promise<void> {
  const { fs } = nodeFs('run directories');
  if (await fs.stat(paths.summary).catch(() => null)) return;
  await writeJson(paths.summary, {
    reason: 'failed',
    error: error instanceof Error ? error.message : String(error),
  }).catch(() => {});
}

/**
 * Trains a run from its configuration, exactly as `runge train --config` does: selects the
 * backend, loads the data, builds the model, trains it on the configuration's schedule (one level,
 * or multilevel) with the task's problem, and writes the run directory — `config.json`,
 * `metrics.jsonl` (one line per epoch, never ahead of the checkpoint), `checkpoint.ckpt`
 * (atomic), `plots/`, and `summary.json` with the test evaluation. Everything is checked before
 * the directory is created, so a configuration that cannot train leaves no run behind; the
 * directory is locked while the run trains.
 *
 * @param input - The run configuration (as written, or resolved by {@link resolveRunConfig}).
 * @param options - `dir` (a path, or `false` for no files), `onEvent`, `signal`.
 * @returns The run directory, the summary and the final model config.
 * @throws {@link @runge/tensor-ops!ConfigError} for an invalid configuration; a
 *   {@link RunDirError} for an output folder that cannot hold runs; data and numerical errors as
 *   they arise (recorded in `summary.json`).
 * @example
 * ```ts
 * const { dir, summary } = await runTraining(await loadRunConfig('run.yaml'), {
 *   onEvent: (e) => e.type === 'train' && e.event.type === 'epoch-end' && console.log(e.event.record),
 * });
 * console.log(summary.test?.accuracy);
 * ```
 */
export async function runTraining(
  input: RunConfig | Record<string, unknown>,
  options: RunTrainingOptions = {},
): Promise<RunResult> {
  const config = resolveRunConfig(input);
  const emit = (e: RunEvent): void => options.onEvent?.(e);
  if (options.dir !== false) {
    const { path } = nodeFs('run directories');
    await checkOutputFolder(
      typeof options.dir === 'string' ? path.dirname(path.resolve(options.dir)) : config.output,
    );
  }
  const prepared = await prepare(config, emit);
  let paths: RunPaths | null = null;
  let release: (() => Promise<void>) | null = null;
  try {
    if (options.dir !== false) {
      if (typeof options.dir === 'string') {
        const { fs } = nodeFs('run directories');
        paths = runPaths(options.dir);
        const existing = await fs.readdir(paths.dir).catch(() => null);
        if (existing && existing.length > 0) {
          throw new RunDirError(
            `${paths.dir} exists and is not empty; continue that run with resumeRun (runge resume), or choose a new directory`,
          );
        }
        await fs.mkdir(paths.dir, { recursive: true });
      } else {
        // A task with its own networks names the directory after its model (`sequence-lstm`),
        // or after itself when it trains several (a GAN, a VAE).
        const own = taskOf(config).networks
          ? (prepared.networks.model?.name ?? config.task)
          : undefined;
        const name = config.name ?? own ?? (config.model.config ? 'custom' : config.model.preset);
        paths = await newRunDir(config.output, name);
      }
      release = await lockRun(paths);
      await writeJson(paths.config, config);
    }
    return await execute(prepared, paths, options, null);
  } finally {
    prepared.data.dispose();
    await release?.();
  }
}

/** Options of {@link resumeRun}. */
export interface ResumeRunOptions extends Omit<RunTrainingOptions, 'dir'> {
  /** A new total number of epochs (at least the run's). */
  readonly epochs?: number;
  /** Another backend than the run's. */
  readonly backend?: RunConfig['backend'];
}

/**
 * Reads and validates the configuration stored in a run directory.
 *
 * @throws {@link @runge/tensor-ops!ConfigError} when it is invalid.
 */
export async function readRunConfig(paths: RunPaths): Promise<RunConfig> {
  return resolveRunConfig(await readJson<unknown>(paths.config), { source: paths.config });
}

/**
 * Continues a run from its checkpoint, with the same numbers as an uninterrupted run: the
 * checkpoint holds the parameters, optimiser state, data order and generators, and the level of a
 * multilevel run. A run killed before its first checkpoint starts again from its configuration.
 * Temporary files of an interrupted write are removed and `metrics.jsonl` is rewritten to agree
 * with the checkpoint before training continues. The directory is locked while the run trains: a
 * second writer is refused.
 *
 * @param dir - The run directory.
 * @param options - `epochs` (a new total), `backend`, `onEvent`, `signal`.
 * @returns The run directory, the summary and the final model config.
 * @throws {@link RunDirError} for a missing directory, a run in use, or a checkpoint that does not
 *   match `config.json`; {@link @runge/tensor-ops!ConfigError} for an epoch count below the run's.
 * @example
 * ```ts
 * await resumeRun('runs/w1-20261202-101500', { epochs: 20 });
 * ```
 */
export async function resumeRun(dir: string, options: ResumeRunOptions = {}): Promise<RunResult> {
  const paths = await openRunDir(dir);
  const emit = (e: RunEvent): void => options.onEvent?.(e);
  let config = await readRunConfig(paths);
  const release = await lockRun(paths);
  let prepared: Prepared | null = null;
  let archive: TreeArchive | undefined;
  try {
    await cleanTempFiles(paths);
    if (options.epochs !== undefined && options.epochs !== config.train.epochs) {
      if (options.epochs < config.train.epochs) {
        throw new ConfigError(
          `epochs ${options.epochs} is below the run's ${config.train.epochs} epochs; give a larger total`,
        );
      }
      config = resolveRunConfig({ ...config, train: { ...config.train, epochs: options.epochs } });
      await writeJson(paths.config, config);
    }
    if (options.backend) config = { ...config, backend: options.backend };
    prepared = await prepare(config, emit);
    const { fs } = nodeFs('run directories');
    if (await fs.stat(paths.checkpoint).catch(() => null)) {
      archive = await loadTrees(paths.checkpoint);
      const level = checkpointLevel(archive);
      const planned = prepared.planned[level];
      if (!planned) {
        throw new RunDirError(
          `${paths.checkpoint} belongs to level ${level + 1}, but config.json asks for ${prepared.planned.length} level(s); restore the configuration the run was trained with`,
        );
      }
      const trees = archive.trees as { params?: Record<string, ModelParams>; state?: ModelState };
      const configs = prepared.planned.length > 1 ? { model: planned.config } : prepared.networks;
      for (const [name, c] of Object.entries(configs)) {
        try {
          const single = Object.keys(configs).length === 1;
          buildModel(c).checkVariables({
            params: trees.params?.[name],
            state: single
              ? (trees.state ?? {})
              : ((trees.state as Record<string, ModelState> | undefined)?.[name] ?? {}),
          });
        } catch (e) {
          throw new RunDirError(
            `config.json does not match ${paths.checkpoint} (${name}: ${(e as Error).message}); restore the configuration the run was trained with, or start a new run`,
            { cause: e },
          );
        }
      }
    } else {
      emit({
        type: 'warning',
        message: `${paths.dir} has no checkpoint yet (the run stopped before its first one): starting it from its configuration`,
      });
    }
    // The log agrees with the checkpoint: the epochs of earlier levels, then the checkpoint's own.
    const meta = archive?.meta as unknown as FitCheckpointMeta | undefined;
    const level = archive ? checkpointLevel(archive) : 0;
    const logged = await readJsonLines<RunEpochRecord>(paths.metrics);
    const earlier = logged.filter((r) => r.level < level);
    const offset = prepared.planned[level]?.firstEpoch ?? 0;
    const resolution = prepared.planned[level]?.resolution?.[0];
    const current = (meta?.history ?? []).map(
      (r): RunEpochRecord => ({
        ...r,
        epoch: r.epoch + offset,
        level,
        ...(resolution !== undefined ? { resolution } : {}),
      }),
    );
    await writeJsonLines(paths.metrics, [...earlier, ...current]);
    const taken = archive;
    archive = undefined; // the pipeline owns it now
    return await execute(prepared, paths, options, {
      ...(taken ? { archive: taken } : {}),
      earlier,
    });
  } catch (error) {
    if (archive) treeDispose(archive.trees as TensorTree);
    throw error;
  } finally {
    prepared?.data.dispose();
    await release();
  }
}

import {
  type BackendInfo,
  ConfigError,
  loadTrees,
  type TensorTree,
  type TreeArchive,
  treeDispose,
  treeSize,
} from '@runge/tensor-ops';
import { type EpochRecord, type FitResult, fit, type TrainEvent, tensorSource } from '@runge/train';
import type { RunConfig } from '../config.js';
import { describeData, loadRunData } from '../data.js';
import { buildRunModel } from '../model.js';
import { type CommandIo, json, line } from '../output.js';
import { writeTrainingPlots } from '../plots-run.js';
import { createProgress, formatDuration } from '../progress.js';
import { describeBackend, initRunBackend } from '../run-backend.js';
import { appendJsonLine, type RunPaths, writeJson } from '../run-dir.js';
import { evaluationRecord, formatEvaluation, taskOf } from '../tasks.js';
import { runMultilevelTraining } from './train-multilevel.js';

export type { CommandIo } from '../output.js';

/** What `summary.json` of a run holds. */
export interface RunSummary {
  readonly reason: FitResult['reason'];
  readonly epochs: number;
  readonly steps: number;
  readonly seconds: number;
  readonly backend: string;
  readonly parameters: number;
  /** The task's loss and metrics on the test set (`accuracy` for classification). */
  readonly test?: {
    readonly loss: number;
    readonly examples: number;
    readonly [metric: string]: number;
  };
  readonly finalEpoch?: EpochRecord;
}

/**
 * Trains (or continues training) the run in `paths` with `config`: loads the data, builds the
 * model, runs `fit` with checkpoints into the run directory, writes metrics.jsonl and the plots,
 * evaluates on the test set and writes summary.json. Returns the exit code.
 */
export async function runTraining(
  config: RunConfig,
  paths: RunPaths,
  io: CommandIo,
  options: { resume?: boolean; backend?: BackendInfo } = {},
): Promise<number> {
  if ((config.train.multilevel ?? 1) > 1) {
    if (options.resume) {
      throw new ConfigError(
        `this run trains on ${config.train.multilevel} resolution levels (train.multilevel); runge resume continues single-level runs only. Start a new run`,
      );
    }
    return runMultilevelTraining(config, paths, io, options);
  }
  const start = performance.now();
  const backend = options.backend ?? (await initRunBackend(config));
  line(io, describeBackend(backend));
  const data = await loadRunData(config);
  let resume: TreeArchive | undefined;
  try {
    const model = buildRunModel(config, data);
    if (options.resume) resume = await loadTrees(paths.checkpoint);
    const init = model.init(config.seed);
    const parameters = treeSize(init.params);
    line(io, describeData(data));
    line(io, `model: ${model.description}, ${parameters.toLocaleString('en-US')} parameters`);
    json(io, {
      event: 'run',
      dir: paths.dir,
      backend: backend.backend,
      parameters,
      model: model.config,
    });
    const progress = createProgress(io.mode, io.out);
    const history: EpochRecord[] = [];
    const onEvent = (e: TrainEvent): void => {
      progress.onEvent(e);
      if (e.type === 'epoch-end') history.push(e.record);
    };
    const task = taskOf(config);
    const problem = task.problem(config, model, init, data);
    const pending: Promise<unknown>[] = [];
    const result = await fit({
      problem,
      train: tensorSource(data.train),
      ...(data.validation ? { validation: tensorSource(data.validation) } : {}),
      epochs: config.train.epochs,
      batchSize: config.train.batchSize,
      seed: config.seed,
      checkpoint: { file: paths.checkpoint, everyEpochs: config.train.checkpointEvery },
      ...(resume ? { resume } : {}),
      ...(config.train.earlyStopping ? { earlyStopping: config.train.earlyStopping } : {}),
      ...(io.signal ? { signal: io.signal } : {}),
      config: config as unknown as never,
      onEvent: (e) => {
        onEvent(e);
        if (e.type === 'epoch-end') pending.push(appendJsonLine(paths.metrics, e.record));
      },
    });
    resume = undefined; // fit owns it now
    await Promise.all(pending);
    progress.stop();
    const plots = await writeTrainingPlots(paths.plots, result.history);
    try {
      const seconds = (performance.now() - start) / 1000;
      const test = task.evaluate(
        model.apply,
        result.params.model as TensorTree,
        result.state,
        data.test,
      );
      const finalEpoch = result.history.at(-1);
      const summary: RunSummary = {
        reason: result.reason,
        epochs: result.epochs,
        steps: result.steps,
        seconds,
        backend: backend.backend,
        parameters,
        test: evaluationRecord(test),
        ...(finalEpoch ? { finalEpoch } : {}),
      };
      await writeJson(paths.summary, summary);
      json(io, { event: 'summary', dir: paths.dir, plots, ...summary });
      line(io, `test ${formatEvaluation(test)} on ${test.examples} examples`);
      line(
        io,
        `${result.reason === 'interrupted' ? 'stopped' : 'done'} after ${formatDuration(summary.seconds)}; run written to ${paths.dir}`,
      );
      return result.reason === 'interrupted' ? 130 : 0;
    } finally {
      treeDispose(result.params);
      treeDispose(result.state);
    }
  } finally {
    if (resume) treeDispose(resume.trees as TensorTree);
    data.dispose();
  }
}

import { buildModel } from '@runge/architectures';
import { type MultilevelEpochRecord, multilevelSchedule, trainMultilevel } from '@runge/multigrid';
import { type BackendInfo, type TensorTree, treeDispose } from '@runge/tensor-ops';
import type { ApplyFn } from '@runge/train';
import type { RunConfig } from '../config.js';
import { describeData, loadRunData } from '../data.js';
import { modelConfigFor } from '../model.js';
import { type CommandIo, json, line } from '../output.js';
import { writeTrainingPlots } from '../plots-run.js';
import { createProgress, formatDuration } from '../progress.js';
import { describeBackend, initRunBackend } from '../run-backend.js';
import { appendJsonLine, type RunPaths, writeJson } from '../run-dir.js';
import { evaluationRecord, formatEvaluation, taskOf } from '../tasks.js';
import { augmentOf, optimizerOf, scheduleOf } from '../training-settings.js';
import type { RunSummary } from './train.js';

/**
 * `runge train --multilevel L`: trains the run's model on `L` levels of the image pyramid, coarse
 * to fine (MATH.md §5), with `trainMultilevel` of @runge/multigrid, and writes the same run
 * directory as a single-level run (metrics.jsonl with a `level` and `resolution` per epoch,
 * the checkpoint of the level being trained, plots, summary.json with the level timings). The
 * test set is classified by the final, full-resolution model. Returns the exit code.
 */
export async function runMultilevelTraining(
  config: RunConfig,
  paths: RunPaths,
  io: CommandIo,
  options: { backend?: BackendInfo } = {},
): Promise<number> {
  const start = performance.now();
  const backend = options.backend ?? (await initRunBackend(config));
  line(io, describeBackend(backend));
  const data = await loadRunData(config);
  try {
    const modelConfig = modelConfigFor(config, data);
    const full = buildModel(modelConfig);
    const height = modelConfig.input[0] as number;
    const levels = multilevelSchedule({
      resolution: height,
      levels: config.train.multilevel ?? 1,
      epochs: config.train.epochs,
      ...(config.train.multilevelDepth ? { steps: config.model.steps } : {}),
    });
    line(io, describeData(data));
    line(
      io,
      `model: ${full.name}, ${full.parameterCount.toLocaleString('en-US')} parameters at full resolution`,
    );
    line(
      io,
      `multilevel (${config.train.multilevelMethod}): ${levels
        .map(
          (l) =>
            `${l.resolution}×${l.resolution}${l.steps !== undefined ? ` N=${l.steps}` : ''} (${l.epochs} epoch${l.epochs === 1 ? '' : 's'})`,
        )
        .join(' → ')}`,
    );
    json(io, {
      event: 'run',
      dir: paths.dir,
      backend: backend.backend,
      parameters: full.parameterCount,
      model: modelConfig,
      levels,
    });
    const augment = augmentOf(config, data.train.x.rank, height);
    let progress = createProgress(io.mode, io.out);
    // The level being trained: where its epochs start in the whole run, and its input height.
    let level = { firstEpoch: 0, resolution: height };
    const pending: Promise<unknown>[] = [];
    const result = await trainMultilevel({
      config: modelConfig,
      train: data.train,
      ...(data.validation ? { validation: data.validation } : {}),
      levels,
      method: config.train.multilevelMethod,
      batchSize: config.train.batchSize,
      seed: config.seed,
      optimizer: optimizerOf(config),
      learningRate: scheduleOf(config),
      ...(augment ? { augment } : {}),
      ...(config.train.clipNorm !== undefined ? { clipNorm: config.train.clipNorm } : {}),
      ...(config.train.weightDecay > 0 ? { weightDecay: config.train.weightDecay } : {}),
      checkpoint: { file: paths.checkpoint, everyEpochs: config.train.checkpointEvery },
      ...(io.signal ? { signal: io.signal } : {}),
      runConfig: config as unknown as never,
      onEvent: (e) => {
        switch (e.type) {
          case 'level-start':
            level = { firstEpoch: e.firstEpoch, resolution: e.resolution[0] };
            progress = createProgress(io.mode, io.out);
            line(
              io,
              `level ${e.level + 1}/${levels.length}: ${e.resolution[0]}×${e.resolution[1]} images, ${Object.values(e.steps).join('/')} step(s), ${e.parameters.toLocaleString('en-US')} parameters`,
            );
            json(io, { event: 'level-start', ...e });
            break;
          case 'level-end':
            progress.stop();
            line(io, `level ${e.level + 1} done in ${formatDuration(e.seconds)}`);
            json(io, { event: 'level-end', ...e });
            break;
          case 'train': {
            const event = e.event;
            progress.onEvent(event);
            if (event.type === 'epoch-end') {
              const record: MultilevelEpochRecord = {
                ...event.record,
                epoch: level.firstEpoch + event.record.epoch,
                level: e.level,
                resolution: level.resolution,
              };
              pending.push(appendJsonLine(paths.metrics, record));
            }
            break;
          }
        }
      },
    });
    await Promise.all(pending);
    progress.stop();
    try {
      const plots = await writeTrainingPlots(paths.plots, result.history);
      const seconds = (performance.now() - start) / 1000;
      const atFull = result.config.input[0] === height;
      const finalModel = buildModel(result.config);
      const test = atFull
        ? taskOf(config).evaluate(
            finalModel.apply as unknown as ApplyFn,
            result.params as TensorTree,
            result.state as TensorTree,
            data.test,
          )
        : undefined;
      const finalEpoch = result.history.at(-1);
      const summary: RunSummary & { levels: typeof result.levels } = {
        reason: result.reason,
        epochs: result.history.length,
        steps: result.steps,
        seconds,
        backend: backend.backend,
        parameters: finalModel.parameterCount,
        ...(test ? { test: evaluationRecord(test) } : {}),
        ...(finalEpoch ? { finalEpoch } : {}),
        levels: result.levels,
      };
      await writeJson(paths.summary, summary);
      json(io, { event: 'summary', dir: paths.dir, plots, ...summary });
      for (const level of result.levels) {
        line(
          io,
          `level ${level.level + 1}: ${level.resolution[0]}×${level.resolution[1]}, ${level.epochs} epoch(s), ${formatDuration(level.seconds)}`,
        );
      }
      if (test) {
        line(io, `test ${formatEvaluation(test)} on ${test.examples} examples`);
      } else {
        line(
          io,
          'the run stopped before the full-resolution level; its checkpoint holds a coarser model, which runge eval cannot evaluate at the data resolution',
        );
      }
      line(
        io,
        `${result.reason === 'interrupted' ? 'stopped' : 'done'} after ${formatDuration(seconds)}; run written to ${paths.dir}`,
      );
      return result.reason === 'interrupted' ? 130 : 0;
    } finally {
      treeDispose(result.params as TensorTree);
      treeDispose(result.state as TensorTree);
    }
  } finally {
    data.dispose();
  }
}

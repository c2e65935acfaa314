// fit: the training loop over epochs and batches, with validation, early stopping, checkpoints and progress events.
import {
  assertGradients,
  Rng,
  type RngState,
  type TensorTree,
  treeClone,
  treeDispose,
} from '@runge/tensor-ops';
import { EARLY_START, type EarlyState, judgeEpoch } from './early-stopping.js';
import type { EpochRecord, Metrics, StopReason, TrainEvent } from './events.js';
import { readFitCheckpoint, writeFitCheckpoint } from './fit-checkpoint.js';
import { type FitOptions, type FitResult, validateFitOptions } from './fit-options.js';
import { playerStep, type TrainingVariables } from './player-step.js';
import type { LossContext, Player } from './problem.js';
import { type Schedule, type ScheduleTime, schedule } from './schedule.js';
import { yieldToEventLoop } from './yield-to-event-loop.js';

function metricNames(
  players: readonly Player<unknown>[],
): (name: string, player: number) => string {
  return players.length === 1
    ? (name) => name
    : (name, player) => `${(players[player] as Player<unknown>).params}.${name}`;
}

function toSchedule(lr: Player<unknown>['learningRate']): Schedule {
  return typeof lr === 'function' ? lr : schedule(lr);
}

/** The running sums of the epoch in progress. */
interface Partial {
  sums: Record<string, number>;
  examples: number;
  seconds: number;
  batches: number;
}

const emptyPartial = (): Partial => ({ sums: {}, examples: 0, seconds: 0, batches: 0 });

/**
 * Trains a {@link TrainingProblem}: epochs of seeded-shuffled batches; for each batch every
 * player in turn computes its loss and gradient (`valueAndGrad`), optionally clips it by global
 * norm, and applies its optimiser with the scheduled learning rate (and decoupled weight decay);
 * validation after each epoch; early stopping; atomic checkpoints; progress as events.
 *
 * Deterministic given `seed`: the epoch orders and the per-step generators derive from it, and a
 * checkpoint stores their states, so training 2 epochs equals training 1, resuming, and training 1.
 * The loop yields to the event loop after every batch, so an `AbortSignal` (e.g. from Ctrl-C)
 * stops it cleanly after the current batch.
 *
 * @param options - See {@link FitOptions}.
 * @returns Final parameters and state (owned by the caller), history and why it stopped.
 * @throws {@link @runge/tensor-ops!ConfigError} for invalid options; {@link @runge/tensor-ops!StructureError} when a resume
 *   checkpoint does not match the problem; {@link @runge/tensor-ops!NumericalError} when a loss becomes NaN/Inf
 *   (the message says where and what to try).
 * @example
 * ```ts
 * const result = await fit({
 *   problem: classification({ apply, params, optimizer: sgd(), learningRate: 0.05 }),
 *   train: tensorSource({ x: images, y: labels }),
 *   epochs: 3, batchSize: 64, seed: 1,
 *   onEvent: (e) => e.type === 'epoch-end' && console.log(e.record),
 * });
 * ```
 */
export async function fit<B>(options: FitOptions<B>): Promise<FitResult> {
  try {
    validateFitOptions(options);
    assertGradients();
  } catch (e) {
    // fit owns what it was given, also when it refuses to start
    treeDispose(options.problem.params as TensorTree);
    treeDispose(options.problem.state);
    if (options.resume) treeDispose(options.resume.trees as TensorTree);
    throw e;
  }
  const { problem, train, batchSize, epochs } = options;
  const players = problem.players;
  const names = metricNames(players as readonly Player<unknown>[]);
  const schedules = players.map((p) => toSchedule(p.learningRate));
  const emit = (event: TrainEvent): void => options.onEvent?.(event);

  // Owned state of the run.
  const params: Record<string, TensorTree> = { ...problem.params };
  const vars: TrainingVariables = {
    params,
    state: problem.state ?? {},
    optStates: players.map((p) => p.optimizer.init(params[p.params] as TensorTree)),
    updates: players.map(() => 0),
  };
  const disposeVars = (): void => {
    treeDispose(vars.params);
    treeDispose(vars.state);
    treeDispose(vars.optStates);
  };
  let dataRng = Rng.fromSeed(options.seed);
  let stepRng = dataRng.split();
  let epochStartRng = dataRng.state();
  let history: EpochRecord[] = [];
  let early: EarlyState = EARLY_START;
  let startEpoch = 0;
  let startBatch = 0;
  let step = 0;
  let partial = emptyPartial();
  let bestParams: Record<string, TensorTree> | null = null;
  let bestState: TensorTree | null = null;

  if (options.resume) {
    let restored: ReturnType<typeof readFitCheckpoint>;
    try {
      restored = readFitCheckpoint(options.resume, {
        params: vars.params,
        optimizer: vars.optStates,
      });
    } catch (e) {
      disposeVars();
      throw e;
    }
    const { trees, meta } = restored;
    disposeVars();
    for (const key of Object.keys(params)) params[key] = trees.params[key] as TensorTree;
    vars.state = trees.state ?? {};
    vars.optStates.splice(0, vars.optStates.length, ...trees.optimizer);
    vars.updates.splice(0, vars.updates.length, ...meta.updates);
    dataRng = Rng.fromState(meta.dataRng);
    stepRng = Rng.fromState(meta.stepRng);
    history = [...meta.history];
    early = { ...meta.early };
    startEpoch = meta.epoch;
    startBatch = meta.batch;
    step = meta.step;
    partial = { ...meta.partial, sums: { ...meta.partial.sums } };
    if (trees.best && options.earlyStopping?.restoreBest) {
      bestParams = trees.best;
      bestState = trees.bestState ?? null;
    } else {
      if (trees.best) treeDispose(trees.best);
      if (trees.bestState) treeDispose(trees.bestState);
    }
  }

  const batchesPerEpoch =
    (options.dropLast ?? false)
      ? Math.floor(train.size / batchSize)
      : Math.ceil(train.size / batchSize);
  const everyEpochs = options.checkpoint?.everyEpochs ?? 1;
  const runStart = performance.now();
  let batchSecondsTotal = 0;
  let batchesTimed = 0;

  const writeCheckpoint = async (
    epoch: number,
    batch: number,
    rngForResume: RngState,
  ): Promise<void> => {
    if (!options.checkpoint) return;
    const bytes = await writeFitCheckpoint(
      options.checkpoint.file,
      {
        params: vars.params,
        state: vars.state,
        optimizer: vars.optStates,
        ...(bestParams ? { best: bestParams } : {}),
        ...(bestState ? { bestState } : {}),
      },
      {
        format: 'runge-fit',
        version: 1,
        epoch,
        batch,
        step,
        seed: options.seed,
        dataRng: rngForResume,
        stepRng: stepRng.state(),
        updates: vars.updates,
        history,
        early,
        partial,
        config: options.config ?? null,
      },
    );
    emit({ type: 'checkpoint', file: options.checkpoint.file, epoch, batch, bytes });
  };

  /** Trains the batches of one epoch from `firstBatch`; false when interrupted mid-epoch. */
  const trainEpoch = async (epoch: number, firstBatch: number): Promise<boolean> => {
    epochStartRng = dataRng.state();
    const order = dataRng.permutation(train.size);
    for (let b = firstBatch; b < batchesPerEpoch; b++) {
      const t0 = performance.now();
      const indices = order.subarray(b * batchSize, Math.min(train.size, (b + 1) * batchSize));
      const batch = train.take(indices);
      const time: ScheduleTime = { epoch, batch: b, batchesPerEpoch, epochs };
      const batchMetrics: Record<string, number> = {};
      try {
        players.forEach((player, i) => {
          for (let r = 0; r < (player.repeat ?? 1); r++) {
            const ctx: LossContext = { training: true, rng: stepRng.split(), epoch, step };
            const lr = (schedules[i] as Schedule)(time);
            Object.assign(batchMetrics, playerStep(vars, players, i, batch, ctx, lr, names));
          }
        });
      } finally {
        train.disposeBatch(batch);
      }
      step++;
      const seconds = (performance.now() - t0) / 1000;
      batchSecondsTotal += seconds;
      batchesTimed++;
      partial.seconds += seconds;
      partial.examples += indices.length;
      partial.batches++;
      for (const [name, v] of Object.entries(batchMetrics))
        partial.sums[name] = (partial.sums[name] ?? 0) + v * indices.length;
      const running: Record<string, number> = {};
      for (const [name, s] of Object.entries(partial.sums)) running[name] = s / partial.examples;
      const remainingBatches = (epochs - epoch - 1) * batchesPerEpoch + (batchesPerEpoch - b - 1);
      emit({
        type: 'step',
        epoch,
        batch: b,
        batchesPerEpoch,
        step: step - 1,
        metrics: batchMetrics,
        running,
        learningRate: (schedules[0] as Schedule)(time),
        samplesPerSecond: partial.examples / Math.max(partial.seconds, 1e-9),
        etaSeconds: remainingBatches * (batchSecondsTotal / batchesTimed),
      });
      // Let signal handlers (Ctrl-C) and other tasks run between batches.
      await yieldToEventLoop();
      if (options.signal?.aborted && b + 1 < batchesPerEpoch) {
        await writeCheckpoint(epoch, b + 1, epochStartRng);
        return false;
      }
    }
    return true;
  };

  /** The record of a finished epoch: mean training metrics and validation. */
  const epochRecord = (epoch: number): EpochRecord => {
    const trainMetrics: Metrics = Object.fromEntries(
      Object.entries(partial.sums).map(([name, s]) => [name, s / Math.max(partial.examples, 1)]),
    );
    const evalStart = performance.now();
    const validation =
      options.validation && problem.evaluate
        ? problem.evaluate(vars.params, vars.state, options.validation)
        : undefined;
    return {
      epoch,
      train: trainMetrics,
      ...(validation ? { validation } : {}),
      learningRate: (schedules[0] as Schedule)({
        epoch,
        batch: batchesPerEpoch,
        batchesPerEpoch,
        epochs,
      }),
      seconds: partial.seconds + (performance.now() - evalStart) / 1000,
      samplesPerSecond: partial.examples / Math.max(partial.seconds, 1e-9),
    };
  };

  emit({
    type: 'start',
    epochs,
    batchesPerEpoch,
    examples: train.size,
    ...(options.resume ? { resumedAt: { epoch: startEpoch, batch: startBatch } } : {}),
  });

  let reason: StopReason = 'completed';
  let epoch = startEpoch;
  try {
    for (; epoch < epochs; epoch++) {
      emit({ type: 'epoch-start', epoch });
      const firstBatch = epoch === startEpoch ? startBatch : 0;
      if (firstBatch === 0) partial = emptyPartial();
      if (!(await trainEpoch(epoch, firstBatch))) {
        reason = 'interrupted';
        break;
      }
      const record = epochRecord(epoch);
      history.push(record);
      emit({ type: 'epoch-end', record });
      await options.onEpochEnd?.({ record, params: vars.params, state: vars.state });
      let stopEarly = false;
      if (options.earlyStopping) {
        const verdict = judgeEpoch(options.earlyStopping, early, record);
        early = verdict.state;
        stopEarly = verdict.stop;
        if (verdict.improved && options.earlyStopping.restoreBest) {
          if (bestParams) treeDispose(bestParams);
          bestParams = treeClone(vars.params);
          if (bestState) treeDispose(bestState);
          bestState = treeClone(vars.state);
        }
      }
      if (options.signal?.aborted) reason = 'interrupted';
      const last = epoch + 1 === epochs || stopEarly || reason === 'interrupted';
      if ((epoch + 1) % everyEpochs === 0 || last) {
        await writeCheckpoint(epoch + 1, 0, dataRng.state());
      }
      if (stopEarly) {
        reason = 'early-stopping';
        emit({
          type: 'early-stop',
          epoch,
          metric: options.earlyStopping?.metric as string,
          best: early.best as number,
          bestEpoch: early.bestEpoch,
        });
      }
      if (stopEarly || reason === 'interrupted') {
        epoch++;
        break;
      }
    }
  } catch (e) {
    disposeVars();
    if (bestParams) treeDispose(bestParams);
    if (bestState) treeDispose(bestState);
    throw e;
  }
  treeDispose(vars.optStates);
  let finalParams = vars.params;
  let finalState = vars.state;
  if (bestParams) {
    treeDispose(vars.params);
    finalParams = bestParams;
  }
  if (bestState) {
    treeDispose(vars.state);
    finalState = bestState;
  }
  emit({ type: 'end', reason, epochs: epoch, seconds: (performance.now() - runStart) / 1000 });
  return {
    params: finalParams,
    state: finalState,
    history,
    reason,
    epochs: history.length,
    steps: step,
  };
}

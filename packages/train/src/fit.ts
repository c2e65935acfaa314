import {
  assertGradients,
  assertNumber,
  assertOneOf,
  ConfigError,
  type JsonValue,
  NumericalError,
  Rng,
  type RngState,
  StructureError,
  saveTrees,
  type TensorTree,
  type TreeArchive,
  tidyTree,
  treeClone,
  treeDispose,
  treeKeep,
  treeMap,
  valueAndGrad,
} from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { clipByGlobalNorm } from './clip.js';
import type { EpochRecord, Metrics, StopReason, TrainEvent } from './events.js';
import type { DataSource, LossContext, LossOutput, Player, TrainingProblem } from './problem.js';
import { type Schedule, type ScheduleTime, schedule } from './schedule.js';
import { yieldToEventLoop } from './yield-to-event-loop.js';

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
  /** JSON stored in checkpoints as `config` (e.g. the resolved run configuration). */
  readonly config?: JsonValue;
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

interface EarlyState {
  best: number | null;
  bestEpoch: number;
  wait: number;
}

interface TrainMeta {
  readonly format: 'runge-fit';
  readonly version: 1;
  readonly epoch: number;
  readonly batch: number;
  readonly step: number;
  readonly seed: number;
  readonly dataRng: RngState;
  readonly stepRng: RngState;
  readonly updates: readonly number[];
  readonly history: readonly EpochRecord[];
  readonly early: EarlyState;
  readonly partial: {
    readonly sums: Record<string, number>;
    readonly examples: number;
    readonly seconds: number;
    readonly batches: number;
  };
  readonly config: JsonValue;
}

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

function validateOptions<B>(options: FitOptions<B>): void {
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

function checkSameStructure(name: string, expected: TensorTree, actual: TensorTree): void {
  try {
    tf.tidy(() => {
      treeMap(
        (a, b) => {
          if (a.shape.join() !== (b as tf.Tensor).shape.join()) {
            throw new StructureError(
              `shape [${b?.shape.join(', ')}] where the model has [${a.shape.join(', ')}]`,
            );
          }
          return a;
        },
        expected,
        actual,
      );
    });
  } catch (e) {
    throw new StructureError(
      `checkpoint does not match the problem at '${name}': ${(e as Error).message}`,
      { cause: e },
    );
  }
}

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
    validateOptions(options);
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
  let state: TensorTree = problem.state ?? {};
  let optStates: TensorTree[] = players.map((p) =>
    p.optimizer.init(params[p.params] as TensorTree),
  );
  let updates: number[] = players.map(() => 0);
  let dataRng = Rng.fromSeed(options.seed);
  let stepRng = dataRng.split();
  let epochStartRng = dataRng.state();
  let history: EpochRecord[] = [];
  let early: EarlyState = { best: null, bestEpoch: -1, wait: 0 };
  let startEpoch = 0;
  let startBatch = 0;
  let step = 0;
  let partial = { sums: {} as Record<string, number>, examples: 0, seconds: 0, batches: 0 };
  let resumedBest: Record<string, TensorTree> | null = null;
  let resumedBestState: TensorTree | null = null;

  if (options.resume) {
    const meta = options.resume.meta as unknown as TrainMeta;
    if (meta?.format !== 'runge-fit') {
      treeDispose(options.resume.trees as unknown as TensorTree);
      treeDispose(params);
      treeDispose(state);
      treeDispose(optStates);
      throw new ConfigError(
        "fit: the checkpoint was not written by fit (missing format 'runge-fit')",
      );
    }
    const trees = options.resume.trees as {
      params: Record<string, TensorTree>;
      state: TensorTree;
      optimizer: TensorTree[];
      best?: Record<string, TensorTree>;
      bestState?: TensorTree;
    };
    try {
      checkSameStructure('params', params, trees.params);
      if ((trees.optimizer ?? []).length !== players.length) {
        throw new StructureError(
          `checkpoint has ${trees.optimizer?.length ?? 0} optimiser states for ${players.length} players`,
        );
      }
      trees.optimizer.forEach((s, i) => {
        checkSameStructure(`optimizer.${i}`, optStates[i] as TensorTree, s);
      });
    } catch (e) {
      treeDispose(trees as unknown as TensorTree);
      treeDispose(params);
      treeDispose(state);
      treeDispose(optStates);
      throw e;
    }
    treeDispose(params);
    treeDispose(state);
    treeDispose(optStates);
    for (const key of Object.keys(params)) params[key] = trees.params[key] as TensorTree;
    state = trees.state ?? {};
    optStates = trees.optimizer;
    updates = [...meta.updates];
    dataRng = Rng.fromState(meta.dataRng);
    stepRng = Rng.fromState(meta.stepRng);
    history = [...meta.history];
    early = { ...meta.early };
    startEpoch = meta.epoch;
    startBatch = meta.batch;
    step = meta.step;
    partial = { ...meta.partial, sums: { ...meta.partial.sums } };
    resumedBest = trees.best ?? null;
    resumedBestState = trees.bestState ?? null;
  }

  if (resumedBest && !options.earlyStopping?.restoreBest) {
    treeDispose(resumedBest);
    resumedBest = null;
    if (resumedBestState) treeDispose(resumedBestState);
    resumedBestState = null;
  }
  let bestParams: Record<string, TensorTree> | null = resumedBest;
  let bestState: TensorTree | null = resumedBestState;
  const dropLast = options.dropLast ?? false;
  const batchesPerEpoch = dropLast
    ? Math.floor(train.size / batchSize)
    : Math.ceil(train.size / batchSize);
  if (batchesPerEpoch === 0) {
    throw new ConfigError(
      `fit: batchSize ${batchSize} exceeds the ${train.size} training examples with dropLast; lower it`,
    );
  }
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
    const meta: TrainMeta = {
      format: 'runge-fit',
      version: 1,
      epoch,
      batch,
      step,
      seed: options.seed,
      dataRng: rngForResume,
      stepRng: stepRng.state(),
      updates,
      history,
      early,
      partial,
      config: options.config ?? null,
    };
    const trees = {
      params,
      state,
      optimizer: optStates,
      ...(bestParams ? { best: bestParams } : {}),
      ...(bestState ? { bestState } : {}),
    };
    const bytes = await saveTrees(options.checkpoint.file, {
      trees,
      meta: meta as unknown as JsonValue,
    });
    emit({ type: 'checkpoint', file: options.checkpoint.file, epoch, batch, bytes });
  };

  const updatePlayer = (
    index: number,
    batch: B,
    ctx: LossContext,
    time: ScheduleTime,
  ): Record<string, number> => {
    const player = players[index] as Player<B>;
    const key = player.params;
    const learningRate = (schedules[index] as Schedule)(time);
    let captured: LossOutput | null = null;
    const lossOf = (p: TensorTree, keep: boolean): tf.Scalar => {
      const out = player.loss({ ...params, [key]: p }, state, batch, ctx);
      if (keep) {
        captured = out;
        for (const m of Object.values(out.metrics ?? {})) tf.keep(m);
        if (out.state) treeKeep(out.state);
      }
      return out.loss;
    };
    const { value, grads } = valueAndGrad((p: TensorTree) => lossOf(p, true))(
      params[key] as TensorTree,
    );
    const out = captured as LossOutput | null;
    const metricEntries = Object.entries(out?.metrics ?? {});
    const stacked = tf.tidy(() =>
      tf.stack([value, ...metricEntries.map(([, m]) => tf.reshape(m, []))]),
    );
    const values = stacked.dataSync();
    stacked.dispose();
    const lossValue = values[0] as number;
    if (!Number.isFinite(lossValue)) {
      tf.dispose([value, ...metricEntries.map(([, m]) => m)]);
      treeDispose(grads);
      if (out?.state) treeDispose(out.state);
      throw new NumericalError(
        `loss of '${key}' is ${lossValue} at epoch ${ctx.epoch}, step ${ctx.step} (learning rate ${learningRate}); ` +
          'lower the learning rate, clip gradients (clipNorm), or check the data for NaN',
      );
    }
    const metrics: Record<string, number> = { [names('loss', index)]: lossValue };
    metricEntries.forEach(([name, m], i) => {
      metrics[names(name, index)] = values[i + 1] as number;
      m.dispose();
    });
    let g = grads;
    if (player.clipNorm !== undefined) {
      const clipped = clipByGlobalNorm(grads, player.clipNorm);
      treeDispose(grads);
      g = clipped.grads;
      metrics[names('gradNorm', index)] = clipped.norm;
    }
    updates[index] = (updates[index] as number) + 1;
    const result = player.optimizer.update(
      params[key] as TensorTree,
      g,
      optStates[index] as TensorTree,
      {
        learningRate,
        step: updates[index] as number,
        loss: value,
        valueAndGrad: (p) => valueAndGrad((q: TensorTree) => lossOf(q, false))(p),
      },
    );
    let next = result.params;
    const decay = player.weightDecay ?? 0;
    if (decay > 0) {
      const decayed = tidyTree(() => treeMap((p) => tf.mul(p, 1 - learningRate * decay), next));
      treeDispose(next);
      next = decayed;
    }
    treeDispose(params[key]);
    treeDispose(optStates[index]);
    treeDispose(g);
    value.dispose();
    params[key] = next;
    optStates[index] = result.state;
    if (out?.state) {
      treeDispose(state);
      state = out.state;
    }
    return metrics;
  };

  const esMetric = options.earlyStopping?.metric;
  const esMode = options.earlyStopping?.mode ?? (esMetric?.includes('accuracy') ? 'max' : 'min');
  const esPatience = options.earlyStopping?.patience ?? 3;
  const esMinDelta = options.earlyStopping?.minDelta ?? 0;

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
    outer: for (; epoch < epochs; epoch++) {
      emit({ type: 'epoch-start', epoch });
      const firstBatch = epoch === startEpoch ? startBatch : 0;
      if (firstBatch === 0) partial = { sums: {}, examples: 0, seconds: 0, batches: 0 };
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
              Object.assign(batchMetrics, updatePlayer(i, batch, ctx, time));
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
        if (options.signal?.aborted) {
          const done = b + 1 === batchesPerEpoch;
          reason = 'interrupted';
          if (!done) {
            await writeCheckpoint(epoch, b + 1, epochStartRng);
            break outer;
          }
        }
      }
      const trainMetrics: Metrics = Object.fromEntries(
        Object.entries(partial.sums).map(([name, s]) => [name, s / Math.max(partial.examples, 1)]),
      );
      const evalStart = performance.now();
      const validation =
        options.validation && problem.evaluate
          ? problem.evaluate(params, state, options.validation)
          : undefined;
      const record: EpochRecord = {
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
      history.push(record);
      emit({ type: 'epoch-end', record });

      let stopEarly = false;
      if (esMetric) {
        const [split, ...rest] = esMetric.split('.');
        const source = split === 'validation' ? record.validation : record.train;
        const value = source?.[rest.join('.')];
        if (value === undefined) {
          throw new ConfigError(
            `fit: earlyStopping.metric '${esMetric}' is not among the epoch's metrics {${Object.keys(source ?? {}).join(', ')}}`,
          );
        }
        const improved =
          early.best === null ||
          (esMode === 'min' ? value < early.best - esMinDelta : value > early.best + esMinDelta);
        if (improved) {
          early = { best: value, bestEpoch: epoch, wait: 0 };
          if (options.earlyStopping?.restoreBest) {
            if (bestParams) treeDispose(bestParams);
            bestParams = treeClone(params);
            if (bestState) treeDispose(bestState);
            bestState = treeClone(state);
          }
        } else {
          early = { ...early, wait: early.wait + 1 };
          if (early.wait >= esPatience) stopEarly = true;
        }
      }
      const last = epoch + 1 === epochs || stopEarly || reason === 'interrupted';
      if ((epoch + 1) % everyEpochs === 0 || last) {
        await writeCheckpoint(epoch + 1, 0, dataRng.state());
      }
      if (stopEarly) {
        reason = 'early-stopping';
        emit({
          type: 'early-stop',
          epoch,
          metric: esMetric as string,
          best: early.best as number,
          bestEpoch: early.bestEpoch,
        });
        epoch++;
        break;
      }
      if (reason === 'interrupted') {
        epoch++;
        break;
      }
    }
  } catch (e) {
    treeDispose(params);
    treeDispose(state);
    treeDispose(optStates);
    if (bestParams) treeDispose(bestParams);
    if (bestState) treeDispose(bestState);
    throw e;
  }
  treeDispose(optStates);
  let finalParams = params;
  if (bestParams) {
    treeDispose(params);
    finalParams = bestParams;
  }
  if (bestState) {
    treeDispose(state);
    state = bestState;
  }
  emit({ type: 'end', reason, epochs: epoch, seconds: (performance.now() - runStart) / 1000 });
  return { params: finalParams, state, history, reason, epochs: history.length, steps: step };
}

import {
  buildModel,
  type ModelConfig,
  type ModelParams,
  type ModelState,
} from '@runge/architectures';
import { type Dataset, disposeDataset, pyramid } from '@runge/datasets';
import {
  assertNumber,
  assertOneOf,
  ConfigError,
  type JsonValue,
  type Rng,
  type TensorTree,
  treeDispose,
} from '@runge/tensor-ops';
import {
  type ApplyFn,
  type Batch,
  classification,
  type EpochRecord,
  type FitResult,
  fit,
  type Optimizer,
  type Schedule,
  type ScheduleConfig,
  type StopReason,
  schedule,
  type TrainEvent,
  type TrainingProblem,
  tensorSource,
} from '@runge/train';
import type * as tf from '@tensorflow/tfjs-core';
import { depthConfig, prolongDepth, restrictDepth } from './transfer-depth.js';
import { TRANSFER_METHODS, type TransferMethod } from './transfer-kernel.js';
import { type TransferredModel, transferModel } from './transfer-model.js';

/** One level of a multilevel schedule. */
export interface MultilevelLevel {
  /**
   * Input height of the level: the data's height or one of its restrictions `⌈H/2⌉`,
   * `⌈⌈H/2⌉/2⌉`, … (28, 14, 7 for MNIST); the width follows the same pyramid level.
   */
  readonly resolution: number;
  /** Steps `N` of every ODE block at this level; default unchanged (the config's at the first level). */
  readonly steps?: number;
  /** Epochs trained at this level (≥ 1). */
  readonly epochs: number;
}

/** What a level looked like, in {@link MultilevelResult.levels} and the level events. */
export interface MultilevelLevelInfo {
  /** 0-based index of the level in the schedule. */
  readonly level: number;
  /** Input `[H, W]` of the level's model. */
  readonly resolution: readonly [number, number];
  /** Steps of each ODE layer, by layer name. */
  readonly steps: Readonly<Record<string, number>>;
  /** Epochs of the level. */
  readonly epochs: number;
  /** Index of the level's first epoch in the whole run. */
  readonly firstEpoch: number;
  /** Trainable scalars of the level's model. */
  readonly parameters: number;
}

/** Progress of {@link trainMultilevel}: level boundaries, and the trainer's events per level. */
export type MultilevelEvent =
  | ({ readonly type: 'level-start' } & MultilevelLevelInfo)
  | {
      readonly type: 'train';
      /** The level the event belongs to. */
      readonly level: number;
      /** The trainer's event, with its epochs counted within the level. */
      readonly event: TrainEvent;
    }
  | ({
      readonly type: 'level-end';
      /** Wall time of the level in seconds (transfer and training). */
      readonly seconds: number;
      /** Why the level's training stopped. */
      readonly reason: StopReason;
    } & MultilevelLevelInfo);

/** One epoch of a multilevel run: the trainer's record, numbered in the whole run, with its level. */
export interface MultilevelEpochRecord extends EpochRecord {
  /** 0-based level index. */
  readonly level: number;
  /** Input height of the level. */
  readonly resolution: number;
}

/** Options of {@link trainMultilevel}. */
export interface MultilevelOptions {
  /** The classifier at the data's full resolution (`input` = the training images' `[H, W, C]`). */
  readonly config: ModelConfig;
  /** Training images `[n, H, W, C]` with labels (not disposed). */
  readonly train: Dataset;
  /** Validation images at the same resolution, evaluated after every epoch (not disposed). */
  readonly validation?: Dataset;
  /** The levels, in order (usually coarse to fine, ending at the full resolution). */
  readonly levels: readonly MultilevelLevel[];
  /** How kernels move between levels; default `'galerkin'`. */
  readonly method?: TransferMethod;
  /** Examples per batch. */
  readonly batchSize: number;
  /** Seed of the initialisation and of every level's data order (level `ℓ` uses `seed + ℓ`). */
  readonly seed: number;
  /** Update rule, default plain SGD; its state restarts at every level (the shapes change). */
  readonly optimizer?: Optimizer;
  /** Learning rate or schedule over the whole run (its epochs are the sum over the levels); default 0.05. */
  readonly learningRate?: number | ScheduleConfig;
  /** Clip gradients by this global norm. */
  readonly clipNorm?: number;
  /** Decoupled weight decay. */
  readonly weightDecay?: number;
  /** Augmentation of the training batches at every level (e.g. `randomShift` of @runge/datasets). */
  readonly augment?: (x: tf.Tensor, rng: Rng) => tf.Tensor;
  /** Checkpoint of the level being trained (the last level's ends at the final resolution). */
  readonly checkpoint?: { readonly file: string; readonly everyEpochs?: number };
  /** Abort to stop after the current batch (the run then ends at the current level). */
  readonly signal?: AbortSignal;
  /** Receives level and training events. */
  readonly onEvent?: (event: MultilevelEvent) => void;
  /** JSON stored in the checkpoints as `config`. */
  readonly runConfig?: JsonValue;
}

/** What {@link trainMultilevel} returns; the caller owns `params` and `state`. */
export interface MultilevelResult {
  /** The model config of the last level. */
  readonly config: ModelConfig;
  /** Its trained parameters. */
  readonly params: ModelParams;
  /** Its state (`{}` without batch norm). */
  readonly state: ModelState;
  /** Every epoch, numbered in the whole run, with its level. */
  readonly history: readonly MultilevelEpochRecord[];
  /** The levels trained, with their wall time in seconds. */
  readonly levels: readonly (MultilevelLevelInfo & { readonly seconds: number })[];
  /** `'completed'`, or why the run stopped early. */
  readonly reason: StopReason;
  /** Optimisation steps over all levels. */
  readonly steps: number;
}

function odeSteps(config: ModelConfig): Record<string, number> {
  const model = buildModel(config);
  const out: Record<string, number> = {};
  for (const layer of model.layers) {
    if (layer.type === 'ode') out[layer.name] = layer.config.steps as number;
  }
  return out;
}

/** How many halvings (negative: doublings) take `from` steps to `to`, or null if not a power of 2. */
function stepsRatio(from: number, to: number): number | null {
  const k = Math.log2(from / to);
  return Number.isInteger(k) ? k : null;
}

function changeDepth(
  config: ModelConfig,
  target: number,
  where: string,
): { halvings: number } | null {
  const steps = Object.entries(odeSteps(config));
  if (steps.length === 0) {
    throw new ConfigError(`${where}.steps: the model has no ODE layer whose depth could change`);
  }
  let halvings: number | null = null;
  for (const [name, n] of steps) {
    const k = stepsRatio(n, target);
    if (k === null || (halvings !== null && k !== halvings)) {
      throw new ConfigError(
        `${where}.steps: ${target} is not ${n}·2^k for ODE layer '${name}' (steps change by factors of 2 between levels, the same for every ODE layer)`,
      );
    }
    halvings = k;
  }
  return halvings === 0 || halvings === null ? null : { halvings };
}

/**
 * Multilevel training (MATH.md §5): train on the coarsest level of an image pyramid, move the
 * model to the next level ({@link transferModel}: kernels by `method`, the classifier's weights
 * as images), continue training, and so on up to the full resolution, optionally changing the
 * depth of the ODE blocks at the same time ({@link prolongDepth} / {@link restrictDepth} when a
 * level's `steps` doubles or halves). The data of a level is the training set restricted by full
 * weighting (`pyramid` of @runge/datasets), so coarse levels cost a fraction of the fine one
 * (a convolution's cost scales with the number of pixels: ¼ per halving).
 *
 * Each level is one `fit` of @runge/train on the `classification` problem with its own data
 * order (`seed + level`) and a fresh optimiser state; the learning-rate schedule runs over the
 * whole run (epoch `e` of level `ℓ` is epoch `e + Σ_{k<ℓ} epochs_k` of the schedule).
 *
 * @param options - The model at full resolution, the data, the levels and the training settings.
 * @returns The last level's model and variables, the history (with levels), the level timings.
 * @throws {@link @runge/tensor-ops!ConfigError} for an invalid schedule (a resolution outside the
 *   data's pyramid, steps that are not the previous times a power of 2, no levels), or a config
 *   whose input is not the training images' shape.
 * @example
 * ```ts
 * const result = await trainMultilevel({
 *   config: w1Config(), train, validation, batchSize: 64, seed: 1,
 *   levels: [
 *     { resolution: 7, epochs: 2 },
 *     { resolution: 14, epochs: 2 },
 *     { resolution: 28, epochs: 2 },
 *   ],
 *   optimizer: sgd({ momentum: 0.9 }), learningRate: { type: 'cosine', lr: 0.05 },
 * });
 * ```
 */
export async function trainMultilevel(options: MultilevelOptions): Promise<MultilevelResult> {
  const where = 'trainMultilevel';
  const method = assertOneOf(options.method ?? 'galerkin', TRANSFER_METHODS, 'method');
  const levels = options.levels;
  if (!Array.isArray(levels) || levels.length === 0) {
    throw new ConfigError(`${where}: levels must be a non-empty list of { resolution, epochs }`);
  }
  const full = buildModel(options.config);
  const imageShape = options.train.x.shape.slice(1);
  if (
    full.inputShape.length !== 3 ||
    imageShape.length !== 3 ||
    full.inputShape.some((d, i) => d !== imageShape[i])
  ) {
    throw new ConfigError(
      `${where}: the config's input [${full.inputShape.join(', ')}] must be the training images' shape [${imageShape.join(', ')}]`,
    );
  }
  // The pyramid of sizes, finest first, down to the coarsest level asked for.
  const sizes: [number, number][] = [[imageShape[0] as number, imageShape[1] as number]];
  levels.forEach((level, i) => {
    const at = `${where}: levels[${i}]`;
    const epochs = level?.epochs;
    assertNumber(epochs, `${at}.epochs`, { min: 1, integer: true });
    const resolution = assertNumber(level.resolution, `${at}.resolution`, {
      min: 1,
      integer: true,
    });
    while ((sizes.at(-1) as [number, number])[0] > resolution) {
      const [h, w] = sizes.at(-1) as [number, number];
      if (h === 1 && w === 1) break;
      sizes.push([Math.ceil(h / 2), Math.ceil(w / 2)]);
    }
    if (!sizes.some(([h]) => h === resolution)) {
      throw new ConfigError(
        `${at}.resolution: ${resolution} is not a level of the ${imageShape[0]}×${imageShape[1]} data's pyramid; use one of ${sizes.map(([h]) => h).join(', ')}`,
      );
    }
    if (level.steps !== undefined)
      assertNumber(level.steps, `${at}.steps`, { min: 1, integer: true });
  });
  const levelOf = (resolution: number): number => sizes.findIndex(([h]) => h === resolution);
  const totalEpochs = levels.reduce((n, l) => n + l.epochs, 0);
  const base: Schedule = schedule(options.learningRate ?? 0.05);

  // The first level's config: the full model at the coarse input, with its depth set.
  const first = levels[0] as MultilevelLevel;
  let config: ModelConfig = {
    ...full.config,
    input: [...(sizes[levelOf(first.resolution)] as [number, number]), imageShape[2] as number],
  };
  if (first.steps !== undefined) {
    const change = changeDepth(config, first.steps, `${where}: levels[0]`);
    for (let k = 0; change && k < Math.abs(change.halvings); k++) {
      config = depthConfig(config, change.halvings > 0 ? 'coarsen' : 'refine');
    }
  }

  const trainLevels = pyramid(options.train, sizes.length);
  const validationLevels = options.validation ? pyramid(options.validation, sizes.length) : null;
  let current: TransferredModel | null = null;
  const history: MultilevelEpochRecord[] = [];
  const done: (MultilevelLevelInfo & { seconds: number })[] = [];
  let reason: StopReason = 'completed';
  let steps = 0;
  let firstEpoch = 0;
  const emit = (event: MultilevelEvent): void => options.onEvent?.(event);
  try {
    for (const [index, level] of levels.entries()) {
      const start = performance.now();
      const at = levelOf(level.resolution);
      const [height, width] = sizes[at] as [number, number];
      if (current === null) {
        const init = buildModel(config).init(options.seed);
        current = { config, params: init.params, state: init.state };
      } else {
        // Move across the pyramid one factor of 2 at a time, then change the depth.
        let from = levelOf(current.config.input[0] as number);
        while (from !== at) {
          from += from < at ? 1 : -1;
          const [h, w] = sizes[from] as [number, number];
          const moved: TransferredModel = transferModel(current, { to: [h, w], method });
          treeDispose(current.params as TensorTree);
          treeDispose(current.state as TensorTree);
          current = moved;
        }
        if (level.steps !== undefined) {
          const change = changeDepth(current.config, level.steps, `${where}: levels[${index}]`);
          for (let k = 0; change && k < Math.abs(change.halvings); k++) {
            const moved: TransferredModel =
              change.halvings > 0 ? restrictDepth(current) : prolongDepth(current);
            treeDispose(current.params as TensorTree);
            treeDispose(current.state as TensorTree);
            current = moved;
          }
        }
      }
      const model = buildModel(current.config);
      const info: MultilevelLevelInfo = {
        level: index,
        resolution: [height, width],
        steps: odeSteps(current.config),
        epochs: level.epochs,
        firstEpoch,
        parameters: model.parameterCount,
      };
      emit({ type: 'level-start', ...info });
      const offset = firstEpoch;
      const learningRate: Schedule = (t) =>
        base({ ...t, epoch: offset + t.epoch, epochs: totalEpochs });
      const problem: TrainingProblem<Batch> = classification({
        apply: model.apply as unknown as ApplyFn,
        params: current.params as TensorTree,
        state: current.state as TensorTree,
        learningRate,
        ...(options.optimizer ? { optimizer: options.optimizer } : {}),
        ...(options.clipNorm !== undefined ? { clipNorm: options.clipNorm } : {}),
        ...(options.weightDecay !== undefined ? { weightDecay: options.weightDecay } : {}),
        ...(options.augment ? { augment: options.augment } : {}),
      });
      const levelConfig: ModelConfig = current.config;
      current = null; // fit owns the variables now
      const validation = validationLevels?.[at];
      const result: FitResult = await fit({
        problem,
        train: tensorSource(trainLevels[at] as Dataset),
        ...(validation ? { validation: tensorSource(validation) } : {}),
        epochs: level.epochs,
        batchSize: options.batchSize,
        seed: options.seed + index,
        ...(options.checkpoint ? { checkpoint: options.checkpoint } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.runConfig !== undefined ? { config: options.runConfig } : {}),
        onEvent: (event) => emit({ type: 'train', level: index, event }),
      });
      current = {
        config: levelConfig,
        params: result.params.model as ModelParams,
        state: result.state as ModelState,
      };
      for (const record of result.history) {
        history.push({
          ...record,
          epoch: offset + record.epoch,
          level: index,
          resolution: height,
        });
      }
      steps += result.steps;
      firstEpoch += level.epochs;
      const seconds = (performance.now() - start) / 1000;
      done.push({ ...info, seconds });
      emit({ type: 'level-end', ...info, seconds, reason: result.reason });
      if (result.reason !== 'completed') {
        reason = result.reason;
        break;
      }
    }
  } catch (error) {
    if (current) {
      treeDispose(current.params as TensorTree);
      treeDispose(current.state as TensorTree);
    }
    throw error;
  } finally {
    for (const ds of trainLevels) disposeDataset(ds);
    for (const ds of validationLevels ?? []) disposeDataset(ds);
  }
  const last = current as TransferredModel;
  return {
    config: last.config,
    params: last.params,
    state: last.state,
    history,
    levels: done,
    reason,
    steps,
  };
}

/** Options of {@link multilevelSchedule}. */
export interface MultilevelScheduleOptions {
  /** The full resolution (the data's height), e.g. 28. */
  readonly resolution: number;
  /** Number of levels `L ≥ 1`. */
  readonly levels: number;
  /** Total epochs `E ≥ L`, split across the levels. */
  readonly epochs: number;
  /** Steps `N` of the ODE blocks at the finest level, to halve the depth with the resolution; default: the depth stays. */
  readonly steps?: number;
}

/**
 * The standard schedule of `L` levels (the CLI's `--multilevel L`): resolutions
 * `H_ℓ = ⌈H_{ℓ+1}/2⌉` from the coarsest `ℓ = 0` to the full `H_{L−1} = H` (28 → 14, 7 for
 * `L = 3`), and the `E` epochs split evenly, the remainder going to the finest levels:
 * `E_ℓ = ⌊E/L⌋ + (ℓ ≥ L − (E mod L) ? 1 : 0)` (so `E = 6, L = 3` gives 2, 2, 2 and `E = 4` gives
 * 1, 1, 2). With `steps`, the depth is refined with the resolution: `N_ℓ = N / 2^{L−1−ℓ}`.
 *
 * @param options - `resolution`, `levels`, `epochs`, `steps`.
 * @returns The levels for {@link trainMultilevel}, coarsest first.
 * @throws {@link @runge/tensor-ops!ConfigError} when `epochs < levels`, when the resolution cannot
 *   be halved `L − 1` times (it would reach 1), or when `steps` is not divisible by `2^{L−1}`.
 * @example
 * ```ts
 * multilevelSchedule({ resolution: 28, levels: 3, epochs: 6 });
 * // [{ resolution: 7, epochs: 2 }, { resolution: 14, epochs: 2 }, { resolution: 28, epochs: 2 }]
 * ```
 */
export function multilevelSchedule(options: MultilevelScheduleOptions): MultilevelLevel[] {
  const resolution = assertNumber(options.resolution, 'resolution', { min: 1, integer: true });
  const levels = assertNumber(options.levels, 'levels', { min: 1, integer: true });
  const epochs = assertNumber(options.epochs, 'epochs', { min: 1, integer: true });
  if (epochs < levels) {
    throw new ConfigError(
      `multilevel: ${epochs} epoch(s) cannot be split across ${levels} levels (each level trains at least one epoch); use at least ${levels} epochs or fewer levels`,
    );
  }
  const sizes = [resolution];
  for (let l = 1; l < levels; l++) {
    const previous = sizes.at(-1) as number;
    if (previous <= 1) {
      throw new ConfigError(
        `multilevel: ${resolution}×${resolution} images cannot be halved ${levels - 1} times; use at most ${l} levels`,
      );
    }
    sizes.push(Math.ceil(previous / 2));
  }
  sizes.reverse();
  const each = Math.floor(epochs / levels);
  const extra = epochs % levels;
  return sizes.map((h, l) => {
    const level: MultilevelLevel = { resolution: h, epochs: each + (l >= levels - extra ? 1 : 0) };
    if (options.steps === undefined) return level;
    const n = assertNumber(options.steps, 'steps', { min: 1, integer: true });
    const divisor = 2 ** (levels - 1 - l);
    if (n % divisor !== 0) {
      throw new ConfigError(
        `multilevel: ${n} steps cannot be halved ${levels - 1} times; use a multiple of ${2 ** (levels - 1)} steps or fewer levels`,
      );
    }
    return { ...level, steps: n / divisor };
  });
}

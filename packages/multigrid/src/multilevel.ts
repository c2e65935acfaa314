// Multilevel training schedules: levels of an image pyramid (and depths), resolved against a model, and the transfer of a trained model from level to level.
import {
  buildModel,
  type ModelConfig,
  type ModelParams,
  type ModelState,
} from '@runge/architectures';
import {
  assertNumber,
  assertOneOf,
  ConfigError,
  type TensorTree,
  treeClone,
  treeDispose,
} from '@runge/tensor-ops';
import { depthConfig, prolongDepth, restrictDepth } from './transfer-depth.js';
import { TRANSFER_METHODS, type TransferMethod } from './transfer-kernel.js';
import { type ModelBundle, type TransferredModel, transferModel } from './transfer-model.js';

/** One level of a multilevel schedule. */
export interface MultilevelLevel {
  /**
   * Input height of the level (image models): the data's height or one of its restrictions
   * `⌈H/2⌉`, `⌈⌈H/2⌉/2⌉`, … (28, 14, 7 for MNIST); the width follows the same pyramid level.
   * Absent for models of feature vectors, whose levels change the depth only.
   */
  readonly resolution?: number;
  /** Steps `N` of every ODE block at this level; default unchanged (the config's at the first level). */
  readonly steps?: number;
  /** Epochs trained at this level (≥ 1). */
  readonly epochs: number;
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

/** A level of a {@link MultilevelPlan}, resolved against the model and the data's pyramid. */
export interface PlannedLevel {
  /** 0-based index of the level in the schedule. */
  readonly level: number;
  /** Input `[H, W]` of the level's model (images), or `null` for a model of feature vectors. */
  readonly resolution: readonly [number, number] | null;
  /**
   * Which level of the data's pyramid (0: the full resolution, 1: one restriction, …) it trains
   * on; always 0 for feature vectors.
   */
  readonly pyramidLevel: number;
  /** Epochs trained at this level. */
  readonly epochs: number;
  /** Index of the level's first epoch in the whole run. */
  readonly firstEpoch: number;
  /** Steps of each ODE layer at this level, by layer name. */
  readonly steps: Readonly<Record<string, number>>;
  /** The model config of the level. */
  readonly config: ModelConfig;
}

/** What {@link planMultilevel} gives: the levels resolved, and how a trained model moves between them. */
export interface MultilevelPlan {
  /** The levels in order. */
  readonly levels: readonly PlannedLevel[];
  /** Levels of the data's pyramid the plan uses (`pyramid(data, depth)` of @runge/datasets). */
  readonly pyramidDepth: number;
  /** Epochs over all levels. */
  readonly epochs: number;
  /**
   * Moves a model trained at its level to level `to`: across the pyramid one factor of 2 at a
   * time ({@link transferModel} with the plan's method), then to the level's depth
   * ({@link prolongDepth} / {@link restrictDepth}). The input is not disposed; the result is
   * new tensors owned by the caller, with config `levels[to].config`.
   */
  transfer(model: ModelBundle, to: number): TransferredModel;
}

/** Options of {@link planMultilevel}. */
export interface MultilevelPlanOptions {
  /** The model at the data's full resolution (`input` = the images' `[H, W, C]`). */
  readonly config: ModelConfig;
  /** The levels, in order (usually coarse to fine, ending at the full resolution). */
  readonly levels: readonly MultilevelLevel[];
  /** How kernels move between levels; default `'galerkin'`. */
  readonly method?: TransferMethod;
}

/**
 * Resolves a multilevel schedule against a model: the image pyramid of the model's input
 * (`H, ⌈H/2⌉, ⌈⌈H/2⌉/2⌉, …`), each level's input size, depth and model config, and the transfer
 * of a trained model from one level to the next. A model of feature vectors has no pyramid; its
 * levels change the depth of the ODE blocks only (multilevel in time: `N/4 → N/2 → N` steps,
 * each level's controls prolonged from the previous). Training itself (one `fit` per level, for any
 * task) is the run pipeline's of @runge/train: multilevel training restricts the images, trains
 * on the coarsest mesh, moves the kernels to the next finer mesh (the classifier's weights moved
 * as images), continues, and so on; a convolution's cost scales with the pixels, so each coarse
 * level costs a quarter of the next.
 *
 * @param options - The full-resolution model config, the levels, the transfer method.
 * @returns The plan.
 * @throws {@link @runge/tensor-ops!ConfigError} for an invalid schedule: no levels, a resolution
 *   outside the pyramid (or any resolution for a model of feature vectors), or steps that are not
 *   the model's times a power of 2.
 * @example
 * ```ts
 * const plan = planMultilevel({ config: w1Config(), levels: multilevelSchedule({ resolution: 28, levels: 3, epochs: 6 }) });
 * plan.levels.map((l) => l.resolution); // [[7, 7], [14, 14], [28, 28]]
 * ```
 */
export function planMultilevel(options: MultilevelPlanOptions): MultilevelPlan {
  const where = 'multilevel';
  const method = assertOneOf(options.method ?? 'galerkin', TRANSFER_METHODS, 'method');
  const levels = options.levels;
  if (!Array.isArray(levels) || levels.length === 0) {
    throw new ConfigError(`${where}: levels must be a non-empty list of { resolution, epochs }`);
  }
  const full = buildModel(options.config);
  const input = full.inputShape;
  const image = input.length === 3;
  // The pyramid of sizes, finest first, down to the coarsest level asked for.
  const sizes: [number, number][] = [image ? [input[0] as number, input[1] as number] : [0, 0]];
  levels.forEach((level, i) => {
    const at = `${where}: levels[${i}]`;
    assertNumber(level?.epochs, `${at}.epochs`, { min: 1, integer: true });
    if (level.steps !== undefined)
      assertNumber(level.steps, `${at}.steps`, { min: 1, integer: true });
    if (!image) {
      if (level.resolution !== undefined) {
        throw new ConfigError(
          `${at}.resolution: the model takes feature vectors [${input.join(', ')}], not images; its levels change the depth only (give steps, no resolution)`,
        );
      }
      return;
    }
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
        `${at}.resolution: ${resolution} is not a level of the ${input[0]}×${input[1]} images' pyramid; use one of ${sizes.map(([h]) => h).join(', ')}`,
      );
    }
  });
  const pyramidOf = (resolution: number | undefined): number =>
    image ? sizes.findIndex(([h]) => h === resolution) : 0;
  const withDepth = (config: ModelConfig, steps: number | undefined, at: string): ModelConfig => {
    if (steps === undefined) return config;
    const change = changeDepth(config, steps, at);
    let out = config;
    for (let k = 0; change && k < Math.abs(change.halvings); k++) {
      out = depthConfig(out, change.halvings > 0 ? 'coarsen' : 'refine');
    }
    return out;
  };
  const planned: PlannedLevel[] = [];
  let config = full.config;
  let firstEpoch = 0;
  levels.forEach((level, i) => {
    const pyramidLevel = pyramidOf(level.resolution);
    const size = sizes[pyramidLevel] as [number, number];
    config = withDepth(
      image ? { ...config, input: [size[0], size[1], input[2] as number] } : config,
      level.steps,
      `${where}: levels[${i}]`,
    );
    planned.push({
      level: i,
      resolution: image ? size : null,
      pyramidLevel,
      epochs: level.epochs,
      firstEpoch,
      steps: odeSteps(config),
      config,
    });
    firstEpoch += level.epochs;
  });
  const transfer = (model: ModelBundle, to: number): TransferredModel => {
    const target = planned[to];
    if (!target) throw new ConfigError(`${where}: no level ${to} (${planned.length} levels)`);
    let current: TransferredModel = {
      config: model.config,
      params: treeClone(model.params as TensorTree) as ModelParams,
      state: treeClone((model.state ?? {}) as TensorTree) as ModelState,
    };
    const replace = (next: TransferredModel): void => {
      treeDispose(current.params as TensorTree);
      treeDispose(current.state as TensorTree);
      current = next;
    };
    try {
      let from = pyramidOf(current.config.input[0] as number);
      while (image && from !== target.pyramidLevel) {
        from += from < target.pyramidLevel ? 1 : -1;
        replace(transferModel(current, { to: sizes[from] as [number, number], method }));
      }
      const steps = levels[to]?.steps;
      const change =
        steps === undefined ? null : changeDepth(current.config, steps, `${where}: levels[${to}]`);
      for (let k = 0; change && k < Math.abs(change.halvings); k++) {
        replace(change.halvings > 0 ? restrictDepth(current) : prolongDepth(current));
      }
    } catch (error) {
      treeDispose(current.params as TensorTree);
      treeDispose(current.state as TensorTree);
      throw error;
    }
    return current;
  };
  return { levels: planned, pyramidDepth: image ? sizes.length : 1, epochs: firstEpoch, transfer };
}

/** Options of {@link multilevelSchedule}. */
export interface MultilevelScheduleOptions {
  /** The full resolution (the data's height), e.g. 28; absent for feature vectors (depth levels only, `steps` required). */
  readonly resolution?: number;
  /** Number of levels `L ≥ 1`. */
  readonly levels: number;
  /** Total epochs `E ≥ L`, split across the levels. */
  readonly epochs: number;
  /** Steps `N` of the ODE blocks at the finest level, to halve the depth with the resolution; default: the depth stays. */
  readonly steps?: number;
  /**
   * Epochs of each level, coarsest first, in place of the even split: `L` positive integers
   * summing to `epochs` (e.g. `[8, 2, 1, 1]`, most of the training where an epoch is cheap).
   */
  readonly levelEpochs?: readonly number[];
}

function checkLevelEpochs(split: readonly number[], levels: number, epochs: number): void {
  const valid = Array.isArray(split) && split.every((e) => Number.isInteger(e) && e >= 1);
  if (!valid || split.length !== levels) {
    throw new ConfigError(
      `multilevel: levelEpochs must give ${levels} positive whole numbers of epochs, one per level (coarsest first), got ${JSON.stringify(split)}`,
    );
  }
  const sum = split.reduce((a, b) => a + b, 0);
  if (sum !== epochs) {
    throw new ConfigError(
      `multilevel: levelEpochs ${split.join(', ')} sum to ${sum} epochs, but the run has ${epochs}; make them sum to ${epochs} or set the epochs to ${sum}`,
    );
  }
}

/**
 * The standard schedule of `L` levels (the CLI's `--multilevel L`): resolutions
 * `H_ℓ = ⌈H_{ℓ+1}/2⌉` from the coarsest `ℓ = 0` to the full `H_{L−1} = H` (28 → 14, 7 for
 * `L = 3`), and the `E` epochs split evenly, the remainder going to the finest levels:
 * `E_ℓ = ⌊E/L⌋ + (ℓ ≥ L − (E mod L) ? 1 : 0)` (so `E = 6, L = 3` gives 2, 2, 2 and `E = 4` gives
 * 1, 1, 2), or as `levelEpochs` gives them. With `steps`, the depth is refined with the
 * resolution: `N_ℓ = N / 2^{L−1−ℓ}`.
 * Without `resolution` (a model of feature vectors) the levels refine the depth only.
 *
 * @param options - `resolution`, `levels`, `epochs`, `steps`, `levelEpochs`.
 * @returns The levels for {@link planMultilevel}, coarsest first.
 * @throws {@link @runge/tensor-ops!ConfigError} when `epochs < levels`, when `levelEpochs` does
 *   not have `levels` positive integers summing to `epochs`, when the resolution cannot
 *   be halved `L − 1` times (it would reach 1), or when `steps` is not divisible by `2^{L−1}`.
 * @example
 * ```ts
 * multilevelSchedule({ resolution: 28, levels: 3, epochs: 6 });
 * // [{ resolution: 7, epochs: 2 }, { resolution: 14, epochs: 2 }, { resolution: 28, epochs: 2 }]
 * multilevelSchedule({ resolution: 112, levels: 4, epochs: 12, levelEpochs: [8, 2, 1, 1] });
 * // 8 epochs at 14×14, 2 at 28×28, 1 at 56×56, 1 at 112×112
 * ```
 */
export function multilevelSchedule(options: MultilevelScheduleOptions): MultilevelLevel[] {
  const levels = assertNumber(options.levels, 'levels', { min: 1, integer: true });
  const epochs = assertNumber(options.epochs, 'epochs', { min: 1, integer: true });
  if (epochs < levels) {
    throw new ConfigError(
      `multilevel: ${epochs} epoch(s) cannot be split across ${levels} levels (each level trains at least one epoch); use at least ${levels} epochs or fewer levels`,
    );
  }
  if (options.resolution === undefined && options.steps === undefined && levels > 1) {
    throw new ConfigError(
      'multilevel: without a resolution (feature vectors) the levels differ in depth only; give the steps N of the finest level',
    );
  }
  const resolution =
    options.resolution === undefined
      ? undefined
      : assertNumber(options.resolution, 'resolution', { min: 1, integer: true });
  const sizes: (number | undefined)[] = [resolution];
  for (let l = 1; l < levels && resolution !== undefined; l++) {
    const previous = sizes.at(-1) as number;
    if (previous <= 1) {
      throw new ConfigError(
        `multilevel: ${resolution}×${resolution} images cannot be halved ${levels - 1} times; use at most ${l} levels`,
      );
    }
    sizes.push(Math.ceil(previous / 2));
  }
  while (sizes.length < levels) sizes.push(undefined);
  sizes.reverse();
  const each = Math.floor(epochs / levels);
  const extra = epochs % levels;
  const split = options.levelEpochs ?? sizes.map((_, l) => each + (l >= levels - extra ? 1 : 0));
  checkLevelEpochs(split, levels, epochs);
  return sizes.map((h, l) => {
    const level: MultilevelLevel = {
      ...(h !== undefined ? { resolution: h } : {}),
      epochs: split[l] as number,
    };
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

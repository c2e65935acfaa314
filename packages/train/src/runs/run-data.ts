// The data of a run: training, validation and test sets loaded from the source a run configuration names, at the resolution it asks for.
import {
  type Dataset,
  disposeDataset,
  ellipses,
  loadCifar10Batch,
  loadEmbeddedMnist,
  loadIdxDataset,
  peaks,
  peaksRegression,
  pyramid,
  spirals,
  trainValidationSplit,
  upsample,
} from '@runge/datasets';
import { ConfigError, DataError, Rng } from '@runge/tensor-ops';
import { firstExamples } from './first-examples.js';
import { nodeFs } from './node-fs.js';
import type { RunConfig } from './run-config.js';

/** The data of a run: training, validation (optional) and test sets. */
export interface RunData {
  /** Training examples. */
  readonly train: Dataset;
  /** Validation examples (a seeded share of the training set), absent with `data.validation: 0`. */
  readonly validation?: Dataset;
  /** The data set's own test split (or a seeded share of a synthetic set). */
  readonly test: Dataset;
  /** Shape of one input example, e.g. `[28, 28, 1]` or `[2]`. */
  readonly inputShape: number[];
  /** Classes of a classification set; `undefined` for regression targets. */
  readonly numClasses?: number;
  /** Width of the targets: the classes, or the values per example of a regression set. */
  readonly outputs: number;
  /**
   * Whether each example `[T, d]` is a one-channel image read row by row (row `t` the input at
   * step `t`), so that image augmentation applies to it; `false` when absent.
   */
  readonly imageRows?: boolean;
  /** Releases every tensor. */
  dispose(): void;
}

/** What a task needs of the data: class labels or real-valued targets. */
export type TargetKind = 'classes' | 'values';

async function findFile(dir: string, stems: readonly string[]): Promise<string> {
  const { fs, path } = nodeFs('reading data files');
  let entries: string[];
  try {
    entries = await fs.readdir(dir);
  } catch {
    throw new DataError(`${dir}: data directory not found; check data.path (--data-path)`);
  }
  for (const stem of stems) {
    for (const candidate of [stem, `${stem}.gz`])
      if (entries.includes(candidate)) return path.join(dir, candidate);
  }
  throw new DataError(
    `${dir}: none of ${stems.map((s) => `${s}[.gz]`).join(', ')} found; download the dataset's files there`,
  );
}

async function loadIdx(dir: string): Promise<{ train: Dataset; test: Dataset }> {
  const file = (kind: string) =>
    findFile(dir, [`${kind}-ubyte`, kind.replace(/-idx(\d)/, '.idx$1')]);
  const train = await loadIdxDataset({
    images: await file('train-images-idx3'),
    labels: await file('train-labels-idx1'),
    name: 'idx/train',
  });
  try {
    const test = await loadIdxDataset({
      images: await file('t10k-images-idx3'),
      labels: await file('t10k-labels-idx1'),
      name: 'idx/test',
    });
    return { train, test };
  } catch (e) {
    disposeDataset(train);
    throw e;
  }
}

async function loadCifar(dir: string): Promise<{ train: Dataset; test: Dataset }> {
  const trainFiles = await Promise.all(
    [1, 2, 3, 4, 5].map((i) => findFile(dir, [`data_batch_${i}.bin`])),
  );
  const train = await loadCifar10Batch(trainFiles, { name: 'cifar10/train' });
  try {
    return {
      train,
      test: await loadCifar10Batch(await findFile(dir, ['test_batch.bin']), {
        name: 'cifar10/test',
      }),
    };
  } catch (e) {
    disposeDataset(train);
    throw e;
  }
}

function synthetic(
  config: RunConfig,
  targets: TargetKind,
  rng: Rng,
): { train: Dataset; test: Dataset } {
  const { source, points, classes } = config.data;
  const gen = rng.split();
  const all =
    targets === 'values'
      ? peaksRegression({ n: points, rng: gen })
      : source === 'spirals'
        ? spirals({ n: points, numClasses: classes, rng: gen })
        : source === 'peaks'
          ? peaks({ n: points, numClasses: classes, rng: gen })
          : ellipses({ n: points, numClasses: classes, rng: gen });
  try {
    const { train, validation: test } = trainValidationSplit(all, 0.2, rng.split());
    return { train, test };
  } finally {
    disposeDataset(all);
  }
}

/**
 * The resolutions image data of height `h` can be used at: `h/2^k` while it halves exactly and
 * stays ≥ 2 (28, 14, 7 for MNIST).
 *
 * @example
 * ```ts
 * resolutionsOf(28); // [28, 14, 7]
 * ```
 */
export function resolutionsOf(h: number): number[] {
  const sizes = [h];
  for (let s = h; s % 2 === 0 && s > 2; s /= 2) sizes.push(s / 2);
  return sizes;
}

/**
 * The dataset at `resolution` (its height): the images restricted by full weighting as often as
 * needed (the pyramid of @runge/datasets), or, for a resolution `H·2^k` above the data's, rendered
 * by bilinear interpolation (`upsample`). Takes ownership of `ds`.
 */
function atResolution(ds: Dataset, resolution: number | undefined, source: string): Dataset {
  if (resolution === undefined) return ds;
  if (ds.x.rank !== 4) {
    disposeDataset(ds);
    throw new ConfigError(
      `data.resolution applies to image data; '${source}' gives examples of shape [${ds.x.shape.slice(1).join(', ')}]`,
    );
  }
  const height = ds.x.shape[1] as number;
  const width = ds.x.shape[2] as number;
  if (resolution > height) {
    // Finer than the data: render the images by bilinear interpolation at H·2^k, so the
    // pyramid of multilevel training restricts them back to the data's own size.
    let k = resolution / height;
    while (Number.isInteger(k) && k > 1 && k % 2 === 0) k /= 2;
    if (k !== 1 || height !== width) {
      disposeDataset(ds);
      throw new ConfigError(
        `data.resolution ${resolution}: finer images are rendered at ${height}·2^k for square images (${height * 2}, ${height * 4}, …); '${source}' images are ${height}×${width}`,
      );
    }
    const fine = upsample(ds, [resolution, resolution]);
    disposeDataset(ds);
    return fine;
  }
  const sizes = resolutionsOf(height);
  const level = sizes.indexOf(resolution);
  if (level < 0) {
    disposeDataset(ds);
    throw new ConfigError(
      `data.resolution ${resolution} is not available for ${height}×${width} '${source}' images; use one of ${sizes.join(', ')} (each a full-weighting restriction of the previous), or ${height * 2}, ${height * 4}, … (bilinear interpolation)`,
    );
  }
  if (level === 0) return ds;
  const levels = pyramid(ds, level + 1);
  disposeDataset(ds);
  for (const other of levels.slice(0, -1)) disposeDataset(other);
  return levels.at(-1) as Dataset;
}

/** Splits off the validation share, with a message in the configuration's terms when it cannot. */
function splitValidation(
  config: RunConfig,
  train: Dataset,
  rng: Rng,
): ReturnType<typeof trainValidationSplit> {
  const fraction = config.data.validation;
  const n = train.size;
  const held = Math.round(fraction * n);
  if (held < 1 || held >= n) {
    throw new ConfigError(
      `data.validation ${fraction} of ${n} training example${n === 1 ? '' : 's'}${config.data.limit !== undefined ? ' (data.limit)' : ''} leaves ${held < 1 ? 'none for validation' : 'none for training'}; use at least ${Math.ceil(0.5 / Math.min(fraction, 1 - fraction))} training examples, or data.validation 0 to train without validation`,
    );
  }
  return trainValidationSplit(train, fraction, rng);
}

/**
 * Loads the training, validation and test sets a run configuration names. The validation set is
 * a seeded random share of the training set; the test set is the dataset's own test split (or a
 * seeded fifth of a synthetic set). With `data.resolution`, images are restricted by full
 * weighting to that height first. A regression task (`targets: 'values'`) gets the peaks
 * surface's values instead of classes.
 *
 * @param config - The resolved run configuration.
 * @param targets - What the task learns: `'classes'` (default) or `'values'`.
 * @returns The data, owned by the caller (`dispose()`).
 * @throws {@link @runge/tensor-ops!DataError} for missing or malformed files.
 * @throws {@link @runge/tensor-ops!ConfigError} for a resolution the data does not have or a
 *   validation share that leaves a part empty.
 * @example
 * ```ts
 * const data = await loadRunData(resolveRunConfig({ data: { source: 'spirals' } }));
 * data.train.size; // 1440
 * data.dispose();
 * ```
 */
export async function loadRunData(
  config: RunConfig,
  targets: TargetKind = 'classes',
): Promise<RunData> {
  const rng = Rng.fromSeed(config.seed).split();
  let parts: { train: Dataset; test: Dataset };
  switch (config.data.source) {
    case 'mnist':
      parts = {
        train: await loadEmbeddedMnist({ split: 'train' }),
        test: await loadEmbeddedMnist({ split: 'test' }),
      };
      break;
    case 'idx':
      parts = await loadIdx(config.data.path as string);
      break;
    case 'cifar10':
      parts = await loadCifar(config.data.path as string);
      break;
    default:
      parts = synthetic(config, targets, rng);
  }
  const { resolution } = config.data;
  let train = firstExamples(parts.train, config.data.limit);
  let test = firstExamples(parts.test, config.data.testLimit);
  let validation: Dataset | undefined;
  try {
    train = atResolution(train, resolution, config.data.source);
    test = atResolution(test, resolution, config.data.source);
    if (config.data.validation > 0) {
      const split = splitValidation(config, train, rng.split());
      disposeDataset(train);
      train = split.train;
      validation = split.validation;
    }
  } catch (e) {
    for (const ds of [train, test]) if (!ds.x.isDisposed) disposeDataset(ds);
    throw e;
  }
  const numClasses = train.numClasses;
  return {
    train,
    ...(validation ? { validation } : {}),
    test,
    inputShape: train.x.shape.slice(1),
    ...(numClasses !== undefined ? { numClasses } : {}),
    outputs: numClasses ?? (train.y.shape[1] as number | undefined) ?? 1,
    dispose() {
      disposeDataset(train);
      if (validation) disposeDataset(validation);
      disposeDataset(test);
    },
  };
}

/**
 * `data: mnist-embedded/train 7196 train, 800 validation, 2004 test`: the data of a run in one line.
 *
 * @example
 * ```ts
 * console.log(describeData(data));
 * ```
 */
export function describeData(data: RunData): string {
  return `data: ${data.train.name} ${data.train.size} train, ${data.validation?.size ?? 0} validation, ${data.test.size} test`;
}

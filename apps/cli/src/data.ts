import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type Dataset,
  disposeDataset,
  ellipses,
  loadCifar10Batch,
  loadEmbeddedMnist,
  loadIdxDataset,
  peaks,
  pyramid,
  spirals,
  subset,
  trainValidationSplit,
} from '@runge/datasets';
import { ConfigError, DataError, Rng } from '@runge/tensor-ops';
import type { RunConfig } from './config.js';

/** The data of a run: training, validation (optional) and test sets. */
export interface RunData {
  readonly train: Dataset;
  readonly validation?: Dataset;
  readonly test: Dataset;
  /** Shape of one input example, e.g. `[28, 28, 1]` or `[2]`. */
  readonly inputShape: number[];
  readonly numClasses: number;
  dispose(): void;
}

function firstN(ds: Dataset, n: number | undefined): Dataset {
  if (n === undefined || n >= ds.size) return ds;
  const out = subset(
    ds,
    Int32Array.from({ length: n }, (_, i) => i),
  );
  disposeDataset(ds);
  return out;
}

async function findFile(dir: string, stems: readonly string[]): Promise<string> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    throw new DataError(`${dir}: data directory not found`);
  }
  for (const stem of stems) {
    for (const candidate of [stem, `${stem}.gz`])
      if (entries.includes(candidate)) return join(dir, candidate);
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

function synthetic(config: RunConfig, rng: Rng): { train: Dataset; test: Dataset } {
  const { source, points, classes } = config.data;
  const gen = rng.split();
  const all =
    source === 'spirals'
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

/** `data: <name> 7196 train, 800 validation, 2004 test`: the line commands print about the data. */
export function describeData(data: RunData): string {
  return `data: ${data.train.name} ${data.train.size} train, ${data.validation?.size ?? 0} validation, ${data.test.size} test`;
}

/** The resolutions image data of height `h` can be used at: `h/2^k` while it halves exactly, ≥ 2 (28, 14, 7). */
export function resolutionsOf(h: number): number[] {
  const sizes = [h];
  for (let s = h; s % 2 === 0 && s > 2; s /= 2) sizes.push(s / 2);
  return sizes;
}

/**
 * The dataset at `resolution` (its height): the images restricted by full weighting as often as
 * needed (the pyramid of @runge/datasets). Takes ownership of `ds`.
 */
function atResolution(ds: Dataset, resolution: number | undefined, source: string): Dataset {
  if (resolution === undefined) return ds;
  if (ds.x.rank !== 4) {
    disposeDataset(ds);
    throw new ConfigError(
      `data.resolution applies to image data; '${source}' gives examples of shape [${ds.x.shape.slice(1).join(', ')}]`,
    );
  }
  const sizes = resolutionsOf(ds.x.shape[1] as number);
  const level = sizes.indexOf(resolution);
  if (level < 0) {
    disposeDataset(ds);
    throw new ConfigError(
      `data.resolution ${resolution} is not available for ${ds.x.shape[1]}×${ds.x.shape[2]} '${source}' images; use one of ${sizes.join(', ')} (each a full-weighting restriction of the previous)`,
    );
  }
  if (level === 0) return ds;
  const levels = pyramid(ds, level + 1);
  disposeDataset(ds);
  for (const other of levels.slice(0, -1)) disposeDataset(other);
  return levels.at(-1) as Dataset;
}

/**
 * Loads the training, validation and test sets a run configuration names. The validation set is
 * a seeded random share of the training set; the test set is the dataset's own test split.
 * With `data.resolution`, images are restricted by full weighting to that height first.
 */
export async function loadRunData(config: RunConfig): Promise<RunData> {
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
      parts = synthetic(config, rng);
  }
  const { resolution } = config.data;
  let train = firstN(parts.train, config.data.limit);
  let test = firstN(parts.test, config.data.testLimit);
  try {
    train = atResolution(train, resolution, config.data.source);
  } catch (e) {
    disposeDataset(test);
    throw e;
  }
  try {
    test = atResolution(test, resolution, config.data.source);
  } catch (e) {
    disposeDataset(train);
    throw e;
  }
  let validation: Dataset | undefined;
  if (config.data.validation > 0) {
    const split = trainValidationSplit(train, config.data.validation, rng.split());
    disposeDataset(train);
    train = split.train;
    validation = split.validation;
  }
  const numClasses = train.numClasses ?? 1;
  return {
    train,
    ...(validation ? { validation } : {}),
    test,
    inputShape: train.x.shape.slice(1),
    numClasses,
    dispose() {
      disposeDataset(train);
      if (validation) disposeDataset(validation);
      disposeDataset(test);
    },
  };
}

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
  spirals,
  subset,
  trainValidationSplit,
} from '@runge/datasets';
import { DataError, Rng } from '@runge/tensor-ops';
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

/**
 * Loads the training, validation and test sets a run configuration names. The validation set is
 * a seeded random share of the training set; the test set is the dataset's own test split.
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
  let train = firstN(parts.train, config.data.limit);
  const test = firstN(parts.test, config.data.testLimit);
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

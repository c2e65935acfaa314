// Node-only: reader for the CIFAR-10 binary batches.

import { DataError, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { createDataset, type Dataset } from './dataset.js';
import { type DataFile, describeLength, readDataFile } from './read-data-file.js';

const SIDE = 32;
const PLANE = SIDE * SIDE;
const RECORD = 1 + 3 * PLANE;
const CLASSES = 10;
const EXPECTED =
  'a CIFAR-10 binary batch (data_batch_1.bin … data_batch_5.bin or test_batch.bin) extracted from cifar-10-binary.tar.gz, https://www.cs.toronto.edu/~kriz/cifar.html';

function isTar(bytes: Uint8Array): boolean {
  // POSIX tar headers carry "ustar" at offset 257.
  const magic = [0x75, 0x73, 0x74, 0x61, 0x72];
  return bytes.length >= 262 && magic.every((b, i) => bytes[257 + i] === b);
}

/** Checks one file and returns its number of records. */
function checkBatch(file: DataFile): number {
  const { bytes, path } = file;
  if (isTar(bytes)) {
    throw new DataError(
      `${path}: is a tar archive, not a batch file; extract it (tar xzf cifar-10-binary.tar.gz) and pass the data_batch_*.bin files`,
    );
  }
  if (bytes.length === 0) {
    throw new DataError(`${path}: is empty; expected ${EXPECTED}`);
  }
  if (bytes.length % RECORD !== 0) {
    const hint =
      bytes.length % (RECORD + 1) === 0
        ? '; its length fits 3074-byte records, i.e. CIFAR-100 (2 label bytes), which this reader does not handle'
        : `; the file is truncated or not a CIFAR-10 batch (a full batch has 10000 records, ${10000 * RECORD} bytes)`;
    throw new DataError(
      `${path}: length ${describeLength(file)} is not a multiple of ${RECORD} (1 label byte + 3072 pixel bytes per record)${hint}`,
    );
  }
  const count = bytes.length / RECORD;
  for (let i = 0; i < count; i++) {
    const label = bytes[i * RECORD] as number;
    if (label >= CLASSES) {
      throw new DataError(
        `${path}: record ${i} has label ${label}, expected 0 … ${CLASSES - 1}; the file is corrupt or not a CIFAR-10 batch`,
      );
    }
  }
  return count;
}

/**
 * Loads one or more CIFAR-10 binary batches (`data_batch_1.bin` … `data_batch_5.bin`,
 * `test_batch.bin`) into one dataset, in the order given. Each record is 3073 bytes: a label
 * byte `0 … 9`, then the 32×32 red, green and blue planes (channel-major, rows top to bottom);
 * pixels are reordered to NHWC and scaled to `[0, 1]` by `/255`. A gzip-compressed file is
 * decompressed; the `.tar.gz` archive itself is refused with instructions.
 *
 * Every file is read and validated before any tensor is made, so on error nothing is returned.
 * Classes: 0 airplane, 1 automobile, 2 bird, 3 cat, 4 deer, 5 dog, 6 frog, 7 horse, 8 ship,
 * 9 truck.
 *
 * @param paths - One batch file or a list of them.
 * @param options - `name` of the dataset (default `'cifar10'`).
 * @returns `x: [n, 32, 32, 3]` float32 in `[0, 1]`, `y: [n]` int32, `numClasses` 10; a new dataset
 *   owned by the caller (dispose with {@link disposeDataset}).
 * @throws {@link @runge/tensor-ops!DataError} naming the file when one is missing, empty, an archive, not a
 *   multiple of 3073 bytes long, or holds a label above 9.
 * @throws {@link @runge/tensor-ops!ValueError} when `paths` is empty.
 * @example
 * ```ts
 * const train = await loadCifar10Batch([1, 2, 3, 4, 5].map((i) => `cifar-10-batches-bin/data_batch_${i}.bin`));
 * const test = await loadCifar10Batch('cifar-10-batches-bin/test_batch.bin');
 * ```
 */
export async function loadCifar10Batch(
  paths: string | readonly string[],
  options: { name?: string } = {},
): Promise<Dataset> {
  const list = typeof paths === 'string' ? [paths] : [...paths];
  if (list.length === 0) {
    throw new ValueError('paths: expected at least one CIFAR-10 batch file, got an empty list');
  }
  const files = await Promise.all(list.map((path) => readDataFile(path, EXPECTED)));
  const counts = files.map(checkBatch);
  const total = counts.reduce((a, b) => a + b, 0);
  const pixels = new Float32Array(total * 3 * PLANE);
  const labels = new Int32Array(total);
  let n = 0;
  for (const [f, file] of files.entries()) {
    const { bytes } = file;
    for (let i = 0; i < (counts[f] as number); i++, n++) {
      const record = i * RECORD;
      labels[n] = bytes[record] as number;
      const out = n * 3 * PLANE;
      for (let p = 0; p < PLANE; p++) {
        // p = row · 32 + column; channel c of that pixel sits at 1 + c · 1024 + p.
        pixels[out + 3 * p] = (bytes[record + 1 + p] as number) / 255;
        pixels[out + 3 * p + 1] = (bytes[record + 1 + PLANE + p] as number) / 255;
        pixels[out + 3 * p + 2] = (bytes[record + 1 + 2 * PLANE + p] as number) / 255;
      }
    }
  }
  return createDataset({
    x: tf.tensor4d(pixels, [total, SIDE, SIDE, 3], 'float32'),
    y: tf.tensor1d(labels, 'int32'),
    numClasses: CLASSES,
    name: options.name ?? 'cifar10',
  });
}

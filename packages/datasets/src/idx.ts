// Node-only: readers for MNIST-style IDX files.
import { basename } from 'node:path';
import { assertNumber, DataError, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { createDataset, type Dataset } from './dataset.js';
import { type DataFile, describeLength, readDataFile } from './read-data-file.js';

const IMAGES_MAGIC = 2051;
const LABELS_MAGIC = 2049;
const IDX_TYPES: Record<number, string> = {
  8: 'unsigned byte',
  9: 'signed byte',
  11: 'int16',
  12: 'int32',
  13: 'float32',
  14: 'float64',
};
const WHERE =
  'MNIST (https://yann.lecun.com/exdb/mnist/, mirrored at https://ossci-datasets.s3.amazonaws.com/mnist/) or Fashion-MNIST (https://github.com/zalandoresearch/fashion-mnist); plain or .gz both work';
const EXPECTED_IMAGES = `an IDX image file such as train-images-idx3-ubyte(.gz) or t10k-images-idx3-ubyte(.gz), from ${WHERE}`;
const EXPECTED_LABELS = `an IDX label file such as train-labels-idx1-ubyte(.gz) or t10k-labels-idx1-ubyte(.gz), from ${WHERE}`;

/** Options of {@link readIdxImages}. */
export interface IdxImageOptions {
  /**
   * Expected `[height, width]` of the images (default `[28, 28]`, MNIST and Fashion-MNIST);
   * `null` accepts whatever the header declares.
   */
  imageSize?: readonly [height: number, width: number] | null;
}

/** Options of {@link readIdxLabels}. */
export interface IdxLabelOptions {
  /** Labels must lie in `0 … numClasses − 1` (default 10). */
  numClasses?: number;
}

function u32(bytes: Uint8Array, offset: number): number {
  return (
    (bytes[offset] as number) * 0x1000000 +
    (((bytes[offset + 1] as number) << 16) |
      ((bytes[offset + 2] as number) << 8) |
      (bytes[offset + 3] as number))
  );
}

function describeMagic(magic: number): string {
  const high = Math.floor(magic / 0x10000);
  const type = IDX_TYPES[(magic >> 8) & 0xff];
  if (magic === IMAGES_MAGIC) return 'an IDX image file';
  if (magic === LABELS_MAGIC) return 'an IDX label file';
  if (high !== 0 || type === undefined) return 'not an IDX file';
  return `an IDX file of ${type} with ${magic & 0xff} dimension(s)`;
}

function checkMagic(file: DataFile, expected: number, what: string): void {
  if (file.bytes.length < 4) {
    throw new DataError(
      `${file.path}: truncated: ${describeLength(file)}, too short for an IDX header; expected ${what}`,
    );
  }
  const magic = u32(file.bytes, 0);
  if (magic !== expected) {
    const swapped =
      magic === LABELS_MAGIC || magic === IMAGES_MAGIC
        ? '; were the images and labels files swapped?'
        : '';
    throw new DataError(
      `${file.path}: magic number ${magic} (0x${magic.toString(16).padStart(8, '0')}, ${describeMagic(magic)}), expected ${expected} (${what})${swapped}`,
    );
  }
}

function checkHeader(file: DataFile, headerBytes: number): void {
  if (file.bytes.length < headerBytes) {
    throw new DataError(
      `${file.path}: truncated: the header needs ${headerBytes} bytes, the file has ${describeLength(file)}`,
    );
  }
}

function checkLength(file: DataFile, expected: number, layout: string): void {
  if (file.bytes.length !== expected) {
    const what = file.bytes.length < expected ? 'truncated' : 'too long';
    throw new DataError(
      `${file.path}: ${what}: expected ${expected} bytes (${layout}), got ${describeLength(file)}; download the file again`,
    );
  }
}

/** Parsed IDX images, before any tensor is made. */
interface IdxImages {
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly pixels: Float32Array;
}

function parseImages(file: DataFile, imageSize: readonly [number, number] | null): IdxImages {
  checkMagic(file, IMAGES_MAGIC, 'IDX images: unsigned bytes, 3 dimensions');
  checkHeader(file, 16);
  const count = u32(file.bytes, 4);
  const height = u32(file.bytes, 8);
  const width = u32(file.bytes, 12);
  if (imageSize !== null && (height !== imageSize[0] || width !== imageSize[1])) {
    throw new DataError(
      `${file.path}: images are ${height}×${width}, expected ${imageSize[0]}×${imageSize[1]}; pass imageSize: [${height}, ${width}] (or null) if that size is intended`,
    );
  }
  const size = count * height * width;
  checkLength(file, 16 + size, `16-byte header + ${count} images × ${height} × ${width} pixels`);
  const pixels = new Float32Array(size);
  const data = file.bytes;
  for (let i = 0; i < size; i++) pixels[i] = (data[16 + i] as number) / 255;
  return { count, height, width, pixels };
}

function parseLabels(file: DataFile, numClasses: number): Int32Array {
  checkMagic(file, LABELS_MAGIC, 'IDX labels: unsigned bytes, 1 dimension');
  checkHeader(file, 8);
  const count = u32(file.bytes, 4);
  checkLength(file, 8 + count, `8-byte header + ${count} labels`);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const label = file.bytes[8 + i] as number;
    if (label >= numClasses) {
      throw new DataError(
        `${file.path}: label ${label} at index ${i} is out of range; expected 0 … ${numClasses - 1} (set numClasses if the dataset has more classes)`,
      );
    }
    labels[i] = label;
  }
  return labels;
}

function imageSizeOption(options: IdxImageOptions): readonly [number, number] | null {
  const size = options.imageSize === undefined ? ([28, 28] as const) : options.imageSize;
  if (size === null) return null;
  if (!Array.isArray(size) || size.length !== 2) {
    throw new ValueError(
      `imageSize: expected [height, width] or null, got ${JSON.stringify(size)}`,
    );
  }
  assertNumber(size[0], 'imageSize[0]', { min: 1, integer: true });
  assertNumber(size[1], 'imageSize[1]', { min: 1, integer: true });
  return size;
}

/**
 * Reads an IDX image file (magic 2051: unsigned bytes, dimensions `n × rows × cols`, big-endian
 * header), plain or gzip-compressed (detected by the magic bytes `1f 8b`, not the extension), as
 * MNIST and Fashion-MNIST distribute them. Pixels are scaled to `[0, 1]` by `/255`.
 *
 * The whole file is validated before a tensor is made, so on error nothing is returned.
 *
 * @param path - The file, e.g. `train-images-idx3-ubyte.gz`.
 * @param options - `imageSize`: expected `[height, width]` (default `[28, 28]`; `null` for any).
 * @returns `[n, rows, cols, 1]` float32 in `[0, 1]` (NHWC); a new tensor owned by the caller.
 * @throws {@link @runge/tensor-ops!DataError} naming the file when it is missing, not gzip-decodable, has the wrong
 *   magic number (e.g. a label file), is truncated or too long, or has the wrong image size.
 * @throws {@link @runge/tensor-ops!ValueError} when `imageSize` is malformed.
 * @example
 * ```ts
 * const images = await readIdxImages('data/t10k-images-idx3-ubyte.gz'); // [10000, 28, 28, 1]
 * images.dispose();
 * ```
 */
export async function readIdxImages(
  path: string,
  options: IdxImageOptions = {},
): Promise<tf.Tensor4D> {
  const imageSize = imageSizeOption(options);
  const images = parseImages(await readDataFile(path, EXPECTED_IMAGES), imageSize);
  return tf.tensor4d(images.pixels, [images.count, images.height, images.width, 1], 'float32');
}

/**
 * Reads an IDX label file (magic 2049: unsigned bytes, one dimension `n`), plain or gzip.
 *
 * @param path - The file, e.g. `train-labels-idx1-ubyte.gz`.
 * @param options - `numClasses`: labels must be below it (default 10).
 * @returns `[n]` int32; a new tensor owned by the caller.
 * @throws {@link @runge/tensor-ops!DataError} naming the file when it is missing, has the wrong magic number (e.g. an
 *   image file), is truncated or too long, or holds a label `≥ numClasses`.
 * @example
 * ```ts
 * const labels = await readIdxLabels('data/t10k-labels-idx1-ubyte.gz'); // [10000]
 * labels.dispose();
 * ```
 */
export async function readIdxLabels(
  path: string,
  options: IdxLabelOptions = {},
): Promise<tf.Tensor1D> {
  const numClasses = assertNumber(options.numClasses ?? 10, 'numClasses', {
    min: 1,
    max: 256,
    integer: true,
  });
  const labels = parseLabels(await readDataFile(path, EXPECTED_LABELS), numClasses);
  return tf.tensor1d(labels, 'int32');
}

/**
 * Loads an image classification dataset from a pair of IDX files (MNIST, Fashion-MNIST, or any
 * set in the same format): both files are read and validated, and their counts must agree,
 * before any tensor is made.
 *
 * @param files - `images` and `labels` paths; `imageSize` (default `[28, 28]`, `null` for any),
 *   `numClasses` (default 10), `name` (default the images file name).
 * @returns `x: [n, H, W, 1]` float32 in `[0, 1]`, `y: [n]` int32; a new dataset owned by the
 *   caller (dispose with {@link disposeDataset}).
 * @throws {@link @runge/tensor-ops!DataError} for any problem of {@link readIdxImages} / {@link readIdxLabels}, or
 *   when the two files hold different numbers of examples.
 * @example
 * ```ts
 * const test = await loadIdxDataset({
 *   images: 'fashion/t10k-images-idx3-ubyte.gz',
 *   labels: 'fashion/t10k-labels-idx1-ubyte.gz',
 *   name: 'fashion-mnist/test',
 * });
 * ```
 */
export async function loadIdxDataset(
  files: {
    images: string;
    labels: string;
    name?: string;
  } & IdxImageOptions &
    IdxLabelOptions,
): Promise<Dataset> {
  const imageSize = imageSizeOption(files);
  const numClasses = assertNumber(files.numClasses ?? 10, 'numClasses', {
    min: 1,
    max: 256,
    integer: true,
  });
  const [imageFile, labelFile] = await Promise.all([
    readDataFile(files.images, EXPECTED_IMAGES),
    readDataFile(files.labels, EXPECTED_LABELS),
  ]);
  const images = parseImages(imageFile, imageSize);
  const labels = parseLabels(labelFile, numClasses);
  if (labels.length !== images.count) {
    throw new DataError(
      `${files.images} holds ${images.count} images but ${files.labels} holds ${labels.length} labels; pass the matching pair (train with train, t10k with t10k)`,
    );
  }
  return createDataset({
    x: tf.tensor4d(images.pixels, [images.count, images.height, images.width, 1], 'float32'),
    y: tf.tensor1d(labels, 'int32'),
    numClasses,
    name: files.name ?? basename(files.images),
  });
}

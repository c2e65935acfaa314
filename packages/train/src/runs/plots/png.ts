// Pictures for run directories: images as PNG files (the pngjs codec), grids of samples, and PNG files read back as tensors.
import { DataError, FileError, ShapeError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { nodeFs } from '../node-fs.js';

/** Options of {@link imageGrid}. */
export interface ImageGridOptions {
  /** Images per row; default `⌈√n⌉`. */
  readonly columns?: number;
  /** Pixels between images (filled with `background`); default 1. */
  readonly padding?: number;
  /** Value of the padding, in `[0, 1]`; default 1 (white). */
  readonly background?: number;
}

/**
 * Lays out `n` images `[n, h, w, c]` on a grid of `columns` per row, row by row, with `padding`
 * pixels between them: image `k` has its top-left pixel at
 * `(padding + ⌊k/columns⌋ (h + padding), padding + (k mod columns)(w + padding))`.
 *
 * @param images - `[n, h, w, c]`, values in `[0, 1]`.
 * @param options - `columns`, `padding`, `background`.
 * @returns The grid `[H, W, c]`, a new tensor.
 * @throws {@link @runge/tensor-ops!ShapeError} unless `images` has rank 4.
 * @example
 * ```ts
 * const grid = imageGrid(samples, { columns: 8 }); // 64 digits as one 8 × 8 picture
 * ```
 */
export function imageGrid(images: tf.Tensor, options: ImageGridOptions = {}): tf.Tensor3D {
  if (images.rank !== 4) {
    throw new ShapeError(
      `imageGrid: images must be [n, h, w, c], got [${images.shape.join(', ')}]`,
    );
  }
  const [n, h, w, c] = images.shape as [number, number, number, number];
  const columns = options.columns ?? Math.max(1, Math.ceil(Math.sqrt(n)));
  const rows = Math.ceil(n / columns);
  const pad = options.padding ?? 1;
  const background = options.background ?? 1;
  return tf.tidy(() => {
    const blank = tf.fill([h, w, c], background);
    const row = (r: number): tf.Tensor3D => {
      const cells: tf.Tensor3D[] = [];
      for (let k = 0; k < columns; k++) {
        const index = r * columns + k;
        const image =
          index < n
            ? (tf.reshape(tf.slice(images, [index, 0, 0, 0], [1, h, w, c]), [
                h,
                w,
                c,
              ]) as tf.Tensor3D)
            : blank;
        cells.push(
          tf.pad(
            image,
            [
              [0, 0],
              [pad, 0],
              [0, 0],
            ],
            background,
          ) as tf.Tensor3D,
        );
      }
      const joined = tf.concat(cells, 1) as tf.Tensor3D;
      return tf.pad(
        joined,
        [
          [pad, 0],
          [0, pad],
          [0, 0],
        ],
        background,
      ) as tf.Tensor3D;
    };
    const body = tf.concat(
      Array.from({ length: rows }, (_, r) => row(r)),
      0,
    ) as tf.Tensor3D;
    return tf.pad(
      body,
      [
        [0, pad],
        [0, 0],
        [0, 0],
      ],
      background,
    ) as tf.Tensor3D;
  });
}

/**
 * Encodes an image `[h, w, c]` with values in `[0, 1]` (clipped; `c` = 1 grey, 3 RGB) as a PNG
 * file's bytes (8 bits per channel, `round(255 v)`).
 *
 * @throws {@link @runge/tensor-ops!ShapeError} for another shape.
 * @example
 * ```ts
 * await writeFile('digit.png', await encodePng(image));
 * ```
 */
export async function encodePng(image: tf.Tensor): Promise<Uint8Array> {
  const channels = image.shape[2];
  if (image.rank !== 3 || (channels !== 1 && channels !== 3)) {
    throw new ShapeError(
      `encodePng: an image must be [h, w, 1] or [h, w, 3], got [${image.shape.join(', ')}]`,
    );
  }
  const [h, w] = image.shape as [number, number, number];
  const bytes = tf.tidy(() => tf.cast(tf.round(tf.mul(tf.clipByValue(image, 0, 1), 255)), 'int32'));
  const values = bytes.dataSync();
  bytes.dispose();
  const { PNG } = await import('pngjs');
  const png = new PNG({ width: w, height: h });
  for (let i = 0; i < h * w; i++) {
    for (let k = 0; k < 3; k++)
      png.data[4 * i + k] = values[channels === 1 ? i : 3 * i + k] as number;
    png.data[4 * i + 3] = 255;
  }
  return new Uint8Array(PNG.sync.write(png));
}

/**
 * Writes an image `[h, w, c]` (values in `[0, 1]`) as a PNG file, atomically.
 *
 * @throws {@link @runge/tensor-ops!FileError} naming the file when it cannot be written.
 * @example
 * ```ts
 * await writePng('runs/gan/samples-3.png', imageGrid(samples));
 * ```
 */
export async function writePng(file: string, image: tf.Tensor): Promise<void> {
  const bytes = await encodePng(image);
  const { fs } = nodeFs('writing pictures');
  const temp = `${file}.tmp-${process.pid}`;
  try {
    await fs.writeFile(temp, bytes);
    await fs.rename(temp, file);
  } catch (e) {
    await fs.rm(temp, { force: true }).catch(() => {});
    throw FileError.from(e, file, 'cannot write');
  }
}

/**
 * Reads a PNG file as an image `[h, w, c]` with values in `[0, 1]`: `c = 1` when the picture is
 * grey (every pixel's red, green and blue equal), else 3 (alpha is dropped).
 *
 * @throws {@link @runge/tensor-ops!DataError} naming the file when it is missing or not a PNG.
 * @example
 * ```ts
 * const content = await readPng('content.png'); // [h, w, 3]
 * ```
 */
export async function readPng(file: string): Promise<tf.Tensor3D> {
  const { fs } = nodeFs('reading pictures');
  const bytes = await fs.readFile(file).catch((e: unknown) => {
    throw new DataError(`${file}: cannot read (${(e as { code?: string }).code ?? String(e)})`, {
      cause: e,
    });
  });
  const { PNG } = await import('pngjs');
  let png: { width: number; height: number; data: Uint8Array };
  try {
    png = PNG.sync.read(bytes);
  } catch (e) {
    throw new DataError(`${file}: not a PNG picture (${(e as Error).message})`, { cause: e });
  }
  const n = png.width * png.height;
  let grey = true;
  for (let i = 0; i < n && grey; i++) {
    grey = png.data[4 * i] === png.data[4 * i + 1] && png.data[4 * i] === png.data[4 * i + 2];
  }
  const c = grey ? 1 : 3;
  const out = new Float32Array(n * c);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < c; k++) out[c * i + k] = (png.data[4 * i + k] as number) / 255;
  }
  return tf.tensor3d(out, [png.height, png.width, c]);
}

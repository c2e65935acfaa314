import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DataError, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { disposeDataset } from './dataset.js';
import { loadIdxDataset, readIdxImages, readIdxLabels } from './idx.js';

const dir = mkdtempSync(join(tmpdir(), 'runge-idx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function header(words: number[]): Buffer {
  const b = Buffer.alloc(4 * words.length);
  words.forEach((w, i) => {
    b.writeUInt32BE(w, 4 * i);
  });
  return b;
}

/** IDX images whose pixel (i, r, c) is (7 i + 3 r + c) mod 256. */
function idxImages(n: number, h: number, w: number): Buffer {
  const pixels = Buffer.alloc(n * h * w);
  for (let i = 0; i < n; i++)
    for (let r = 0; r < h; r++)
      for (let c = 0; c < w; c++) pixels[(i * h + r) * w + c] = (7 * i + 3 * r + c) % 256;
  return Buffer.concat([header([2051, n, h, w]), pixels]);
}

function idxLabels(labels: number[]): Buffer {
  return Buffer.concat([header([2049, labels.length]), Buffer.from(labels)]);
}

function file(name: string, content: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function dataError(promise: Promise<unknown>): Promise<DataError> {
  const before = tf.memory().numTensors;
  const error = await promise.then(
    () => {
      throw new Error('expected a DataError');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DataError);
  expect((error as DataError).code).toBe('E_DATA');
  // Nothing partially returned: no tensor was created.
  expect(tf.memory().numTensors).toBe(before);
  return error as DataError;
}

describe('IDX readers: valid files', () => {
  it('reads images as [n, h, w, 1] float32 /255 and labels as int32, plain or gzip', async () => {
    const plain = file('imgs', idxImages(3, 28, 28));
    const gz = file('imgs-gzipped-without-extension', gzipSync(idxImages(3, 28, 28)));
    const plainNamedGz = file('plain-named.gz', idxImages(3, 28, 28));
    for (const path of [plain, gz, plainNamedGz]) {
      const x = await readIdxImages(path);
      expect(x.shape).toEqual([3, 28, 28, 1]);
      expect(x.dtype).toBe('float32');
      const v = x.dataSync();
      for (const [i, r, c] of [
        [0, 0, 0],
        [1, 5, 9],
        [2, 27, 27],
      ] as const) {
        expect(v[(i * 28 + r) * 28 + c]).toBe(Math.fround(((7 * i + 3 * r + c) % 256) / 255));
      }
      x.dispose();
    }
    const y = await readIdxLabels(file('labels.gz', gzipSync(idxLabels([3, 1, 4]))));
    expect(y.dtype).toBe('int32');
    expect(Array.from(y.dataSync())).toEqual([3, 1, 4]);
    y.dispose();
  });

  it('loads a dataset from a matching pair; other image sizes when asked', async () => {
    const ds = await loadIdxDataset({
      images: file('pair-images', idxImages(4, 28, 28)),
      labels: file('pair-labels', idxLabels([0, 9, 2, 2])),
    });
    expect(ds.size).toBe(4);
    expect(ds.numClasses).toBe(10);
    expect(ds.name).toBe('pair-images');
    expect(ds.x.shape).toEqual([4, 28, 28, 1]);
    disposeDataset(ds);
    const small = file('small-images', idxImages(2, 2, 3));
    const a = await readIdxImages(small, { imageSize: [2, 3] });
    const b = await readIdxImages(small, { imageSize: null });
    expect(a.shape).toEqual([2, 2, 3, 1]);
    expect(b.shape).toEqual([2, 2, 3, 1]);
    tf.dispose([a, b]);
  });
});

describe('IDX readers: bad input gives a DataError naming the file and the problem', () => {
  it('missing file: says what was expected and where to get it', async () => {
    const missing = join(dir, 'nope', 'train-images-idx3-ubyte.gz');
    const e = await dataError(readIdxImages(missing));
    expect(e.message).toContain(missing);
    expect(e.message).toMatch(/not found/);
    expect(e.message).toMatch(/IDX image file/);
    expect(e.message).toMatch(/fashion-mnist/);
    const l = await dataError(readIdxLabels(missing));
    expect(l.message).toMatch(/IDX label file/);
  });

  it('a directory instead of a file', async () => {
    const e = await dataError(readIdxImages(dir));
    expect(e.message).toMatch(/is a directory/);
  });

  it('wrong magic number: a label file given as images and vice versa', async () => {
    const labels = file('swap-labels', idxLabels([1, 2]));
    const images = file('swap-images', idxImages(2, 28, 28));
    const e = await dataError(readIdxImages(labels));
    expect(e.message).toContain(labels);
    expect(e.message).toMatch(/magic number 2049 .*label file.*expected 2051/);
    expect(e.message).toMatch(/swapped/);
    const f = await dataError(readIdxLabels(images));
    expect(f.message).toMatch(/magic number 2051 .*expected 2049/);
    const g = await dataError(readIdxImages(file('text', Buffer.from('hello, world: not IDX'))));
    expect(g.message).toMatch(/not an IDX file/);
    const floats = file('floats', Buffer.concat([header([0x0d03, 1, 1, 1]), Buffer.alloc(4)]));
    const h = await dataError(readIdxImages(floats));
    expect(h.message).toMatch(/IDX file of float32 with 3 dimension/);
  });

  it('truncated data and header: expected vs actual bytes', async () => {
    const full = idxImages(3, 28, 28);
    const cut = file('cut-images', full.subarray(0, full.length - 100));
    const e = await dataError(readIdxImages(cut));
    expect(e.message).toContain(cut);
    expect(e.message).toContain(`expected ${16 + 3 * 784} bytes`);
    expect(e.message).toContain(`got ${full.length - 100} bytes`);
    const gzCut = file('cut-images.gz', gzipSync(full.subarray(0, 1000)));
    expect((await dataError(readIdxImages(gzCut))).message).toMatch(/1000 bytes after gunzip/);
    const shortHeader = file('short-header', header([2051, 1]));
    expect((await dataError(readIdxImages(shortHeader))).message).toMatch(/header needs 16 bytes/);
    const labelsCut = file('cut-labels', idxLabels([1, 2, 3]).subarray(0, 9));
    expect((await dataError(readIdxLabels(labelsCut))).message).toMatch(/expected 11 bytes/);
    const tooLong = file('long-labels', Buffer.concat([idxLabels([1]), Buffer.from([0])]));
    expect((await dataError(readIdxLabels(tooLong))).message).toMatch(/too long/);
  });

  it('corrupt gzip', async () => {
    const gz = gzipSync(idxImages(2, 28, 28));
    const broken = file('broken.gz', gz.subarray(0, gz.length >> 1));
    const e = await dataError(readIdxImages(broken));
    expect(e.message).toMatch(/gzip/);
    expect(e.message).toContain(broken);
  });

  it('wrong image size for the expected dims', async () => {
    const path = file('cifar-like', idxImages(1, 32, 32));
    const e = await dataError(readIdxImages(path));
    expect(e.message).toMatch(/32×32, expected 28×28/);
    const f = await dataError(readIdxImages(path, { imageSize: [16, 16] }));
    expect(f.message).toMatch(/expected 16×16/);
  });

  it('label out of range', async () => {
    const path = file('bad-labels', idxLabels([0, 10, 1]));
    const e = await dataError(readIdxLabels(path));
    expect(e.message).toMatch(/label 10 at index 1/);
    const ok = await readIdxLabels(path, { numClasses: 11 });
    expect(Array.from(ok.dataSync())).toEqual([0, 10, 1]);
    ok.dispose();
  });

  it('image/label count mismatch in a pair, with no tensor left behind', async () => {
    const e = await dataError(
      loadIdxDataset({
        images: file('mismatch-images', idxImages(3, 28, 28)),
        labels: file('mismatch-labels', idxLabels([1, 2])),
      }),
    );
    expect(e.message).toMatch(/3 images but .* 2 labels/);
  });

  it('rejects a malformed imageSize option', async () => {
    await expect(
      readIdxImages('x', { imageSize: [28] as unknown as [number, number] }),
    ).rejects.toThrow(ValueError);
  });
});

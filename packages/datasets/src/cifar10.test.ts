import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DataError, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCifar10Batch } from './cifar10.js';
import { disposeDataset } from './dataset.js';

const dir = mkdtempSync(join(tmpdir(), 'runge-cifar-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Channel c of pixel (row, col) of record k holds (k + 5 c + row + 2 col) mod 256. */
function pixel(k: number, row: number, col: number, c: number): number {
  return (k + 5 * c + row + 2 * col) % 256;
}

function batch(labels: number[], first = 0): Buffer {
  const out = Buffer.alloc(labels.length * 3073);
  labels.forEach((label, i) => {
    const base = i * 3073;
    out[base] = label;
    for (let c = 0; c < 3; c++)
      for (let row = 0; row < 32; row++)
        for (let col = 0; col < 32; col++)
          out[base + 1 + c * 1024 + row * 32 + col] = pixel(first + i, row, col, c);
  });
  return out;
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
  expect(tf.memory().numTensors).toBe(before);
  return error as DataError;
}

describe('loadCifar10Batch', () => {
  it('converts channel-major records to NHWC in [0, 1] and concatenates files in order', async () => {
    const a = file('data_batch_1.bin', batch([3, 0, 9]));
    const b = file('data_batch_2.bin.gz', gzipSync(batch([7, 1], 3)));
    const ds = await loadCifar10Batch([a, b]);
    expect(ds.x.shape).toEqual([5, 32, 32, 3]);
    expect(ds.x.dtype).toBe('float32');
    expect(Array.from(ds.y.dataSync())).toEqual([3, 0, 9, 7, 1]);
    expect(ds.numClasses).toBe(10);
    expect(ds.name).toBe('cifar10');
    const v = ds.x.dataSync();
    for (const [k, row, col] of [
      [0, 0, 0],
      [1, 3, 17],
      [4, 31, 31],
      [3, 20, 2],
    ] as const) {
      for (let c = 0; c < 3; c++) {
        expect(v[((k * 32 + row) * 32 + col) * 3 + c]).toBe(
          Math.fround(pixel(k, row, col, c) / 255),
        );
      }
    }
    disposeDataset(ds);
    const single = await loadCifar10Batch(a, { name: 'cifar10/train' });
    expect(single.size).toBe(3);
    expect(single.name).toBe('cifar10/train');
    disposeDataset(single);
  });

  it('missing file: names it and says where to get CIFAR-10', async () => {
    const good = file('good.bin', batch([1]));
    const missing = join(dir, 'data_batch_9.bin');
    const e = await dataError(loadCifar10Batch([good, missing]));
    expect(e.message).toContain(missing);
    expect(e.message).toMatch(/cs\.toronto\.edu\/~kriz\/cifar\.html/);
  });

  it('length not a multiple of 3073, with a CIFAR-100 hint when it fits 3074', async () => {
    const cut = file('cut.bin', batch([1, 2]).subarray(0, 5000));
    const e = await dataError(loadCifar10Batch(cut));
    expect(e.message).toContain(cut);
    expect(e.message).toMatch(/5000 bytes.* not a multiple of 3073/);
    const c100 = file('train.bin', Buffer.alloc(2 * 3074));
    expect((await dataError(loadCifar10Batch(c100))).message).toMatch(/CIFAR-100/);
    const empty = file('empty.bin', Buffer.alloc(0));
    expect((await dataError(loadCifar10Batch(empty))).message).toMatch(/empty/);
  });

  it('label out of range', async () => {
    const bad = file('bad-label.bin', batch([2, 10, 1]));
    const e = await dataError(loadCifar10Batch(bad));
    expect(e.message).toMatch(/record 1 has label 10/);
  });

  it('refuses the tar archive with instructions, and an empty list', async () => {
    const tar = Buffer.alloc(1024);
    tar.write('ustar', 257, 'ascii');
    const archive = file('cifar-10-binary.tar.gz', gzipSync(tar));
    expect((await dataError(loadCifar10Batch(archive))).message).toMatch(/tar xzf/);
    await expect(loadCifar10Batch([])).rejects.toThrow(ValueError);
  });
});

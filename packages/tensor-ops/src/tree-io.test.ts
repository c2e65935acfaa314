import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { DataError, StateError } from './errors.js';
import { type TensorTree, treeDispose, treeEntries } from './tree.js';
import { decodeTrees, encodeTrees, loadTrees, saveTrees } from './tree-io.js';

function sample(): Record<string, TensorTree> {
  return {
    params: {
      K: tf.tensor4d([1.5, -2, 3, 4e-7], [1, 2, 2, 1]),
      blocks: [{ b: tf.tensor1d([7, 8, 9]) }],
    },
    state: { count: tf.tensor1d([1, 2], 'int32'), mask: tf.tensor1d([1, 0, 1], 'bool') },
  };
}

function flat(trees: Record<string, TensorTree>): [string, string, number[], number[]][] {
  return treeEntries(trees as TensorTree).map(([p, t]) => [
    p,
    t.dtype,
    t.shape,
    Array.from(t.dataSync()),
  ]);
}

describe('tree archives', () => {
  it('round-trip trees, dtypes, shapes, values and metadata exactly', () => {
    const trees = sample();
    const bytes = encodeTrees({ trees, meta: { epoch: 3, rng: [1, 2, 3, 4], name: 'w1' } });
    const back = decodeTrees(bytes);
    expect(flat(back.trees as Record<string, TensorTree>)).toEqual(flat(trees));
    expect(back.meta).toEqual({ epoch: 3, rng: [1, 2, 3, 4], name: 'w1' });
    treeDispose(trees as TensorTree);
    treeDispose(back.trees as TensorTree);
  });

  it('detect damage and truncation and return nothing then', () => {
    const trees = sample();
    const bytes = encodeTrees({ trees, meta: null });
    treeDispose(trees as TensorTree);
    const flipped = bytes.slice();
    flipped[flipped.length - 3] = (flipped[flipped.length - 3] as number) ^ 0xff;
    expect(() => decodeTrees(flipped, 'x.ckpt')).toThrow(DataError);
    expect(() => decodeTrees(flipped, 'x.ckpt')).toThrow(/x.ckpt: data checksum mismatch/);
    expect(() => decodeTrees(bytes.slice(0, bytes.length - 8), 'x.ckpt')).toThrow(/truncated/);
    expect(() =>
      decodeTrees(new TextEncoder().encode('hello world, not a checkpoint'), 'x.ckpt'),
    ).toThrow(/does not start with 'RUNGECK1'/);
  });

  it('are written atomically (no temporary file left) and replace the previous one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'runge-ckpt-'));
    const file = join(dir, 'nested', 'checkpoint.ckpt');
    const a = { w: tf.tensor1d([1, 2]) };
    const b = { w: tf.tensor1d([3, 4]) };
    await saveTrees(file, { trees: { params: a }, meta: { epoch: 1 } });
    await saveTrees(file, { trees: { params: b }, meta: { epoch: 2 } });
    expect(await readdir(join(dir, 'nested'))).toEqual(['checkpoint.ckpt']);
    const back = await loadTrees(file);
    expect(back.meta).toEqual({ epoch: 2 });
    expect(Array.from((back.trees.params as { w: tf.Tensor }).w.dataSync())).toEqual([3, 4]);
    treeDispose([a, b, back.trees as TensorTree]);
    // a damaged file on disk is reported with its path
    const raw = await readFile(file);
    await writeFile(file, raw.subarray(0, raw.length - 4));
    await expect(loadTrees(file)).rejects.toThrow(
      new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: .*truncated`),
    );
  });

  it('say clearly when the file is missing', async () => {
    await expect(loadTrees('/nonexistent/run/checkpoint.ckpt')).rejects.toThrow(
      /\/nonexistent\/run\/checkpoint.ckpt: no such file/,
    );
  });

  it('refuse files where Node is missing (a browser) and point to encodeTrees', async () => {
    const node = process as { getBuiltinModule?: unknown };
    const getBuiltinModule = node.getBuiltinModule;
    const w = tf.tensor1d([1, 2]);
    node.getBuiltinModule = undefined;
    try {
      const saving = saveTrees(join(tmpdir(), 'never-written.ckpt'), { trees: { w }, meta: {} });
      await expect(saving).rejects.toBeInstanceOf(StateError);
      await expect(saving).rejects.toThrow(/saveTrees: .*Node's file system.*encodeTrees/);
      await expect(loadTrees('any.ckpt')).rejects.toThrow(/loadTrees: .*decodeTrees/);
    } finally {
      node.getBuiltinModule = getBuiltinModule;
      w.dispose();
    }
  });
});

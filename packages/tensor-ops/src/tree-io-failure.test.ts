// saveTrees on a path it cannot write: a FileError naming the file and what to do, and no temporary file left behind.
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { FileError } from './errors.js';
import { saveTrees } from './tree-io.js';

describe('saveTrees when the file cannot be written', () => {
  it('a file where the folder should be: FileError naming the path, nothing left over', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'runge-io-'));
    const blocker = join(dir, 'out');
    await writeFile(blocker, 'a file, not a folder');
    const x = tf.ones([2]);
    const error = await saveTrees(join(blocker, 'checkpoint.ckpt'), {
      trees: { x },
      meta: null,
    }).catch((e: unknown) => e);
    x.dispose();
    expect(error).toBeInstanceOf(FileError);
    expect((error as FileError).message).toMatch(
      /^cannot create the folder .*out: .*(file, not a folder|file with that name is in the way)/,
    );
    expect(await readdir(dir)).toEqual(['out']);
  });

  it('a rename onto a folder fails after the write: the temporary file is removed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'runge-io-'));
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(dir, 'checkpoint.ckpt'));
    const x = tf.ones([2]);
    const error = await saveTrees(join(dir, 'checkpoint.ckpt'), { trees: { x }, meta: null }).catch(
      (e: unknown) => e,
    );
    x.dispose();
    expect(error).toBeInstanceOf(FileError);
    expect((error as FileError).message).toMatch(/^cannot write .*checkpoint\.ckpt: /);
    expect(await readdir(dir)).toEqual(['checkpoint.ckpt']);
  });
});

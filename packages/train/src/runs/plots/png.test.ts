// Pictures: PNG bytes decode to the pixels written (grey and colour), and grids put each image where the layout says.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { imageGrid, readPng, writePng } from './png.js';

describe('PNG files', () => {
  it('a grey and a colour image come back as written, to 8 bits', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'runge-png-'));
    // values k/5: 255·k/5 is an integer, so no rounding tie between float32 and float64
    const grey = tf.tensor3d([0, 0.2, 0.4, 1, 0.6, 0.8], [2, 3, 1]);
    const colour = tf.tensor3d([1, 0, 0, 0, 1, 0, 0, 0, 1, 0.4, 0.6, 0.2], [2, 2, 3]);
    for (const [name, image] of [
      ['grey.png', grey],
      ['colour.png', colour],
    ] as const) {
      const file = join(dir, name);
      await writePng(file, image);
      const back = await readPng(file);
      expect(back.shape).toEqual(image.shape);
      const expected = Array.from(image.dataSync()).map((v) => Math.round(255 * v) / 255);
      Array.from(back.dataSync()).forEach((v, i) => {
        expect(v).toBeCloseTo(expected[i] as number, 6);
      });
      back.dispose();
    }
    tf.dispose([grey, colour]);
  });

  it('a file that is not a PNG is a DataError naming it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'runge-png-'));
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dir, 'x.png'), 'not a picture');
    await expect(readPng(join(dir, 'x.png'))).rejects.toThrow(DataError);
    await expect(readPng(join(dir, 'x.png'))).rejects.toThrow(/x\.png: not a PNG picture/);
  });
});

describe('imageGrid', () => {
  it('places image k at (pad + ⌊k/columns⌋(h + pad), pad + (k mod columns)(w + pad)), padding elsewhere', () => {
    // five 2×3 images whose pixels are k + 1 … , on 2 columns with 1 pixel of padding (value 0)
    const [n, h, w] = [5, 2, 3];
    const images = tf.tensor4d(
      Array.from({ length: n * h * w }, (_, i) => Math.floor(i / (h * w)) + 1),
      [n, h, w, 1],
    );
    const grid = imageGrid(images, { columns: 2, padding: 1, background: 0 });
    // 3 rows: 1 + 3·(2 + 1) = 10 high; 2 columns: 1 + 2·(3 + 1) = 9 wide
    expect(grid.shape).toEqual([10, 9, 1]);
    const g = grid.dataSync();
    const at = (r: number, c: number): number => g[r * 9 + c] as number;
    for (let k = 0; k < 6; k++) {
      const top = 1 + Math.floor(k / 2) * (h + 1);
      const left = 1 + (k % 2) * (w + 1);
      for (let i = 0; i < h; i++) {
        for (let j = 0; j < w; j++) {
          // the sixth cell is empty: filled with the background
          expect(at(top + i, left + j)).toBe(k < n ? k + 1 : 0);
        }
      }
    }
    expect(at(0, 0)).toBe(0);
    expect(at(3, 4)).toBe(0);
    tf.dispose([images, grid]);
  });
});

// Style transfer as an ODE on the built-in 12×12 pair: the style loss falls at least fivefold while the content loss stays within twice its start, and at least twofold through a FractalNet block; the pictures are written and decode.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { builtInStylePair } from './style-pair.js';
import { stylize } from './stylize.js';
import { stylizeFiles } from './stylize-files.js';

describe('stylize', () => {
  it('lowers the style loss at least 5× and keeps the content loss within 2× of its start', async () => {
    const before = tf.memory().numTensors;
    const dir = await mkdtemp(join(tmpdir(), 'runge-stylize-'));
    try {
      const steps: number[] = [];
      const result = await stylizeFiles({
        out: dir,
        size: 12,
        iterations: 80,
        lr: 0.03,
        onStep: (step) => steps.push(step),
      });
      expect(steps).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
      expect(result.style.start / result.style.end).toBeGreaterThan(5);
      expect(result.content.end).toBeLessThan(2 * result.content.start);
      // the picture is a real PNG of the content's size
      const png = PNG.sync.read(await readFile(result.files[2] as string));
      expect([png.width, png.height]).toEqual([12, 12]);
      const losses = JSON.parse(await readFile(result.files[3] as string, 'utf8'));
      expect(losses.styleLoss).toHaveLength(81);
      expect(losses.styleLoss[0]).toBeCloseTo(result.style.start, 12);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect(tf.memory().numTensors).toBe(before);
  }, 300_000);

  it('flows through a FractalNet block: the style loss falls at least 2×', async () => {
    const before = tf.memory().numTensors;
    const { content, style } = builtInStylePair(12);
    const result = await stylize({ content, style, architecture: 'fractal', iterations: 20 });
    expect(result.image.shape).toEqual([12, 12, 3]);
    const start = result.styleLoss[0] as number;
    const end = result.styleLoss.at(-1) as number;
    expect(start / end).toBeGreaterThanOrEqual(2);
    tf.dispose([content, style, result.image]);
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  it('rejects pictures that are not RGB', async () => {
    const { content, style } = builtInStylePair(8);
    const grey = tf.zeros([8, 8, 1]) as tf.Tensor3D;
    await expect(stylize({ content: grey, style })).rejects.toThrow(/RGB image/);
    const tiny = tf.zeros([4, 4, 3]) as tf.Tensor3D;
    await expect(stylize({ content, style: tiny })).rejects.toThrow(/at least 8×8/);
    await expect(stylize({ content, style, architecture: 'unet' as never })).rejects.toThrow(
      /architecture.*'resnet2'.*'fractal'/,
    );
    tf.dispose([content, style, grey, tiny]);
  });

  it('draws the built-in pair: a disc centred in the content, stripes of period size/4 in the style', () => {
    const { content, style } = builtInStylePair(16);
    const c = content.arraySync() as number[][][];
    const s = style.arraySync() as number[][][];
    expect(c[8]?.[8]?.[0]).toBeCloseTo(0.95, 6);
    expect(c[0]?.[0]?.[0]).toBeCloseTo(0.1, 6);
    // (i + j) / 4 even: orange; odd: dark
    expect(s[0]?.[0]?.[0]).toBeCloseTo(0.95, 6);
    expect(s[0]?.[4]?.[0]).toBeCloseTo(0.15, 6);
    expect(s[2]?.[6]?.[0]).toBeCloseTo(0.95, 6);
    tf.dispose([content, style]);
  });
});

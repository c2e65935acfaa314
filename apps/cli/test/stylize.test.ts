// `runge stylize` offline: the built-in pair in, three decodable pictures and the losses out; a missing picture is a clear error.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from './cli.js';

describe('runge stylize', () => {
  it('runs on the built-in pair and writes the pictures and the losses', async () => {
    const out = await tempDir();
    const result = await runCli([
      'stylize',
      '--size',
      '12',
      '--iterations',
      '3',
      '--out',
      out,
      '--backend',
      'cpu',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const events = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; step?: number });
    expect(events.filter((e) => e.event === 'step').map((e) => e.step)).toEqual([1, 2, 3]);
    expect(events.at(-1)?.event).toBe('stylized');
    for (const name of ['content.png', 'style.png', 'stylized.png']) {
      // the PNG signature, then the IHDR chunk's width and height (big-endian)
      const bytes = await readFile(join(out, name));
      expect([...bytes.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
      expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([12, 12]);
    }
    const losses = JSON.parse(await readFile(join(out, 'stylize.json'), 'utf8'));
    expect(losses.styleLoss).toHaveLength(4);
    expect(losses.contentLoss).toHaveLength(4);
  }, 120_000);

  it('flows through a FractalNet block with --architecture fractal, and names a missing feature model', async () => {
    const out = await tempDir();
    const fractal = await runCli([
      'stylize',
      ...['--size', '8', '--iterations', '2', '--architecture', 'fractal'],
      ...['--out', out, '--backend', 'cpu', '--json'],
    ]);
    expect(fractal.code, fractal.stderr).toBe(0);
    const settings = JSON.parse(await readFile(join(out, 'stylize.json'), 'utf8')).settings;
    expect(settings.architecture).toBe('fractal');
    const unknown = await runCli(['stylize', '--architecture', 'unet']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Allowed choices are resnet, resnet2, .*fractal/);
    const missing = await runCli([
      'stylize',
      ...['--size', '8', '--iterations', '1', '--backend', 'cpu', '--out', out],
      ...['--feature-model', join(out, 'no-model'), '--feature-layers', 'c1,c2'],
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no-model\/model\.json: cannot read the feature model/);
  }, 120_000);

  it('names a content picture that is missing', async () => {
    const out = await tempDir();
    const result = await runCli(['stylize', '--content', join(out, 'none.png'), '--out', out]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/none\.png: cannot read/);
  }, 60_000);
});

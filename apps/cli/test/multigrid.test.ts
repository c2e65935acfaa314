import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonLines, runCli, summaryOf, tempDir } from './cli.js';

// A tiny W1 on a slice of the embedded digits: 4 channels, 2 steps, 200 test images.
async function tinyConfig(dir: string, extra: Record<string, unknown> = {}): Promise<string> {
  const file = join(dir, 'tiny.json');
  await writeFile(
    file,
    JSON.stringify({
      seed: 3,
      data: { source: 'mnist', limit: 192, testLimit: 200, validation: 0.1 },
      model: { preset: 'w1', channels: 4, steps: 2 },
      train: { epochs: 2, batchSize: 32, ...extra },
    }),
  );
  return file;
}

async function readJsonFile<T>(file: string): Promise<T> {
  return JSON.parse(await readFile(file, 'utf8')) as T;
}

describe('runge coarsen', () => {
  it('moves a trained 28×28 model to 14×14 with every method, as runs that runge eval reproduces', async () => {
    const out = await tempDir();
    const trained = await runCli([
      'train',
      '--config',
      await tinyConfig(out),
      '--out',
      out,
      '--json',
    ]);
    expect(trained.code).toBe(0);
    const dir = summaryOf(trained.stdout).dir as string;

    const moved = await runCli([
      'coarsen',
      '--run',
      dir,
      '--to',
      '14',
      '--method',
      'all',
      '--out',
      out,
      '--json',
    ]);
    expect(moved.stderr).toBe('');
    expect(moved.code).toBe(0);
    const events = jsonLines(moved.stdout).filter((e) => e.event === 'transferred') as {
      method: string;
      dir: string;
      from: number[];
      to: number[];
      test: { accuracy: number; examples: number };
    }[];
    expect(events.map((e) => e.method)).toEqual(['naive', 'galerkin', 'rediscretize']);
    for (const event of events) {
      expect(event.from).toEqual([28, 28]);
      expect(event.to).toEqual([14, 14]);
      expect(event.test.examples).toBe(200);
      const config = await readJsonFile<{
        data: { resolution: number };
        model: { config: { input: number[] } };
      }>(join(event.dir, 'config.json'));
      expect(config.data.resolution).toBe(14);
      expect(config.model.config.input).toEqual([14, 14, 1]);
      // the written run is self-contained: evaluating it gives the accuracy coarsen reported
      const evaluated = await runCli(['eval', '--run', event.dir, '--json']);
      expect(evaluated.code).toBe(0);
      const ev = jsonLines(evaluated.stdout).find((e) => e.event === 'eval') as {
        accuracy: number;
        examples: number;
      };
      expect(ev.examples).toBe(200);
      expect(ev.accuracy).toBeCloseTo(event.test.accuracy, 10);
    }
  });

  it('moves to a finer rendering of the data, and rejects a target that is not half or double the resolution or a missing run (exit 2)', async () => {
    const out = await tempDir();
    const trained = await runCli([
      'train',
      '--config',
      await tinyConfig(out, { epochs: 1 }),
      '--out',
      out,
      '--json',
    ]);
    expect(trained.code).toBe(0);
    const dir = summaryOf(trained.stdout).dir as string;
    const bad = await runCli(['coarsen', '--run', dir, '--to', '13']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      'target height 13: a model for 28×28 images moves to half or double that size',
    );
    expect(bad.stderr).toContain('use 14 or 56');
    // finer: the test digits rendered at 56×56 by bilinear interpolation
    const finer = await runCli([
      'coarsen',
      '--run',
      dir,
      '--to',
      '56',
      '--method',
      'naive',
      '--out',
      out,
      '--json',
    ]);
    expect(finer.code).toBe(0);
    const event = jsonLines(finer.stdout).find((e) => e.event === 'transferred') as {
      to: number[];
      test: { examples: number };
    };
    expect(event.to).toEqual([56, 56]);
    expect(event.test.examples).toBe(200);
    const missing = await runCli(['coarsen', '--run', join(out, 'nope'), '--to', '14']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('does not exist');
  });
});

describe('runge coarsen on a model pooled to a fixed grid', () => {
  it('moves a multilevel --pool-to 7 model 28 → 14 → 7, each result a one-level run that opens again', async () => {
    const out = await tempDir();
    const trained = await runCli([
      'train',
      '--config',
      await tinyConfig(out, { epochs: 2, multilevelEpochs: [1, 1] }),
      '--pool-to',
      '7',
      '--out',
      out,
      '--json',
    ]);
    expect(trained.code).toBe(0);
    let dir = summaryOf(trained.stdout).dir as string;
    for (const to of [14, 7]) {
      const moved = await runCli([
        'coarsen',
        '--run',
        dir,
        '--to',
        String(to),
        '--method',
        'naive',
        '--out',
        out,
        '--json',
      ]);
      expect(moved.stderr).toBe('');
      expect(moved.code).toBe(0);
      const event = jsonLines(moved.stdout).find((e) => e.event === 'transferred') as {
        dir: string;
        from: number[];
        to: number[];
      };
      // each move starts from the model at the resolution it was moved to, not a level of a schedule
      expect(event.from).toEqual([2 * to, 2 * to]);
      expect(event.to).toEqual([to, to]);
      dir = event.dir;
    }
    // the 7×7 model (a 1×1 pool) evaluates as written
    const evaluated = await runCli(['eval', '--run', dir, '--json']);
    expect(evaluated.code).toBe(0);
  });
});

describe('runge train --multilevel / --resolution', () => {
  it('trains 14×14 → 28×28 and ends with a full-resolution model that runge eval reproduces', async () => {
    const out = await tempDir();
    const run = await runCli([
      'train',
      '--config',
      await tinyConfig(out),
      '--multilevel',
      '2',
      '--multilevel-method',
      'galerkin',
      '--out',
      out,
      '--json',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const summary = summaryOf(run.stdout) as {
      dir: string;
      test: { accuracy: number };
      levels: { resolution: number[]; epochs: number }[];
    };
    expect(summary.levels.map((l) => l.resolution)).toEqual([
      [14, 14],
      [28, 28],
    ]);
    expect(summary.levels.map((l) => l.epochs)).toEqual([1, 1]);
    const metrics = (await readFile(join(summary.dir, 'metrics.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { epoch: number; level: number; resolution: number });
    expect(metrics.map((m) => [m.epoch, m.level, m.resolution])).toEqual([
      [0, 0, 14],
      [1, 1, 28],
    ]);
    const evaluated = await runCli(['eval', '--run', summary.dir, '--json']);
    expect(evaluated.code).toBe(0);
    const ev = jsonLines(evaluated.stdout).find((e) => e.event === 'eval') as { accuracy: number };
    expect(ev.accuracy).toBeCloseTo(summary.test.accuracy, 10);
  });

  it('trains at a coarser resolution of the data, and names the resolutions it has (exit 2)', async () => {
    const out = await tempDir();
    const run = await runCli([
      'train',
      '--config',
      await tinyConfig(out, { epochs: 1 }),
      '--resolution',
      '7',
      '--out',
      out,
      '--json',
    ]);
    expect(run.code).toBe(0);
    const model = jsonLines(run.stdout).find((e) => e.event === 'run')?.model as {
      input: number[];
    };
    expect(model.input).toEqual([7, 7, 1]);
    const bad = await runCli(['train', '--config', await tinyConfig(out), '--resolution', '10']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('28, 14, 7');
    const tooMany = await runCli([
      'train',
      '--config',
      await tinyConfig(out, { epochs: 1 }),
      '--multilevel',
      '3',
    ]);
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toContain('(train.multilevel) 3 needs at least 3 epochs');
  });
});

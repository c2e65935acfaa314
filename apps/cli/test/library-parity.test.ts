// A script and the command line run the same thing: one configuration through runTraining and through the runge binary gives the same run.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadRunConfig, runTraining } from '@runge/train';
import { describe, expect, it } from 'vitest';
import { runCli, runDirOf, tempDir } from './cli.js';

/** A summary or epoch record without its wall-clock figures. */
function untimed(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (key, v) =>
      ['seconds', 'samplesPerSecond'].includes(key) ? undefined : v,
    ),
  );
}

describe('runTraining and runge train', () => {
  it('the same configuration file gives the same summary and metrics, number for number', async () => {
    const dir = await tempDir();
    const file = join(dir, 'run.yaml');
    await writeFile(
      file,
      [
        'backend: cpu',
        'threads: 1',
        'seed: 4',
        'data: { source: spirals, points: 300, classes: 2 }',
        'model: { preset: toy, dynamics: parabolic, steps: 4, channels: 6 }',
        'train: { epochs: 2, batchSize: 32, optimizer: adam, lr: 0.02 }',
        '',
      ].join('\n'),
    );
    const cli = await runCli(['train', '--config', file, '--out', join(dir, 'cli'), '--json']);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    const cliDir = runDirOf(cli.stdout);
    const library = await runTraining(await loadRunConfig(file), { dir: join(dir, 'library') });
    const read = async (d: string, f: string) => readFile(join(d, f), 'utf8');
    const cliSummary = JSON.parse(await read(cliDir, 'summary.json'));
    const librarySummary = JSON.parse(await read(library.dir as string, 'summary.json'));
    expect(untimed(librarySummary)).toEqual(untimed(cliSummary));
    expect(librarySummary.test.examples).toBe(60);
    const lines = async (d: string) =>
      (await read(d, 'metrics.jsonl'))
        .trim()
        .split('\n')
        .map((l) => untimed(JSON.parse(l)));
    expect(await lines(library.dir as string)).toEqual(await lines(cliDir));
    // the configurations differ only where the command line put its run directory
    const { output: _a, ...cliConfig } = JSON.parse(await read(cliDir, 'config.json'));
    const { output: _b, ...libraryConfig } = JSON.parse(
      await read(library.dir as string, 'config.json'),
    );
    expect(libraryConfig).toEqual(cliConfig);
  });
});

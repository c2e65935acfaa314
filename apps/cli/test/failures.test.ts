// Every failure a clear message with the usage or runtime exit code: output folders, empty configurations, edited configurations, a second writer, stray files, a finished run.
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, runDirOf, TOY, tempDir } from './cli.js';

const RUN = [...TOY, '--epochs', '1'];

async function trained(extra: readonly string[] = []): Promise<string> {
  const out = await tempDir();
  const result = await runCli(['train', ...RUN, ...extra, '--out', out, '--json']);
  expect(result.code, result.stderr).toBe(0);
  return runDirOf(result.stdout);
}

describe('output folders that cannot hold runs', () => {
  it('--out naming a file: the path and what to do, exit 2, nothing written', async () => {
    const dir = await tempDir();
    const file = join(dir, 'taken');
    await writeFile(file, 'not a folder');
    const result = await runCli(['train', ...RUN, '--out', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `runge: output folder ${file} is a file, not a folder; choose another output folder (--out)\n`,
    );
  });

  it('--out below a file: the folder cannot be created, exit 2', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'taken'), '');
    const result = await runCli(['train', ...RUN, '--out', join(dir, 'taken', 'runs')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /cannot write run directories under .*taken\/runs: .*choose another output folder \(--out\)/,
    );
  });
});

describe('configurations', () => {
  it('an empty or null file, and NaN or a word where a number belongs, are named', async () => {
    const dir = await tempDir();
    for (const [name, content] of [
      ['null.json', 'null'],
      ['empty.yaml', '# nothing yet\n'],
    ] as const) {
      await writeFile(join(dir, name), content);
      const result = await runCli(['train', '--config', join(dir, name)]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`${name}: the file holds no settings (it is empty or null)`);
    }
    await writeFile(join(dir, 'nan.yaml'), 'train:\n  lr: .nan\n');
    const nan = await runCli(['train', '--config', join(dir, 'nan.yaml')]);
    expect(nan.code).toBe(2);
    expect(nan.stderr).toMatch(/train\.lr: .*\(got NaN\)/);
  });

  it('too few examples for the validation share: the settings involved and what to do', async () => {
    const result = await runCli(['train', ...RUN, '--limit', '3', '--out', await tempDir()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'data.validation 0.1 of 3 training examples (data.limit) leaves none for validation',
    );
  });

  it('a Hamiltonian block with reversible gradients runs as documented (leapfrog is its default)', async () => {
    const dir = await trained(['--architecture', 'hamiltonian', '--gradient', 'reversible']);
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
    expect(config.model).toMatchObject({ dynamics: 'hamiltonian', gradient: 'reversible' });
  });
});

describe('a run directory', () => {
  it('eval refuses a config.json edited after training (exit 2), naming the mismatch', async () => {
    const dir = await trained();
    const file = join(dir, 'config.json');
    const config = JSON.parse(await readFile(file, 'utf8'));
    config.model.channels = 7;
    await writeFile(file, JSON.stringify(config));
    const result = await runCli(['eval', '--run', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/config\.json does not match .*checkpoint\.ckpt \(.*shape/);
    expect(result.stderr).toContain('restore the configuration the run was trained with');
  });

  it('a run without a checkpoint: every command gives the same advice, and resume starts it', async () => {
    const dir = await trained();
    await rm(join(dir, 'checkpoint.ckpt'));
    for (const command of ['eval', 'stability', 'converge']) {
      const result = await runCli([command, '--run', dir]);
      expect(result.code, command).toBe(2);
      expect(result.stderr).toContain('has no checkpoint yet');
      expect(result.stderr).toContain(`continue it with 'runge resume --run ${dir}'`);
    }
    const resumed = await runCli(['resume', '--run', dir]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(
      'has no checkpoint yet (the run stopped before its first one): starting it from its configuration',
    );
    expect((await stat(join(dir, 'checkpoint.ckpt'))).size).toBeGreaterThan(0);
  });

  it('resume removes the temporary file of an interrupted write, and says when a run is already complete', async () => {
    const dir = await trained();
    const stray = join(dir, 'checkpoint.ckpt.tmp-99999-abc');
    await writeFile(stray, 'half a checkpoint');
    const result = await runCli(['resume', '--run', dir]);
    expect(result.code).toBe(0);
    await expect(stat(stray)).rejects.toThrow();
    expect(result.stdout).toContain('the run has already trained all 1 epochs: evaluating it');
  });

  it('a second writer is refused while the first trains, and the first finishes normally', async () => {
    const dir = await trained();
    let second: Promise<{ code: number | null; stderr: string }> | null = null;
    const first = runCli(['resume', '--run', dir, '--epochs', '4', '--json'], {
      onLine: (line) => {
        if (!second && line.includes('"event":"epoch-start"')) {
          second = runCli(['resume', '--run', dir, '--epochs', '5']);
        }
      },
    });
    const a = await first;
    const b = await (second as unknown as Promise<{ code: number | null; stderr: string }>);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(
      /is being trained by process \d+ on .* wait for it to finish or stop it/,
    );
    const epochs = (await readFile(join(dir, 'metrics.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).epoch);
    expect(epochs).toEqual([0, 1, 2, 3]);
  });

  it('a failure after training started is recorded in summary.json, and commands say so (exit 1, then 2)', async () => {
    const out = await tempDir();
    const result = await runCli([
      'train',
      ...RUN,
      '--lr',
      '1e30',
      '--optimizer',
      'sgd',
      '--out',
      out,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/loss of 'model' is (NaN|Infinity).*lower the learning rate/);
    const [name] = await readdir(out);
    const dir = join(out, name as string);
    const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8'));
    expect(summary.reason).toBe('failed');
    const evaluated = await runCli(['eval', '--run', dir]);
    expect(evaluated.code).toBe(2);
    expect(evaluated.stderr).toContain('the run failed before its first checkpoint (loss of');
  });
});

describe('machine settings', () => {
  it('more threads than cores: a warning that says how many to use', async () => {
    const { availableParallelism } = await import('node:os');
    const cores = availableParallelism();
    const result = await runCli([
      'train',
      ...RUN.filter((a, i, all) => a !== 'cpu' && all[i - 1] !== '--backend' && a !== '--backend'),
      '--backend',
      'wasm',
      '--threads',
      String(Math.min(8, cores + 1)),
      '--out',
      await tempDir(),
    ]);
    if (cores >= 8) {
      expect(result.stderr).toBe('');
    } else {
      expect(result.stderr).toContain(
        `${cores + 1} threads on ${cores} core${cores === 1 ? '' : 's'}: more threads than cores make training several times slower; use threads ${cores}`,
      );
    }
    expect(result.code).toBe(0);
  });
});

import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonLines, runCli, runDirOf, TOY, tempDir } from './cli.js';

describe('runge train → eval → resume', () => {
  it('trains, writes a complete run directory, evaluates and resumes it', async () => {
    const out = await tempDir();
    const train = await runCli(['train', ...TOY, '--epochs', '2', '--out', out, '--json']);
    expect(train.stderr).toBe('');
    expect(train.code).toBe(0);
    const dir = runDirOf(train.stdout);
    expect((await readdir(dir)).sort()).toEqual([
      'checkpoint.ckpt',
      'config.json',
      'metrics.jsonl',
      'plots',
      'summary.json',
    ]);
    expect((await readdir(join(dir, 'plots'))).sort()).toEqual(['accuracy.svg', 'loss.svg']);
    expect(await readFile(join(dir, 'plots', 'loss.svg'), 'utf8')).toMatch(/^<svg/);
    const metrics = (await readFile(join(dir, 'metrics.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(metrics.map((m: { epoch: number }) => m.epoch)).toEqual([0, 1]);
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
    expect(config.model).toMatchObject({ preset: 'toy', channels: 6, steps: 4 });
    expect(config.train.epochs).toBe(2);
    const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8'));
    expect(summary.reason).toBe('completed');
    expect(summary.test.accuracy).toBeGreaterThanOrEqual(0);
    expect(summary.test.accuracy).toBeLessThanOrEqual(1);

    // evaluating the saved model on the test split reproduces the accuracy of the run's summary
    const evaluated = await runCli(['eval', '--run', dir, '--json']);
    expect(evaluated.code).toBe(0);
    const ev = jsonLines(evaluated.stdout).find((e) => e.event === 'eval') as {
      accuracy: number;
      confusion: number[][];
      examples: number;
    };
    expect(ev.accuracy).toBeCloseTo(summary.test.accuracy, 10);
    expect(ev.confusion.flat().reduce((a, b) => a + b, 0)).toBe(ev.examples);
    const correct = ev.confusion.reduce((s, row, i) => s + (row[i] as number), 0);
    expect(correct / ev.examples).toBeCloseTo(ev.accuracy, 10);
    const text = await runCli(['eval', '--run', dir]);
    expect(text.stdout).toMatch(/^test: accuracy \d+\.\d\d%/);
    expect(text.stdout).toContain('confusion matrix');

    // resuming to 3 epochs adds exactly one epoch of metrics
    const resumed = await runCli(['resume', '--run', dir, '--epochs', '3', '--json']);
    expect(resumed.code).toBe(0);
    const after = (await readFile(join(dir, 'metrics.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(after.map((m: { epoch: number }) => m.epoch)).toEqual([0, 1, 2]);
    expect(JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')).epochs).toBe(3);
  });

  it('is reproducible: the same seed gives the same metrics', async () => {
    const out = await tempDir();
    const a = await runCli(['train', ...TOY, '--epochs', '1', '--out', out, '--json']);
    const b = await runCli(['train', ...TOY, '--epochs', '1', '--out', out, '--json']);
    const metrics = async (r: { stdout: string }) =>
      readFile(join(runDirOf(r.stdout), 'metrics.jsonl'), 'utf8');
    const strip = (s: string) => JSON.parse(s.trim()) as { train: unknown; validation: unknown };
    expect(strip(await metrics(b)).train).toEqual(strip(await metrics(a)).train);
    expect(strip(await metrics(b)).validation).toEqual(strip(await metrics(a)).validation);
  });
});

describe('runge usage errors', () => {
  it('names an unknown configuration key with the allowed keys, and a bad value with the allowed values (exit 2)', async () => {
    const dir = await tempDir();
    const file = join(dir, 'run.json');
    await writeFile(file, JSON.stringify({ train: { epochz: 3 } }));
    const unknownKey = await runCli(['train', '--config', file]);
    expect(unknownKey.code).toBe(2);
    expect(unknownKey.stderr).toContain('train.epochz: unknown key (allowed: epochs, batchSize');
    const yamlFile = join(dir, 'run.yaml');
    await writeFile(yamlFile, 'model:\n  dynamics: hyperbolic\n');
    const badValue = await runCli(['train', '--config', yamlFile]);
    expect(badValue.code).toBe(2);
    expect(badValue.stderr).toContain(
      'model.dynamics: "hyperbolic" is not allowed; expected one of "resnet", "resnet2", "parabolic"',
    );
    const missing = await runCli(['train', '--config', join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.json: configuration file not found');
  });

  it('rejects bad flags and unknown commands with exit code 2', async () => {
    const zero = await runCli(['train', '--epochs', '0']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(
      /--epochs \(train\.epochs\): Too small: expected number to be >=1 \(got 0\)/,
    );
    const word = await runCli(['train', '--lr', 'fast']);
    expect(word.code).toBe(2);
    expect(word.stderr).toContain("--lr must be a number, got 'fast'");
    const list = await runCli(['train', '--bs-knots', '-0.2,zero']);
    expect(list.code).toBe(2);
    expect(list.stderr).toContain(
      "--bs-knots must be comma-separated numbers such as -0.2,0,0.2, got '-0.2,zero'",
    );
    const choice = await runCli(['train', '--integrator', 'rk5']);
    expect(choice.code).toBe(2);
    expect(choice.stderr).toMatch(
      /Allowed choices are euler, midpoint, heun, rk4, dopri5, leapfrog/,
    );
    expect((await runCli(['fly'])).code).toBe(2);
  });

  it('says clearly when a run directory is missing or is not a run', async () => {
    const missing = await runCli(['eval', '--run', '/nonexistent/run']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("run directory '/nonexistent/run' does not exist");
    const empty = await tempDir();
    const notRun = await runCli(['resume', '--run', empty]);
    expect(notRun.code).toBe(2);
    expect(notRun.stderr).toContain('is not a run directory (no config.json)');
  });
});

describe('interrupting a run', () => {
  it('writes a checkpoint on Ctrl-C, exits 130, and resume finishes the run', async () => {
    const out = await tempDir();
    let interrupted = false;
    const run = await runCli(['train', ...TOY, '--epochs', '3', '--out', out, '--json'], {
      onLine: (line, child) => {
        if (!interrupted && line.includes('"event":"epoch-start"') && line.includes('"epoch":1')) {
          interrupted = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(interrupted).toBe(true);
    expect(run.code).toBe(130);
    expect(run.stderr).toContain('interrupt: finishing the current batch and writing a checkpoint');
    const dir = runDirOf(run.stdout);
    expect((await stat(join(dir, 'checkpoint.ckpt'))).size).toBeGreaterThan(0);
    expect(JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')).reason).toBe(
      'interrupted',
    );
    const resumed = await runCli(['resume', '--run', dir, '--json']);
    expect(resumed.code).toBe(0);
    const epochs = (await readFile(join(dir, 'metrics.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).epoch);
    expect(epochs.at(-1)).toBe(2);
    expect(JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')).reason).toBe('completed');
  });
});

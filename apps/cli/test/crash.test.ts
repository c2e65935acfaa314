// Runs that survive anything: killed (SIGKILL) at many points, before the first checkpoint and around checkpoint writes, resumed each time, a run ends exactly as an uninterrupted one.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadTrees, type TensorTree, treeDispose, treeFlatten } from '@runge/tensor-ops';
import { describe, expect, it } from 'vitest';
import { runCli, runDirOf, TOY, tempDir } from './cli.js';

const RUN = [...TOY, '--epochs', '4', '--checkpoint-every', '1'];

/** The epochs of metrics.jsonl with their numbers, without wall-clock figures. */
async function metrics(dir: string): Promise<unknown[]> {
  const text = await readFile(join(dir, 'metrics.jsonl'), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((l) => {
      const { seconds: _s, samplesPerSecond: _p, ...rest } = JSON.parse(l);
      return rest;
    });
}

/** The trained parameters of a run's checkpoint, as flat arrays. */
async function parameters(dir: string): Promise<number[][]> {
  const archive = await loadTrees(join(dir, 'checkpoint.ckpt'));
  const trees = archive.trees as { params: TensorTree };
  const values = treeFlatten(trees.params).leaves.map((t) => Array.from(t.dataSync()));
  treeDispose(archive.trees as TensorTree);
  return values;
}

describe('a run killed with SIGKILL and resumed', () => {
  it('ends with the parameters and metrics of an uninterrupted run, with no duplicate epochs or stray files', async () => {
    const out = await tempDir();
    const reference = await runCli(['train', ...RUN, '--out', join(out, 'reference'), '--json']);
    expect(reference.code).toBe(0);
    const referenceDir = runDirOf(reference.stdout);

    // Kill points: during the first epoch (no checkpoint yet), right after an epoch ends (while
    // its checkpoint is being written), and in the middle of later epochs.
    const kills: ((line: string) => boolean)[] = [
      (l) => l.includes('"event":"epoch-start"') && l.includes('"epoch":0'),
      (l) => l.includes('"event":"epoch-end"'),
      (l) => l.includes('"event":"checkpoint"'),
      (l) => l.includes('"event":"epoch-start"'),
      (l) => l.includes('"event":"epoch-end"'),
    ];
    let dir: string | undefined;
    let completed = false;
    for (const [k, killWhen] of kills.entries()) {
      let killed = false;
      const args = dir
        ? ['resume', '--run', dir, '--json']
        : ['train', ...RUN, '--out', join(out, 'crashed'), '--json'];
      const result = await runCli(args, {
        onLine: (line, child) => {
          if (!dir && line.includes('"event":"run"')) dir = JSON.parse(line).dir as string;
          if (!killed && killWhen(line)) {
            killed = true;
            child.kill('SIGKILL');
          }
        },
      });
      if (!killed) {
        expect(result.code, `attempt ${k}: ${result.stderr}`).toBe(0);
        completed = true;
        break;
      }
      expect(result.code, `attempt ${k}`).toBeNull();
      expect(dir).toBeDefined();
      // a run killed before its first checkpoint holds its configuration only, and resumes from it
      if (k === 0) expect((await readdir(dir as string)).sort()).toContain('config.json');
    }
    if (!completed) {
      const last = await runCli(['resume', '--run', dir as string, '--json']);
      expect(last.code, last.stderr).toBe(0);
    }
    const finalDir = dir as string;
    expect(await metrics(finalDir)).toEqual(await metrics(referenceDir));
    expect((await metrics(finalDir)).map((r) => (r as { epoch: number }).epoch)).toEqual([
      0, 1, 2, 3,
    ]);
    expect(await parameters(finalDir)).toEqual(await parameters(referenceDir));
    // the summary's time counts every invocation's epochs, not only the last invocation's
    const epochSeconds = (await readFile(join(finalDir, 'metrics.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .reduce((sum, l) => sum + (JSON.parse(l).seconds as number), 0);
    const summary = JSON.parse(await readFile(join(finalDir, 'summary.json'), 'utf8'));
    expect(summary.seconds).toBeGreaterThanOrEqual(epochSeconds);
    const files = (await readdir(finalDir)).sort();
    expect(files).toEqual([
      'checkpoint.ckpt',
      'config.json',
      'metrics.jsonl',
      'plots',
      'summary.json',
    ]);
  }, 300_000);
});

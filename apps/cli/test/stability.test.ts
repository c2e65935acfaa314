// runge stability on real runs: the table, stability.json, the plot, --json lines and usage errors; and the table's layout.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Complex, stabilityNumbers } from '@runge/integrators';
import { describe, expect, it } from 'vitest';
import { formatStabilityTable } from '../src/format.js';
import { jsonLines, runCli, runDirOf, TOY, tempDir } from './cli.js';

describe('the stability table', () => {
  it('the table has a header and one aligned line per row, flagging points outside', () => {
    const numbers = stabilityNumbers('euler', 0.5, [
      { re: 0, im: 2 },
      { re: -1, im: 0 },
    ]);
    const table = formatStabilityTable([
      { block: 'ode_1', dynamics: 'resnet', method: 'euler', step: 0, t: 0, h: 0.5, numbers },
      { block: 'ode_1', dynamics: 'resnet', method: 'euler', step: 'all', h: 0.5, numbers },
    ]);
    const lines = table.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^block\s+dynamics\s+integrator\s+step\s+t\s+h\s+max\|hλ\|/);
    expect(lines[1]).toContain('1.41421');
    expect(lines[1]).toContain('no (1/2 outside)');
    expect(lines[2]).toMatch(/^ode_1\s+resnet\s+euler\s+all\s/);
    // columns line up: 'stable' starts where the verdicts do
    expect(lines[1]?.indexOf('no (')).toBe(lines[0]?.indexOf('stable'));
  });
});

// Tiny runs on the cpu backend, driven through the built CLI, for one epoch.
const TOY_RUN = [...TOY, '--epochs', '1'];

async function train(args: readonly string[]): Promise<string> {
  const out = await tempDir();
  const result = await runCli(['train', ...args, '--out', out, '--json']);
  expect(result.code).toBe(0);
  return runDirOf(result.stdout);
}

describe('runge stability', () => {
  it('toy run: a table row per step of ode_1, stability.json and plots/stability.svg; --json lines', async () => {
    const dir = await train(TOY_RUN);
    const text = await runCli(['stability', '--run', dir]);
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    const rows = text.stdout.split('\n').filter((l) => l.startsWith('ode_1 '));
    expect(rows.map((l) => l.split(/\s+/)[3])).toEqual(['0', '1', '2', '3', 'all']);
    expect(rows[0]).toMatch(/^ode_1\s+resnet\s+euler\s+0\s+0\s+0\.2500\s/);
    expect(text.stdout).toContain('euler: R(z) = 1 + z');
    expect(await readFile(join(dir, 'plots', 'stability.svg'), 'utf8')).toMatch(/^<svg/);
    const saved = JSON.parse(await readFile(join(dir, 'stability.json'), 'utf8'));
    expect(saved.samples).toBe(4);
    expect(saved.blocks).toHaveLength(1);
    expect(saved.blocks[0]).toMatchObject({ block: 'ode_1', N: 4, h: 0.25, spectrum: 'exact' });
    // exact spectra: width 6 → 6 eigenvalues per example and step
    expect(saved.blocks[0].steps[2].hLambda).toHaveLength(24);
    // the saved points give back the saved numbers: max |R| = max |1 + hλ| for Euler
    const step = saved.blocks[0].steps[1];
    const maxR = Math.max(
      ...step.hLambda.map((z: Complex) =>
        Math.hypot(z.re, z.im) < 1e-3 ? 1 : Math.hypot(1 + z.re, z.im),
      ),
    );
    expect(step.numbers.maxGrowth).toBeCloseTo(maxR, 6);

    const json = await runCli([
      'stability',
      '--run',
      dir,
      '--json',
      '--samples',
      '2',
      '--steps-at',
      'first,last',
    ]);
    expect(json.code).toBe(0);
    const events = jsonLines(json.stdout);
    const steps = events.filter((e) => e.event === 'stability-step');
    expect(steps.map((e) => e.step)).toEqual([0, 3, 'all']);
    expect(steps[0]).toMatchObject({ block: 'ode_1', method: 'euler', count: 12 });
    const end = events.find((e) => e.event === 'stability') as Record<string, unknown>;
    expect(end).toMatchObject({ samples: 2, svg: join(dir, 'plots', 'stability.svg') });
    expect(typeof end.stable).toBe('boolean');
  });

  it('W1 run (conv state): Arnoldi estimates, every ODE block listed', async () => {
    const dir = await train([
      '--limit',
      '32',
      '--channels',
      '2',
      '--steps',
      '2',
      '--resolution',
      '14',
      '--epochs',
      '1',
      '--batch-size',
      '16',
      '--backend',
      'cpu',
    ]);
    const result = await runCli([
      'stability',
      '--run',
      dir,
      '--samples',
      '1',
      '--eigenvalues',
      '6',
    ]);
    expect(result.code).toBe(0);
    const rows = result.stdout.split('\n').filter((l) => l.startsWith('ode_1 '));
    expect(rows).toHaveLength(3);
    expect(result.stdout).toContain('Arnoldi estimates the 6 eigenvalues of largest modulus');
    expect((await stat(join(dir, 'plots', 'stability.svg'))).size).toBeGreaterThan(1000);
  });

  it('a missing run directory or a step the block does not have is a usage error (exit 2)', async () => {
    const missing = await runCli(['stability', '--run', join(await tempDir(), 'nope')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/run directory '.*nope' does not exist/);
    const dir = await train(TOY_RUN);
    const bad = await runCli(['stability', '--run', dir, '--steps-at', '7']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("selected step '7' is not a step of a block with 4 steps");
  });
});

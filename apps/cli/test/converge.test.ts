import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonLines, runCli, runDirOf, tempDir } from './cli.js';

// Tiny ODE networks on spirals (ReLU dynamics, 4 steps, 4 weight sets) on the cpu backend.
async function trained(integrator: string, out: string): Promise<string> {
  const run = await runCli([
    'train',
    '--data',
    'spirals',
    '--preset',
    'toy',
    '--channels',
    '6',
    '--steps',
    '4',
    '--integrator',
    integrator,
    '--backend',
    'cpu',
    '--epochs',
    '3',
    '--seed',
    '5',
    '--out',
    out,
    '--json',
  ]);
  expect(run.code).toBe(0);
  return runDirOf(run.stdout);
}

interface Study {
  steps: number[];
  differences: number[];
  orders: number[];
  order: number;
  accuracies: number[];
  examples: number;
}

describe('runge converge', () => {
  // The trained controls are piecewise constant on 4 pieces, so every refined step lies inside
  // one piece: the refined network is the same integrator on a smooth-in-time ODE, and
  // ‖y_N − y_2N‖ shrinks like h^p. ReLU makes the right-hand side only Lipschitz, which caps the
  // observable order at 2; Euler (p = 1) and the midpoint rule (p = 2) are below that cap.
  it.each([
    ['euler', 1],
    ['midpoint', 2],
  ])(
    'observes the order of %s (%i) when the steps of a trained network are refined',
    async (method, p) => {
      const out = await tempDir();
      const dir = await trained(method as string, out);
      const result = await runCli(['converge', '--run', dir, '--levels', '4', '--json']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const study = jsonLines(result.stdout).find(
        (e) => e.event === 'converge',
      ) as unknown as Study;
      expect(study.steps).toEqual([4, 8, 16, 32]);
      expect(study.differences).toHaveLength(3);
      expect(study.orders).toHaveLength(2);
      expect(Math.abs(study.order - (p as number))).toBeLessThan(0.3);
      // the differences shrink by about 2^p per halving of the step
      for (let i = 1; i < study.differences.length; i++) {
        expect(study.differences[i] as number).toBeLessThan(study.differences[i - 1] as number);
      }
      expect(study.accuracies).toHaveLength(4);
      const saved = JSON.parse(await readFile(join(dir, 'converge.json'), 'utf8')) as Study;
      expect(saved.order).toBe(study.order);
      const text = await runCli(['converge', '--run', dir]);
      expect(text.stdout).toContain('observed order');
    },
  );

  it('needs at least 3 levels and an existing run (exit 2)', async () => {
    const out = await tempDir();
    const few = await runCli(['converge', '--run', out, '--levels', '2']);
    expect(few.code).toBe(2);
    const missing = await runCli(['converge', '--run', join(out, 'nope')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('does not exist');
  });
});

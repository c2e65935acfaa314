import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonLines, runCli, tempDir } from './cli.js';

describe('runge landscape', () => {
  it('finds the target θ = (1, 1) with many steps and a displaced, rougher landscape with few', async () => {
    const out = await tempDir();
    const run = await runCli([
      'landscape',
      '--steps',
      '5,100',
      '--grid',
      '31',
      '--backend',
      'cpu',
      '--out',
      out,
      '--json',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const events = jsonLines(run.stdout) as unknown as {
      N: number;
      argmin: [number, number];
      roughness: number;
      svg: string;
    }[];
    const [few, many] = events as [(typeof events)[0], (typeof events)[0]];
    expect(events.map((e) => e.N)).toEqual([5, 100]);
    // h = 0.1: the objective is ½‖Y_100(θ) − Y_200(1, 1)‖², minimal within a grid cell (4/30) and
    // the O(h) discretisation gap of θ = (1, 1)
    expect(Math.hypot(many.argmin[0] - 1, many.argmin[1] - 1)).toBeLessThan(0.2);
    // h = 2: hλ(K(1, 1)) = −6 lies far outside Euler's region |1 + z| ≤ 1
    expect(Math.hypot(few.argmin[0] - 1, few.argmin[1] - 1)).toBeGreaterThan(0.5);
    expect(few.roughness).toBeGreaterThan(many.roughness);
    expect(await readFile(few.svg, 'utf8')).toMatch(/^<svg/);
    const saved = JSON.parse(await readFile(join(out, 'landscape.json'), 'utf8')) as {
      values: number[][];
    }[];
    expect(saved[1]?.values).toHaveLength(31);
  });
});

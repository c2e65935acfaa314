import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** Runs an example of the guides with plain `node` and returns its output. */
function runExample(name: string): Promise<{ code: number | null; out: string; err: string }> {
  const file = fileURLToPath(new URL(`../examples/${name}`, import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

/**
 * How long an example may run before the test gives up. Not a speed requirement: the spirals
 * example needs about 15 s of CPU time, but `pnpm check` runs every package's tests at once on
 * two cores, where its wall time can be many times that.
 */
const EXAMPLE_TIMEOUT_MS = 600_000;

describe('the guides’ examples run as published', () => {
  it('getting started: an antisymmetric ODE network learns the spirals, and keeps its accuracy with 4× the steps', {
    timeout: EXAMPLE_TIMEOUT_MS,
  }, async () => {
    const { code, out, err } = await runExample('spirals.mjs');
    expect(err).toBe('');
    expect(code).toBe(0);
    // 'auto' picks the compiled kernels where @runge/native is built, else the embedded wasm backend
    expect(out).toMatch(/backend: (native|wasm)/);
    const accuracy = (steps: number): number => {
      const match = out.match(new RegExp(`N = ${steps}: test accuracy ([\\d.]+)%`));
      if (!match) throw new Error(`no accuracy for N = ${steps} in:\n${out}`);
      return Number(match[1]);
    };
    expect(accuracy(8)).toBeGreaterThanOrEqual(95);
    // the trained weights define an ODE: refining its steps changes the outputs by O(h), not the
    // classes of well-separated points
    expect(Math.abs(accuracy(32) - accuracy(8))).toBeLessThanOrEqual(1.5);
  });
});

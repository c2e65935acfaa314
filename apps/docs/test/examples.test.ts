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
    expect(out).toContain('backend: wasm');
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

describe('the guides’ examples run as published: integrators', () => {
  it('networks as ODEs: refining the steps of the same weights converges at the integrator’s order', {
    timeout: EXAMPLE_TIMEOUT_MS,
  }, async () => {
    const { code, out, err } = await runExample('ode-convergence.mjs');
    expect(err).toBe('');
    expect(code).toBe(0);
    const ratios = (method: string): number[] => {
      const match = out.match(new RegExp(`${method}: successive ratios ([\\d., ]+)`));
      if (!match) throw new Error(`no ratios for ${method} in:\n${out}`);
      return (match[1] as string).split(', ').map(Number);
    };
    // forward Euler has order 1: halving h halves the error, the ratio tends to 2¹
    const euler = ratios('euler');
    expect(euler).toHaveLength(3);
    for (const r of euler) expect(r).toBeGreaterThan(1.5);
    expect(Math.abs((euler.at(-1) as number) - 2)).toBeLessThan(0.15);
    // RK4 has order 4: the ratio tends to 2⁴ = 16 until float32 round-off (~1e-6) takes over
    const rk4 = ratios('rk4');
    expect(rk4[0]).toBeGreaterThan(10);
    expect(rk4[1]).toBeGreaterThan(12);
    expect(rk4[1]).toBeLessThan(18);
  });

  it('gradient modes: the same gradient, memory growing like N, √N and not at all', {
    timeout: EXAMPLE_TIMEOUT_MS,
  }, async () => {
    const { code, out, err } = await runExample('gradient-modes.mjs');
    expect(err).toBe('');
    expect(code).toBe(0);
    const row = (steps: number, mode: string): { peak: number; error: number } => {
      const match = out.match(
        new RegExp(
          `N = ${steps} ${mode}: peak (\\d+) KiB, \\d+ ms, gradient vs backprop ([\\d.e+-]+)`,
        ),
      );
      if (!match) throw new Error(`no row for N = ${steps} ${mode} in:\n${out}`);
      return { peak: Number(match[1]), error: Number(match[2]) };
    };
    for (const steps of [16, 128]) {
      // checkpointing and reversible leapfrog recompute backprop's gradient; the adjoint of
      // leapfrog solved by leapfrog is the discrete gradient too: equal up to float32 rounding
      for (const mode of ['checkpoint', 'adjoint', 'reversible']) {
        expect(row(steps, mode).error).toBeLessThan(1e-5);
      }
    }
    // backprop stores every step: 8× the steps, 8× the memory (plus a constant)
    const backprop = row(128, 'backprop').peak / row(16, 'backprop').peak;
    expect(backprop).toBeGreaterThan(6.5);
    expect(backprop).toBeLessThan(8.5);
    // checkpointing every ⌈√N⌉ steps stores N/k + k states: (128/12 + 12)/(16/4 + 4) ≈ 2.8
    const checkpoint = row(128, 'checkpoint').peak / row(16, 'checkpoint').peak;
    expect(checkpoint).toBeGreaterThan(2);
    expect(checkpoint).toBeLessThan(4);
    // the adjoint and the reversible scheme store no trajectory: memory independent of N
    for (const mode of ['adjoint', 'reversible']) {
      expect(row(128, mode).peak).toBeLessThanOrEqual(1.1 * row(16, mode).peak);
      expect(row(128, mode).peak).toBeLessThan(row(16, 'backprop').peak);
    }
  });
});

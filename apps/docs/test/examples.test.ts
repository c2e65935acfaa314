import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** Runs an example of the guides with plain `node` and returns its output. */
function runExample(
  name: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number | null; out: string; err: string }> {
  const file = fileURLToPath(new URL(`../examples/${name}`, import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'pipe'], env });
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

/** The compiled kernels of `@runge/native`, present where its install-time build succeeded. */
const NATIVE_ADDON = fileURLToPath(
  new URL('../../../packages/native/build/Release/runge_native.node', import.meta.url),
);

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

describe('the guides’ examples run as published: data, losses, backends', () => {
  /** The number after `label` in the output. */
  const numberAfter = (out: string, label: string): number => {
    const match = out.match(new RegExp(`${label}:? (-?[\\d.]+)`));
    if (!match) throw new Error(`no '${label}' in:\n${out}`);
    return Number(match[1]);
  };

  it('datasets: the statistics that define each set', { timeout: EXAMPLE_TIMEOUT_MS }, async () => {
    const { code, out, err } = await runExample('datasets.mjs');
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain('spirals: x 1000,2, y 1000, 2 classes');
    // each peaks class covers 1/5 of the square: 5,000 uniform points give 0.2 ± 3 std (0.017)
    const fractions = (out.match(/peaks: class fractions ([\d., ]+)/)?.[1] ?? '')
      .split(', ')
      .map(Number);
    expect(fractions).toHaveLength(5);
    for (const f of fractions) expect(Math.abs(f - 0.2)).toBeLessThan(0.017);
    // E[S_T] = 100 e^0.05 = 105.127; the mean of 4,000 paths has std 100 e^μ √(e^σ² − 1)/√4000 ≈ 0.34
    expect(Math.abs(numberAfter(out, 'mean S_T') - 100 * Math.exp(0.05))).toBeLessThan(1.1);
    // Black–Scholes at S = K = 100, T = 1, σ = 0.2, r = 0.05: C = 10.4506 (Hull's table value),
    // and put–call parity C − P = S − K e^{−rT} = 100 (1 − e^{−0.05}) = 4.8771
    expect(numberAfter(out, 'call')).toBeCloseTo(10.4506, 3);
    expect(numberAfter(out, 'C − P')).toBeCloseTo(100 * (1 - Math.exp(-0.05)), 3);
    expect(out).toContain('mnist: x 2004,28,28,1, 10 classes');
  });

  it('losses: the values written out by hand', { timeout: EXAMPLE_TIMEOUT_MS }, async () => {
    const { code, out, err } = await runExample('losses.mjs');
    expect(err).toBe('');
    expect(code).toBe(0);
    // log(1 + e⁻²), log(1 + e¹) − 1 and log(e³ + 1) for the three examples, averaged
    const ce = (Math.log1p(Math.exp(-2)) + Math.log1p(Math.E) - 1 + Math.log(Math.exp(3) + 1)) / 3;
    expect(numberAfter(out, 'cross-entropy')).toBeCloseTo(ce, 5);
    // argmax [0, 1, 0] against [0, 1, 1]
    expect(numberAfter(out, 'accuracy')).toBeCloseTo(2 / 3, 5);
    // (1² + 2² + 0²) / 3
    expect(numberAfter(out, 'mse')).toBeCloseTo(5 / 3, 5);
    // over by 1: 0.1·1; under by 2: 0.9·2; exact: 0
    expect(numberAfter(out, 'quantile 0.9')).toBeCloseTo((0.1 + 1.8) / 3, 5);
  });

  it('backends: the native kernels where they are built, else wasm; gradients registered', {
    timeout: EXAMPLE_TIMEOUT_MS,
  }, async () => {
    const built = existsSync(NATIVE_ADDON);
    const { code, out, err } = await runExample('backend.mjs');
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain(
      built ? 'backend: native (@runge/native)' : 'backend: wasm (@tensorflow/tfjs-backend-wasm)',
    );
    expect(out).toContain('note: @tensorflow/tfjs-node is not installed');
    expect(out).toContain('gradient of Σx² at [1, 2, 3]: [2, 4, 6]');
    // Without the compiled kernels (a failed or skipped build), the same program runs on wasm.
    const without = await runExample('backend.mjs', {
      ...process.env,
      RUNGE_NATIVE_ADDON: '/nonexistent/runge_native.node',
    });
    expect(without.code).toBe(0);
    expect(without.out).toContain('backend: wasm (@tensorflow/tfjs-backend-wasm)');
    expect(without.out).toMatch(/note: .*native kernels are not built/);
    expect(without.out).toContain('gradient of Σx² at [1, 2, 3]: [2, 4, 6]');
  });
});

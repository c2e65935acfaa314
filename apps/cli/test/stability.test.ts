import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { buildModel, type ModelConfig, type ModelParams } from '@runge/architectures';
import { type Complex, stabilityFunction } from '@runge/integrators';
import { Rng, type TensorTree, treeDispose, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { renderSvg } from '../src/plots.js';
import { analyseStability } from '../src/stability-analysis.js';
import {
  chainSegments,
  formatStabilityTable,
  growthFactor,
  leapfrogGrowth,
  regionBoundary,
  stabilityNumbers,
  stepsAt,
} from '../src/stability-math.js';
import { stabilitySpec } from '../src/stability-plot.js';
import { jsonLines, runCli, runDirOf, TOY, tempDir } from './cli.js';

const abs = (z: Complex): number => Math.hypot(z.re, z.im);

const byValue = (a: Complex, b: Complex): number => a.re - b.re || a.im - b.im;

/**
 * max |μ| over the eigenvalues of one leapfrog (kick–drift–kick) step on q' = p, p' = w q,
 * from the trace and determinant of the multiplied-out 2×2 step matrix.
 */
function leapfrogStepRadius(h: number, w: number): number {
  const mul = (a: number[][], b: number[][]): number[][] =>
    [0, 1].map((i) =>
      [0, 1].map(
        (j) =>
          (a[i] as number[])[0]! * (b[0] as number[])[j]! +
          (a[i] as number[])[1]! * (b[1] as number[])[j]!,
      ),
    );
  // p½ = p + h/2 w q; q₁ = q + h p½; p₁ = p½ + h/2 w q₁, acting on (q, p).
  const kick = [
    [1, 0],
    [(h / 2) * w, 1],
  ];
  const drift = [
    [1, h],
    [0, 1],
  ];
  const M = mul(kick, mul(drift, kick));
  const tr = M[0]![0]! + M[1]![1]!;
  const det = M[0]![0]! * M[1]![1]! - M[0]![1]! * M[1]![0]!;
  const disc = tr * tr - 4 * det;
  if (disc >= 0)
    return Math.max(Math.abs((tr + Math.sqrt(disc)) / 2), Math.abs((tr - Math.sqrt(disc)) / 2));
  return Math.sqrt(det); // a complex pair has |μ|² = det
}

describe('|R(hλ)| of the integrators', () => {
  const zs: Complex[] = [
    { re: -1, im: 0 },
    { re: -2.5, im: 0.3 },
    { re: 0, im: 1 },
    { re: 0.2, im: -0.7 },
  ];

  it('euler: |R(z)| = |1 + z|; rk4: |1 + z + z²/2 + z³/6 + z⁴/24|', () => {
    for (const z of zs) {
      expect(growthFactor('euler')(z)).toBeCloseTo(Math.hypot(1 + z.re, z.im), 12);
      // Horner in complex arithmetic: 1 + z(1 + z/2(1 + z/3(1 + z/4))).
      let p: Complex = { re: 1, im: 0 };
      for (const k of [4, 3, 2, 1]) {
        const zp = { re: (z.re * p.re - z.im * p.im) / k, im: (z.re * p.im + z.im * p.re) / k };
        p = { re: 1 + zp.re, im: zp.im };
      }
      expect(growthFactor('rk4')(z)).toBeCloseTo(abs(p), 12);
    }
  });

  it('leapfrog: the spectral radius of the step matrix on the mode with (hλ)² = h²w', () => {
    const h = 0.5;
    for (const w of [-1, -4, -15.9, -16.1, -36, 0.25, 4]) {
      const expected = leapfrogStepRadius(h, w);
      // λ² = w: λ = ±√w, imaginary for w < 0.
      const z = w < 0 ? { re: 0, im: h * Math.sqrt(-w) } : { re: h * Math.sqrt(w), im: 0 };
      expect(leapfrogGrowth(z)).toBeCloseTo(expected, 10);
    }
    // stable exactly on [−2i, 2i]: |μ| = 1 there, > 1 beyond and off the axis
    expect(leapfrogGrowth({ re: 0, im: 1.99 })).toBeCloseTo(1, 12);
    expect(leapfrogGrowth({ re: 0, im: 3 })).toBeCloseTo((7 + Math.sqrt(45)) / 2, 12);
    expect(leapfrogGrowth({ re: -0.1, im: 0.5 })).toBeGreaterThan(1.01);
  });
});

describe('stabilityNumbers', () => {
  it('a known spectrum {−1, −3, ±2i} with h = 1/2: Euler takes ±i out of the disk (|R| = √2), RK4 keeps all', () => {
    const spectrum = [
      { re: -1, im: 0 },
      { re: -3, im: 0 },
      { re: 0, im: 2 },
      { re: 0, im: -2 },
    ];
    const euler = stabilityNumbers('euler', 0.5, spectrum);
    expect(euler.maxAbs).toBeCloseTo(1.5, 12);
    expect(euler.maxRe).toBeCloseTo(0, 12);
    expect(euler.maxGrowth).toBeCloseTo(Math.SQRT2, 12);
    expect(euler).toMatchObject({ count: 4, outside: 2, outsideDecaying: 2, stable: false });
    const rk4 = stabilityNumbers('rk4', 0.5, spectrum);
    const R = stabilityFunction('rk4');
    expect(rk4.maxGrowth).toBeCloseTo(
      Math.max(abs(R({ re: 0, im: 1 })), abs(R({ re: -1.5, im: 0 }))),
      12,
    );
    expect(rk4).toMatchObject({ outside: 0, stable: true });
  });

  it('an eigenvalue with Re λ > 0 is outside for every explicit method and counted as growth of the ODE', () => {
    const n = stabilityNumbers('rk4', 0.1, [
      { re: 0.5, im: 0 },
      { re: -1, im: 0 },
    ]);
    expect(n.maxGrowth).toBeGreaterThan(1);
    expect(n).toMatchObject({ outside: 1, outsideDecaying: 0, stable: false });
  });

  it('takes round-off-sized eigenvalues as 0 but keeps the leapfrog interval sharp', () => {
    const split = [
      { re: 1e-6, im: 0 },
      { re: -1e-6, im: 0 },
      { re: 0, im: 3 },
      { re: 0, im: -3 },
    ];
    expect(stabilityNumbers('leapfrog', 0.5, split)).toMatchObject({ outside: 0, stable: true });
    expect(stabilityNumbers('leapfrog', 0.7, split)).toMatchObject({ outside: 2, stable: false });
    // a genuine real pair is not round-off
    const real = [...split, { re: 0.3, im: 0 }, { re: -0.3, im: 0 }];
    expect(stabilityNumbers('leapfrog', 0.5, real)).toMatchObject({ outside: 2, stable: false });
  });

  it('takes round-off-sized real parts of imaginary eigenvalues as 0, not larger ones', () => {
    // h = 1, max|hλ| = 1.5: the radius is 1.5·2⁻¹² ≈ 3.7e-4
    const nearAxis = [
      { re: 2e-4, im: 1.5 },
      { re: 2e-4, im: -1.5 },
    ];
    const leapfrog = stabilityNumbers('leapfrog', 1, nearAxis);
    expect(leapfrog).toMatchObject({ outside: 0, stable: true, maxRe: 0 });
    expect(leapfrog.maxGrowth).toBeCloseTo(1, 12);
    // Euler is unstable on the whole imaginary axis: |1 + 1.5i| = √3.25
    expect(stabilityNumbers('euler', 1, nearAxis).maxGrowth).toBeCloseTo(Math.sqrt(3.25), 12);
    // a real part 30 times the radius is the dynamics', not round-off: leapfrog grows
    const offAxis = [
      { re: 0.01, im: 1.5 },
      { re: 0.01, im: -1.5 },
    ];
    expect(stabilityNumbers('leapfrog', 1, offAxis)).toMatchObject({ stable: false });
  });

  it('rejects a bad step or an empty spectrum', () => {
    expect(() => stabilityNumbers('euler', 0, [{ re: -1, im: 0 }])).toThrow(ValueError);
    expect(() => stabilityNumbers('euler', 0.1, [])).toThrow(ValueError);
  });
});

describe('stability region boundary, steps, table', () => {
  it("euler's traced boundary lies on the circle |1 + z| = 1 and closes", () => {
    const segments = regionBoundary(
      'euler',
      { reMin: -2.5, reMax: 0.5, imMin: -1.5, imMax: 1.5 },
      121,
    );
    expect(segments.length).toBeGreaterThan(50);
    for (const s of segments) {
      expect(Math.abs(Math.hypot(1 + s.x, s.y) - 1)).toBeLessThan(1e-3);
      expect(Math.abs(Math.hypot(1 + s.x2, s.y2) - 1)).toBeLessThan(1e-3);
    }
    const lines = chainSegments(segments);
    expect(lines).toHaveLength(1);
    const line = lines[0] as [number, number][];
    expect(line[0]).toEqual(line[line.length - 1]);
  });

  it('stepsAt: all steps up to 16 by default, else first/middle/last; lists and words; bad input', () => {
    expect(stepsAt(undefined, 4)).toEqual([0, 1, 2, 3]);
    expect(stepsAt(undefined, 40)).toEqual([0, 20, 39]);
    expect(stepsAt('last,0,middle,0', 9)).toEqual([0, 4, 8]);
    expect(stepsAt('all', 3)).toEqual([0, 1, 2]);
    expect(() => stepsAt('9', 8)).toThrow(/not a step of a block with 8 steps/);
    expect(() => stepsAt('mid', 8)).toThrow(ValueError);
  });

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

/** A model with the given config whose ODE block gets the given controls. */
function withControls(
  config: ModelConfig,
  block: string,
  controls: Record<string, tf.Tensor>,
): { model: ReturnType<typeof buildModel>; params: ModelParams } {
  const model = buildModel(config);
  const { params, state } = model.init(0);
  treeDispose(params[block] as TensorTree);
  treeDispose(state as TensorTree);
  return { model, params: { ...params, [block]: controls } };
}

describe('analyseStability', () => {
  it('linear σ: the Jacobian of the block is K_j, so hλ = h·eig(K_j) at every step and example', () => {
    // K_0 has eigenvalues ±2i and −1; K_1 is triangular (eigenvalues on its diagonal).
    const K0 = [
      [0, 2, 0],
      [-2, 0, 0],
      [0, 0, -1],
    ];
    const K1 = [
      [-0.5, 1, 2],
      [0, 0.3, -1],
      [0, 0, -2],
    ];
    const { model, params } = withControls(
      {
        input: [3],
        layers: [{ type: 'ode', dynamics: 'resnet', activation: 'linear', steps: 2, T: 1 }],
      },
      'ode_0',
      { K: tf.tensor3d([K0, K1]), b: tf.zeros([2, 3]) },
    );
    const x = Rng.fromSeed(2).normal([2, 3]);
    const [report] = analyseStability(model, params, {}, x);
    x.dispose();
    treeDispose(params as TensorTree);
    expect(report).toMatchObject({ block: 'ode_0', method: 'euler', h: 0.5, spectrum: 'exact' });
    const steps = report?.steps ?? [];
    expect(steps.map((s) => s.step)).toEqual([0, 1]);
    const spectra: Complex[][] = [
      [
        { re: -1, im: 0 },
        { re: 0, im: -2 },
        { re: 0, im: 2 },
      ],
      [
        { re: -2, im: 0 },
        { re: -0.5, im: 0 },
        { re: 0.3, im: 0 },
      ],
    ];
    spectra.forEach((spectrum, j) => {
      const expected = spectrum.map((z) => ({ re: 0.5 * z.re, im: 0.5 * z.im })).sort(byValue);
      for (const sample of [0, 1]) {
        const got = (steps[j]?.hLambda ?? []).filter((z) => z.sample === sample).sort(byValue);
        expect(got).toHaveLength(3);
        got.forEach((z, i) => {
          expect(z.re).toBeCloseTo((expected[i] as Complex).re, 4);
          expect(z.im).toBeCloseTo((expected[i] as Complex).im, 4);
        });
      }
    });
    // step 0: hλ = ±i and −1/2 → Euler's |R| = √2 on the imaginary pair, for both examples
    expect(steps[0]?.numbers.maxGrowth).toBeCloseTo(Math.SQRT2, 4);
    expect(steps[0]?.numbers).toMatchObject({ count: 6, outside: 4, outsideDecaying: 4 });
    // step 1: hλ = 0.15 has Re > 0: |1 + 0.15| = 1.15, growth of the ODE itself
    expect(steps[1]?.numbers.maxGrowth).toBeCloseTo(1.15, 4);
    expect(steps[1]?.numbers).toMatchObject({ outside: 2, outsideDecaying: 0 });
  });

  it("tanh: the Jacobian diag(1 − tanh²(Y_j K_j + b_j))·K_jᵀ at the block's own state Y_j after a dense layer", () => {
    const config: ModelConfig = {
      input: [2],
      layers: [
        { type: 'dense', units: 3, activation: 'tanh' },
        { type: 'ode', dynamics: 'resnet', activation: 'tanh', steps: 2, T: 2 },
      ],
    };
    // Triangular K_j: the Jacobian is triangular too, its eigenvalues σ'(u_i)·K_j[i][i].
    const Kr = [
      [
        [1.5, -2, 0.5],
        [0, -1, 1],
        [0, 0, 2],
      ],
      [
        [-2.5, 1, -1],
        [0, 0.8, 0.3],
        [0, 0, -1.2],
      ],
    ];
    const br = [
      [0.2, -0.1, 0.4],
      [-0.3, 0.5, 0.1],
    ];
    const { model, params } = withControls(config, 'ode_1', {
      K: tf.tensor3d(Kr),
      b: tf.tensor2d(br),
    });
    const x = tf.tensor2d([[0.7, -1.1]]);
    // Independent forward pass: Y_0 = tanh(x W + c), Y_1 = Y_0 + h tanh(Y_0 K_0 + b_0), h = 1.
    const { W, b } = params.dense_0 as { W: tf.Tensor; b: tf.Tensor };
    const Wr = W.arraySync() as number[][];
    const cr = b.arraySync() as number[];
    const y0 = [0, 1, 2].map((i) =>
      Math.tanh(0.7 * (Wr[0] as number[])[i]! - 1.1 * (Wr[1] as number[])[i]! + cr[i]!),
    );
    const pre = (y: number[], j: number): number[] =>
      [0, 1, 2].map(
        (i) =>
          y.reduce((s, yk, k) => s + yk * ((Kr[j] as number[][])[k] as number[])[i]!, 0) +
          (br[j] as number[])[i]!,
      );
    const y1 = pre(y0, 0).map((u, i) => y0[i]! + Math.tanh(u));
    const [report] = analyseStability(model, params, {}, x);
    x.dispose();
    treeDispose(params as TensorTree);
    [y0, y1].forEach((y, j) => {
      const expected = pre(y, j)
        .map((u, i) => ({ re: (1 - Math.tanh(u) ** 2) * (Kr[j] as number[][])[i]![i]!, im: 0 }))
        .sort(byValue); // h = 1
      const got = [...(report?.steps[j]?.hLambda ?? [])].sort(byValue);
      expect(got).toHaveLength(3);
      got.forEach((z, i) => {
        expect(z.re).toBeCloseTo((expected[i] as Complex).re, 4);
        expect(z.im).toBeCloseTo(0, 4);
      });
    });
  });

  it('hamiltonian, K = cI: hλ = ±i·h·c² on the leapfrog interval when h·c² ≤ 2, flagged beyond', () => {
    const config: ModelConfig = {
      input: [3],
      layers: [{ type: 'ode', dynamics: 'hamiltonian', activation: 'linear', steps: 2, T: 1 }],
    };
    for (const [c2, stable] of [
      [3, true],
      [6, false],
    ] as const) {
      const K = tf.tidy(() => tf.mul(Math.sqrt(c2), tf.stack([tf.eye(3), tf.eye(3)])));
      const { model, params } = withControls(config, 'ode_0', { K, b: tf.zeros([2, 3]) });
      const x = Rng.fromSeed(4).normal([1, 3]);
      const [report] = analyseStability(model, params, {}, x, { stepsAt: 'first' });
      x.dispose();
      treeDispose(params as TensorTree);
      expect(report).toMatchObject({ method: 'leapfrog', dimension: 6, spectrum: 'exact' });
      const numbers = report?.steps[0]?.numbers;
      expect(numbers?.maxAbs).toBeCloseTo(0.5 * c2, 4);
      expect(numbers?.stable).toBe(stable);
      if (!stable) expect(numbers?.maxGrowth).toBeCloseTo((7 + Math.sqrt(45)) / 2, 3);
    }
  });

  it('Arnoldi on a conv state finds the largest-modulus eigenvalues of the exact spectrum', () => {
    const config: ModelConfig = {
      input: [5, 5, 2],
      layers: [{ type: 'ode', dynamics: 'resnet', activation: 'relu', steps: 1, T: 1 }],
    };
    const model = buildModel(config);
    const { params } = model.init(7);
    const x = Rng.fromSeed(8).normal([1, 5, 5, 2]);
    const [exact] = analyseStability(model, params, {}, x);
    const [arnoldi] = analyseStability(model, params, {}, x, { exactUpTo: 0, eigenvalues: 4 });
    x.dispose();
    treeDispose(params as TensorTree);
    expect(exact?.spectrum).toBe('exact');
    expect(arnoldi).toMatchObject({ spectrum: 'arnoldi', eigenvalues: 4, dimension: 50 });
    const top = (r: typeof exact): number[] =>
      (r?.steps[0]?.hLambda ?? [])
        .map((z) => Math.hypot(z.re, z.im))
        .sort((a, b) => b - a)
        .slice(0, 2);
    const [e0, e1] = top(exact);
    const [a0, a1] = top(arnoldi);
    expect(a0).toBeCloseTo(e0 as number, 3);
    expect(a1).toBeCloseTo(e1 as number, 3);
  });

  it('two blocks with different integrators: both analysed in model order, both regions plotted', async () => {
    const model = buildModel({
      input: [2],
      layers: [
        { type: 'dense', units: 3, activation: 'tanh' },
        { type: 'ode', name: 'first', dynamics: 'resnet', steps: 2, activation: 'tanh' },
        { type: 'ode', name: 'second', dynamics: 'hamiltonian', steps: 3, T: 1.5 },
      ],
    });
    const { params } = model.init(9);
    const x = Rng.fromSeed(10).normal([2, 2]);
    const reports = analyseStability(model, params, {}, x, { stepsAt: 'last' });
    x.dispose();
    treeDispose(params as TensorTree);
    expect(reports.map((r) => [r.block, r.method, r.h, r.dimension])).toEqual([
      ['first', 'euler', 0.5, 3],
      ['second', 'leapfrog', 0.5, 6],
    ]);
    expect(reports.map((r) => r.steps.map((s) => s.step))).toEqual([[1], [2]]);
    const svg = await renderSvg(
      stabilitySpec({
        title: 'two blocks',
        methods: reports.map((r) => r.method),
        points: reports.flatMap((r) =>
          (r.steps[0]?.hLambda ?? []).map((z) => ({ block: r.block, re: z.re, im: z.im })),
        ),
      }),
    );
    expect(svg).toMatch(/^<svg/);
    for (const label of ['euler: |R(hλ)| = 1', 'leapfrog: hλ ∈ [−2i, 2i]', 'first', 'second'])
      expect(svg).toContain(label);
  });

  it('says so when the model has no ODE block', () => {
    const model = buildModel({ input: [2], layers: [{ type: 'dense', units: 2 }] });
    const { params } = model.init(0);
    const x = tf.zeros([1, 2]);
    expect(() => analyseStability(model, params, {}, x)).toThrow(/has no ODE block/);
    x.dispose();
    treeDispose(params as TensorTree);
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
    expect(bad.stderr).toContain("--steps-at: '7' is not a step of a block with 4 steps");
  });
});

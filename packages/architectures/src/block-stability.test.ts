// The stability diagnostic of ODE blocks: hλ against exact spectra (linear, tanh, Hamiltonian, Arnoldi on conv states), and the selection of steps.
import type { Complex } from '@runge/integrators';
import { Rng, type TensorTree, treeDispose, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { analyseStability } from './block-stability.js';
import type { ModelConfig } from './layer-config.js';
import { buildModel, type ModelParams } from './model.js';
import { stepsAt } from './stability-report.js';

const _abs = (z: Complex): number => Math.hypot(z.re, z.im);

const byValue = (a: Complex, b: Complex): number => a.re - b.re || a.im - b.im;

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

  it('two blocks with different integrators: both analysed in model order', () => {
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

describe('stepsAt', () => {
  it('stepsAt: all steps up to 16 by default, else first/middle/last; lists and words; bad input', () => {
    expect(stepsAt(undefined, 4)).toEqual([0, 1, 2, 3]);
    expect(stepsAt(undefined, 40)).toEqual([0, 20, 39]);
    expect(stepsAt('last,0,middle,0', 9)).toEqual([0, 4, 8]);
    expect(stepsAt('all', 3)).toEqual([0, 1, 2]);
    expect(() => stepsAt('9', 8)).toThrow(/not a step of a block with 8 steps/);
    expect(() => stepsAt('mid', 8)).toThrow(ValueError);
  });
});

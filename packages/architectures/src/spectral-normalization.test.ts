// Tests of spectral normalisation in dense and conv layers: σ_max of the normalised operator, the state, gradients, save and load.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TensorTree, treeDispose } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { Matrix, SVD } from 'ml-matrix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelConfig } from './layer-config.js';
import { buildModel, type Model, type ModelParams, type ModelState } from './model.js';
import { loadModel, saveModel } from './model-io.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'runge-sn-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The largest singular value of a matrix given by rows, by ml-matrix's SVD (float64). */
function sigmaMax(rows: number[][]): number {
  const svd = new SVD(new Matrix(rows), {
    computeLeftSingularVectors: false,
    computeRightSingularVectors: false,
    autoTranspose: true,
  });
  return svd.diagonal[0] as number;
}

/**
 * The matrix of the model's map on one example (a linear model): row `i` is the output for the
 * `i`-th unit input, flattened. Evaluation mode, so the state is read and not advanced.
 */
function operatorMatrix(model: Model, params: ModelParams, state: ModelState): number[][] {
  const n = model.inputShape.reduce((a, b) => a * b, 1);
  return tf.tidy(() => {
    const basis = tf.reshape(tf.eye(n), [n, ...model.inputShape]);
    const { y } = model.apply(params, basis, { training: false, state });
    return tf.reshape(y, [n, -1]).arraySync() as number[][];
  });
}

/** Advances the power iteration `steps` times (training-mode applies) and returns the new state. */
function iterate(model: Model, params: ModelParams, state: ModelState, steps: number): ModelState {
  const x = tf.zeros([1, ...model.inputShape]);
  let current = state;
  for (let k = 0; k < steps; k++) {
    const out = model.apply(params, x, { training: true, state: current });
    out.y.dispose();
    if (current !== state) treeDispose(current as TensorTree);
    current = out.state;
  }
  x.dispose();
  return current;
}

/** Multiplies every weight by `factor`, so the raw operator's norm is far from one. */
function scaled(params: ModelParams, factor: number): ModelParams {
  return Object.fromEntries(
    Object.entries(params).map(([k, tree]) => [
      k,
      Object.fromEntries(
        Object.entries(tree as Record<string, tf.Tensor>).map(([p, t]) => [p, tf.mul(t, factor)]),
      ),
    ]),
  ) as ModelParams;
}

const dense: ModelConfig = {
  input: [6],
  layers: [{ type: 'dense', units: 4, useBias: false, spectralNorm: true }],
};
const plainDense: ModelConfig = {
  input: [6],
  layers: [{ type: 'dense', units: 4, useBias: false }],
};

describe('spectral normalisation of a dense layer', () => {
  it('divides W by σ_max: the normalised map has largest singular value 1 (SVD)', () => {
    const before = tf.memory().numTensors;
    const model = buildModel(dense);
    const init = model.init(3);
    const params = scaled(init.params, 5);
    treeDispose(init.params as TensorTree);
    // The raw weight's norm, from the same weights in a layer without normalisation.
    const raw = sigmaMax(operatorMatrix(buildModel(plainDense), params, {}));
    expect(raw).toBeGreaterThan(2);
    const state = iterate(model, params, init.state, 30);
    const normalised = sigmaMax(operatorMatrix(model, params, state));
    expect(Math.abs(normalised - 1)).toBeLessThan(1e-2);
    treeDispose([params, init.state, state] as unknown as TensorTree);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps u as unit-norm state in training and leaves it unchanged in evaluation', () => {
    const before = tf.memory().numTensors;
    const model = buildModel(dense);
    expect(model.stateCount).toBe(6);
    expect(model.describeParams().find((d) => d.tree === 'state')).toMatchObject({
      path: 'dense_0.u',
      shape: [6],
      role: 'power-iteration',
    });
    const { params, state } = model.init(1);
    const x = tf.ones([2, 6]);
    const evaluated = model.apply(params, x, { training: false, state });
    const stored = (state.dense_0 as { u: tf.Tensor }).u;
    expect((evaluated.state.dense_0 as { u: tf.Tensor }).u.arraySync()).toEqual(stored.arraySync());
    const trained = model.apply(params, x, { training: true, state });
    const next = (trained.state.dense_0 as { u: tf.Tensor }).u;
    expect(tf.tidy(() => tf.norm(next).arraySync() as number)).toBeCloseTo(1, 5);
    expect(tf.tidy(() => tf.norm(tf.sub(next, stored)).arraySync() as number)).toBeGreaterThan(
      1e-3,
    );
    treeDispose([params, state, evaluated, trained] as unknown as TensorTree);
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('differentiates W/σ(W) with u fixed: the gradient matches central differences', () => {
    const before = tf.memory().numTensors;
    const model = buildModel(dense);
    const { params, state } = model.init(7);
    const x = tf.tidy(() => tf.reshape(tf.linspace(-1, 1, 12), [2, 6]));
    const c = tf.tidy(() => tf.reshape(tf.linspace(0.5, -0.7, 8), [2, 4]));
    const W = (params.dense_0 as { W: tf.Tensor2D }).W;
    const loss = (w: tf.Tensor): tf.Scalar =>
      tf.tidy(() => {
        const { y } = model.apply({ dense_0: { W: w } }, x, { training: false, state });
        return tf.sum(tf.mul(y, c)) as tf.Scalar;
      });
    const grad = tf.grad((w: tf.Tensor) => loss(w))(W);
    const g = grad.arraySync() as number[][];
    const w0 = W.arraySync() as number[][];
    const eps = 1e-2;
    for (const [i, j] of [
      [0, 0],
      [2, 1],
      [5, 3],
      [4, 2],
    ] as const) {
      const at = (delta: number): number =>
        tf.tidy(() => {
          const shifted = w0.map((row, a) =>
            row.map((v, b) => (a === i && b === j ? v + delta : v)),
          );
          return loss(tf.tensor2d(shifted)).arraySync() as number;
        });
      const fd = (at(eps) - at(-eps)) / (2 * eps);
      expect(Math.abs((g[i]?.[j] as number) - fd)).toBeLessThan(2e-3 + 1e-2 * Math.abs(fd));
    }
    treeDispose([params, state, grad, x, c] as unknown as TensorTree);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('spectral normalisation of a conv layer', () => {
  for (const [stride, padding] of [
    [1, 'same'],
    [2, 'same'],
    [1, 'valid'],
  ] as const) {
    it(`normalises the convolution operator (stride ${stride}, '${padding}'): σ_max of its matrix is 1 (SVD)`, () => {
      const before = tf.memory().numTensors;
      const conv: ModelConfig = {
        input: [5, 5, 2],
        layers: [
          { type: 'conv', channels: 3, stride, padding, useBias: false, spectralNorm: true },
        ],
      };
      const plain: ModelConfig = {
        input: [5, 5, 2],
        layers: [{ type: 'conv', channels: 3, stride, padding, useBias: false }],
      };
      const model = buildModel(conv);
      const init = model.init(11);
      const params = scaled(init.params, 4);
      treeDispose(init.params as TensorTree);
      const raw = sigmaMax(operatorMatrix(buildModel(plain), params, {}));
      // The reshaped-kernel surrogate [k·k·in, out] has another norm than the operator.
      const K = (params.conv_0 as { K: tf.Tensor }).K;
      const surrogate = sigmaMax(tf.tidy(() => tf.reshape(K, [18, 3]).arraySync() as number[][]));
      expect(Math.abs(raw - surrogate)).toBeGreaterThan(1e-2);
      expect(raw).toBeGreaterThan(2);
      const state = iterate(model, params, init.state, 60);
      const normalised = sigmaMax(operatorMatrix(model, params, state));
      expect(Math.abs(normalised - 1)).toBeLessThan(1e-2);
      treeDispose([params, init.state, state] as unknown as TensorTree);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

describe('spectral normalisation state in saved models', () => {
  it('survives save and load exactly: the loaded u equals the saved one and iterates alike', async () => {
    const config: ModelConfig = {
      input: [4, 4, 1],
      layers: [
        { type: 'conv', channels: 2, activation: 'leakyRelu', spectralNorm: true },
        { type: 'flatten' },
        { type: 'dense', units: 1, spectralNorm: true },
      ],
    };
    const model = buildModel(config);
    const init = model.init(5);
    const state = iterate(model, init.params, init.state, 3);
    const file = join(dir, 'sn.runge');
    await saveModel(file, config, { params: init.params, state });
    const loaded = await loadModel(file);
    const flat = (s: ModelState): number[][] =>
      ['conv_0', 'dense_2'].map((k) =>
        Array.from((s[k] as { u: tf.Tensor }).u.dataSync() as Float32Array),
      );
    expect(flat(loaded.state)).toEqual(flat(state));
    const a = iterate(model, init.params, state, 2);
    const b = iterate(loaded.model, loaded.params, loaded.state, 2);
    expect(flat(b)).toEqual(flat(a));
    treeDispose([init, state, loaded.params, loaded.state, a, b] as unknown as TensorTree);
  });
});

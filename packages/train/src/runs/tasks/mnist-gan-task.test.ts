// The GAN and WGAN tasks on digits: the spectrally normalised conv critic's operator norms against an independent power iteration, and tiny runs whose generator moves toward the data and whose critic is not constant, with their sample grids.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModel, type Model, type ModelParams, type ModelState } from '@runge/architectures';
import { Rng, type TensorTree, treeDispose } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveRunConfig } from '../resolve-run-config.js';
import { runTraining } from '../run-training.js';
import { ganNetworks } from './gan-networks.js';
import { generateSamples } from './gan-problem.js';

const backend = (process.env.RUNGE_TEST_BACKEND ?? 'cpu') as 'cpu' | 'wasm';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'runge-mnist-gan-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * The largest singular value of the matrix `A` (rows), in float64: power iteration on `AᵀA`
 * (the smaller Gram matrix) from a fixed start, `σ = √(vᵀ AᵀA v)` for the unit iterate `v`.
 */
function sigmaMax(rows: readonly Float32Array[]): number {
  const m = rows.length;
  const n = (rows[0] as Float32Array).length;
  const small = Math.min(m, n);
  const at = (i: number, j: number): number =>
    m <= n ? ((rows[i] as Float32Array)[j] as number) : ((rows[j] as Float32Array)[i] as number);
  const big = Math.max(m, n);
  // Gram matrix of the smaller side: G = A Aᵀ or AᵀA (same non-zero spectrum).
  const gram = new Float64Array(small * small);
  for (let i = 0; i < small; i++) {
    for (let j = i; j < small; j++) {
      let s = 0;
      for (let k = 0; k < big; k++) s += at(i, k) * at(j, k);
      gram[i * small + j] = s;
      gram[j * small + i] = s;
    }
  }
  let v = Float64Array.from({ length: small }, (_, i) => Math.sin(i + 1) + 1.5);
  let lambda = 0;
  for (let it = 0; it < 3000; it++) {
    const w = new Float64Array(small);
    for (let i = 0; i < small; i++) {
      let s = 0;
      for (let j = 0; j < small; j++) s += (gram[i * small + j] as number) * (v[j] as number);
      w[i] = s;
    }
    const norm = Math.sqrt(w.reduce((s, x) => s + x * x, 0));
    lambda = w.reduce((s, x, i) => s + x * (v[i] as number), 0);
    v = w.map((x) => x / norm);
  }
  return Math.sqrt(lambda);
}

/**
 * The matrix of one layer's weight operator after normalisation, on one example: the layer
 * rebuilt without bias and activation, applied (evaluation mode, its stored `u`) to every unit
 * input; row `i` is the flattened output for the `i`-th unit input.
 */
function layerMatrix(model: Model, index: number, params: ModelParams, state: ModelState) {
  const layer = model.layers[index] as Model['layers'][number];
  const linear = buildModel({
    input: [...layer.inputShape],
    layers: [{ ...layer.config, activation: 'linear', useBias: false } as never],
  });
  const n = layer.inputShape.reduce((a, b) => a * b, 1);
  const { K, W } = params[layer.name] as { K?: tf.Tensor; W?: tf.Tensor };
  const weight = (K ? { K } : { W }) as TensorTree;
  const y = tf.tidy(() => {
    const basis = tf.reshape(tf.eye(n), [n, ...layer.inputShape]);
    return tf.reshape(
      linear.apply({ [layer.name]: weight }, basis, {
        training: false,
        state: { [layer.name]: state[layer.name] as TensorTree },
      }).y,
      [n, -1],
    );
  });
  const values = y.dataSync() as Float32Array;
  const width = y.shape[1] as number;
  y.dispose();
  return Array.from({ length: n }, (_, i) => values.subarray(i * width, (i + 1) * width));
}

describe('the wgan-mnist critic', () => {
  it('is spectrally normalised layer by layer: each conv and dense operator has σ_max 1 within 1e-2', () => {
    const before = tf.memory().numTensors;
    const config = resolveRunConfig({ task: 'wgan-mnist', generative: { filters: 2 } });
    const critic = buildModel(ganNetworks(config, [28, 28, 1]).critic);
    expect(critic.layers.map((l) => l.type)).toEqual(['conv', 'conv', 'flatten', 'dense']);
    const { params, state } = critic.init(5);
    // Let the power iteration settle: training-mode passes advance every layer's u once.
    const x = tf.zeros([1, 28, 28, 1]);
    let current = state;
    for (let k = 0; k < 150; k++) {
      const out = critic.apply(params, x, { training: true, state: current });
      out.y.dispose();
      treeDispose(current as TensorTree);
      current = out.state;
    }
    for (const index of [0, 1, 3]) {
      const sigma = sigmaMax(layerMatrix(critic, index, params, current));
      expect(Math.abs(sigma - 1)).toBeLessThan(1e-2);
    }
    treeDispose([params, current, x] as unknown as TensorTree);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('tiny gan-mnist and wgan-mnist runs', () => {
  for (const task of ['gan-mnist', 'wgan-mnist'] as const) {
    it(`${task}: the generator's mean pixel moves toward the data's, the critic is not constant, and each epoch writes an 8 × 8 PNG grid`, async () => {
      const input = {
        task,
        backend,
        threads: 1,
        seed: 2,
        data: { limit: 160, testLimit: 32, validation: 0.2 },
        generative: { latent: 8, filters: 2 },
        train: { epochs: 2, batchSize: 16, lr: 0.005 },
      };
      const out = join(dir, task);
      const result = await runTraining(input, { dir: out });
      const report = result.summary.report as Record<string, number | string>;
      // The untrained generator, initialised as the run's (first split of the seed's generator).
      const config = resolveRunConfig(input);
      const generator = buildModel(ganNetworks(config, [28, 28, 1]).generator);
      const init = generator.init(Rng.fromSeed(config.seed).split());
      const samples = generateSamples(
        { generator: { model: generator, params: init.params, state: init.state } },
        256,
        11,
      );
      const untrained = tf.tidy(() => tf.mean(samples).dataSync()[0] as number);
      treeDispose([init.params, init.state, samples] as unknown as TensorTree);
      const realMean = report.realMean as number;
      const gapBefore = Math.abs(untrained - realMean);
      // A sigmoid head near 0 gives pixels near ½; the digits' mean pixel is about 0.13.
      expect(gapBefore).toBeGreaterThan(0.2);
      expect(report.meanGap as number).toBeLessThan(0.5 * gapBefore);
      expect(Math.abs((report.generatedMean as number) - realMean)).toBeCloseTo(
        report.meanGap as number,
        10,
      );
      // A critic collapsed to a constant has zero spread over real and generated digits.
      expect(report.criticSpread as number).toBeGreaterThan(1e-3);
      for (const epoch of ['001', '002']) {
        const png = PNG.sync.read(
          await readFile(join(out, 'samples', `samples-epoch-${epoch}.png`)),
        );
        // 8 columns and rows of 28-pixel digits with 1 pixel of padding around each.
        expect([png.width, png.height]).toEqual([8 * 29 + 1, 8 * 29 + 1]);
      }
      expect(report.samples).toBe(join(out, 'samples', 'samples.png'));
    });
  }
});

describe('generative.network', () => {
  it('defaults to the convolutional players on digits and the MLPs elsewhere, and each task refuses kinds it does not build', () => {
    expect(resolveRunConfig({ task: 'gan-mnist' }).generative.network).toBe('conv');
    expect(resolveRunConfig({ task: 'wgan-mnist' }).generative.network).toBe('conv');
    expect(resolveRunConfig({ task: 'vae-mnist' }).generative.network).toBe('mlp');
    expect(resolveRunConfig({ task: 'gan-gbm' }).generative.network).toBe('mlp');
    expect(() => resolveRunConfig({ task: 'gan-gbm', generative: { network: 'conv' } })).toThrow(
      /generative.network 'conv': the gan-gbm task builds 'mlp' or 'ode' networks/,
    );
    expect(() => resolveRunConfig({ task: 'vae-mnist', generative: { network: 'ode' } })).toThrow(
      /the vae-mnist task builds 'mlp' or 'conv' networks/,
    );
    expect(() =>
      resolveRunConfig({ task: 'gan-mnist', generative: { gradientPenalty: 10 } }),
    ).toThrow(/applies to the WGAN critic/);
    expect(() => resolveRunConfig({ task: 'wgan-mnist', data: { source: 'gbm' } })).toThrow(
      /the wgan-mnist task learns MNIST digits \(mnist, idx\)/,
    );
    expect(() => resolveRunConfig({ task: 'gan-mnist', generative: { network: 'gru' } })).toThrow(
      /mlp.*conv.*ode/,
    );
  });
});

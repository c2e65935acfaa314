// The GAN and WGAN tasks: the critic's gradient penalty against finite differences, and a wgan-gbm run resumed from its checkpoint with the spectral-normalisation state intact.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModel } from '@runge/architectures';
import { gradientPenalty } from '@runge/losses';
import { loadTrees, Rng, type TensorTree, treeDispose, treeEntries } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveRunConfig } from '../resolve-run-config.js';
import { resumeRun, runTraining } from '../run-training.js';
import { ganNetworks } from './gan-networks.js';

const backend = (process.env.RUNGE_TEST_BACKEND ?? 'cpu') as 'cpu' | 'wasm';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'runge-gan-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const small = { latent: 4, hidden: 16, depth: 1 };

describe('the WGAN critic', () => {
  it('has the gradient penalty λ·mean((‖∇D(x̂)‖ − 1)²) of its finite-difference input gradient', () => {
    const before = tf.memory().numTensors;
    const config = resolveRunConfig({ task: 'wgan-gbm', generative: small });
    const critic = buildModel(ganNetworks(config, [4]).critic);
    const { params, state } = critic.init(2);
    const D = (x: tf.Tensor) => critic.apply(params, x, { training: false, state }).y;
    const real = tf.tensor2d([
      [0.3, -1.2, 0.8, 2.0],
      [1.5, 0.1, -0.4, 0.2],
      [-0.7, 0.9, 1.1, -1.6],
    ]);
    const fake = tf.tensor2d([
      [-0.2, 0.4, 0.0, 0.5],
      [0.6, -0.8, 1.3, -0.1],
      [1.0, 1.0, -1.0, 0.3],
    ]);
    const penalty = gradientPenalty(D, real, fake, Rng.fromSeed(9), { weight: 10 });
    // The same interpolates: one ε per sample from a generator in the same state.
    const eps = Rng.fromSeed(9).uniform([3, 1]);
    const xhat = tf.tidy(() => tf.add(tf.mul(eps, real), tf.mul(tf.sub(1, eps), fake)));
    const points = xhat.arraySync() as number[][];
    const score = (x: number[]): number =>
      tf.tidy(() => (D(tf.tensor2d([x])).dataSync()[0] as number) ?? Number.NaN);
    const h = 1e-4;
    let sum = 0;
    for (const x of points) {
      const g = x.map((_, k) => {
        const up = x.map((v, j) => (j === k ? v + h : v));
        const down = x.map((v, j) => (j === k ? v - h : v));
        return (score(up) - score(down)) / (2 * h);
      });
      const norm = Math.sqrt(g.reduce((s, v) => s + v * v, 0));
      sum += (norm - 1) ** 2;
    }
    const expected = (10 * sum) / points.length;
    expect(expected).toBeGreaterThan(1e-3);
    expect(Math.abs((penalty.dataSync()[0] as number) - expected)).toBeLessThan(5e-3 * expected);
    treeDispose([params, state, real, fake, penalty, eps, xhat] as unknown as TensorTree);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('the wgan-gbm run', () => {
  const input = {
    task: 'wgan-gbm',
    backend,
    threads: 1,
    seed: 3,
    data: { validation: 0 },
    generative: { latent: 2, hidden: 8, depth: 1, gbm: { paths: 100, steps: 4 } },
    train: { epochs: 2, batchSize: 16, optimizer: 'adam', lr: 0.005, schedule: 'constant' },
  };

  it('resumed from its checkpoint ends with the same parameters and power-iteration vectors; reports moments, KS and the paths plot', async () => {
    const straight = await runTraining(input, { dir: join(dir, 'straight') });
    const first = await runTraining(
      { ...input, train: { ...input.train, epochs: 1 } },
      { dir: join(dir, 'resumed') },
    );
    expect(first.summary.epochs).toBe(1);
    const resumed = await resumeRun(join(dir, 'resumed'), { epochs: 2 });
    expect(resumed.summary.epochs).toBe(2);
    const read = async (d: string) => {
      const archive = await loadTrees(join(d, 'checkpoint.ckpt'));
      const trees = archive.trees as { params: TensorTree; state: TensorTree };
      const flat = (t: TensorTree) =>
        Object.fromEntries(treeEntries(t).map(([p, v]) => [p, Array.from(v.dataSync())]));
      const out = { params: flat(trees.params), state: flat(trees.state) };
      treeDispose(archive.trees as TensorTree);
      return out;
    };
    const a = await read(join(dir, 'straight'));
    const b = await read(join(dir, 'resumed'));
    expect(Object.keys(a.state).sort()).toEqual(['critic.dense_0.u', 'critic.dense_1.u']);
    expect(b.state).toEqual(a.state);
    expect(b.params).toEqual(a.params);
    const report = straight.summary.report as Record<string, unknown>;
    expect(report).toMatchObject({
      real: { mean: expect.any(Number), variance: expect.any(Number), lag1: expect.any(Number) },
      generated: {
        mean: expect.any(Number),
        variance: expect.any(Number),
        lag1: expect.any(Number),
      },
    });
    expect(report.ks).toBeGreaterThan(0);
    expect(report.ks).toBeLessThanOrEqual(1);
    const svg = await readFile(join(dir, 'straight', 'plots', 'paths.svg'), 'utf8');
    expect(svg).toContain('<svg');
  });
});

// The VAE: the Gaussian KL against Monte Carlo, the ELBO of a linear Gaussian model against the bound worked out by hand, and a tiny vae-mnist run whose ELBO rises and whose pictures are written.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModel, type ModelParams } from '@runge/architectures';
import { gaussianKl } from '@runge/losses';
import { Rng, type TensorTree, treeDispose } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../run-events.js';
import { runTraining } from '../run-training.js';
import { type VaeNetworks, vaeNegativeElbo } from './vae-mnist-task.js';

const backend = (process.env.RUNGE_TEST_BACKEND ?? 'cpu') as 'cpu' | 'wasm';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'runge-vae-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Mean and standard error of a list of numbers. */
function meanAndError(values: readonly number[]): { mean: number; se: number } {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
  return { mean, se: Math.sqrt(variance / n) };
}

describe('the Gaussian KL', () => {
  it('in closed form agrees with the Monte-Carlo mean of log q(z) − log p(z) within 3 standard errors', () => {
    const before = tf.memory().numTensors;
    const mu = [0.7, -1.3, 0.2];
    const logVar = [-0.5, 0.4, -1.6];
    const closed = tf.tidy(
      () => gaussianKl(tf.tensor2d([mu]), tf.tensor2d([logVar])).dataSync()[0] as number,
    );
    // KL = ½ Σ (μ² + s² − 1 − log s²), by hand.
    const byHand =
      0.5 *
      mu.reduce(
        (s, m, j) => s + m * m + Math.exp(logVar[j] as number) - 1 - (logVar[j] as number),
        0,
      );
    expect(closed).toBeCloseTo(byHand, 5);
    // z = μ + s ε; log q(z) − log p(z) = Σ_j [−½ ε_j² − ½ log s_j² + ½ z_j²].
    const rng = Rng.fromSeed(21);
    const samples: number[] = [];
    for (let k = 0; k < 20000; k++) {
      let v = 0;
      mu.forEach((m, j) => {
        const lv = logVar[j] as number;
        const eps = rng.nextNormal();
        const z = m + Math.exp(0.5 * lv) * eps;
        v += -0.5 * eps * eps - 0.5 * lv + 0.5 * z * z;
      });
      samples.push(v);
    }
    const { mean, se } = meanAndError(samples);
    expect(Math.abs(mean - closed)).toBeLessThan(3 * se);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('the ELBO of a linear Gaussian VAE', () => {
  // Decoder p(x | z) = N(w z + d, σ²), prior z ~ N(0, 1): p(x) = N(d, w² + σ²), and the exact
  // posterior is N(w (x − d)/(w² + σ²), σ²/(w² + σ²)).
  const w = 1.5;
  const d = 0.3;
  const sigma = 0.8;
  const xs = [0.5, -1.2, 2.0];
  const encoder = buildModel({ input: [1], layers: [{ type: 'dense', units: 2 }] });
  const decoder = buildModel({ input: [1], layers: [{ type: 'dense', units: 1 }] });
  const nets: VaeNetworks = { encoder, decoder };

  /** Monte-Carlo mean and standard error of −ELBO for q(z | x) = N(a x + c, s²). */
  function estimate(a: number, c: number, logS2: number): { mean: number; se: number } {
    const params = {
      encoder: { dense_0: { W: tf.tensor2d([[a, 0]]), b: tf.tensor1d([c, logS2]) } },
      decoder: { dense_0: { W: tf.tensor2d([[w]]), b: tf.tensor1d([d]) } },
    } as unknown as { encoder: ModelParams; decoder: ModelParams };
    const x = tf.tensor2d(Array.from({ length: 300 }, (_, i) => [xs[i % 3] as number]));
    const rng = Rng.fromSeed(5);
    const means: number[] = [];
    for (let k = 0; k < 40; k++) {
      means.push(
        tf.tidy(
          () =>
            vaeNegativeElbo(nets, params, x, rng, 'gaussian', sigma).loss.dataSync()[0] as number,
        ),
      );
    }
    treeDispose([params, x] as unknown as TensorTree);
    return meanAndError(means);
  }

  it('equals −log p(x) (hand-computed) when q is the exact posterior', () => {
    const before = tf.memory().numTensors;
    const total = w * w + sigma * sigma;
    const logPx =
      xs.reduce((s, x) => s - 0.5 * Math.log(2 * Math.PI * total) - (x - d) ** 2 / (2 * total), 0) /
      xs.length;
    const { mean, se } = estimate(w / total, (-w * d) / total, Math.log((sigma * sigma) / total));
    expect(Math.abs(mean + logPx)).toBeLessThan(3 * se + 1e-4);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('equals the hand-computed bound E_q[log p(x | z)] − KL for another q, which lies below log p(x)', () => {
    const [a, c, logS2] = [0.2, 0.1, Math.log(0.5)];
    const s2 = Math.exp(logS2);
    // E_q log p(x|z) = −½ log(2πσ²) − ((x − d − w μ)² + w² s²)/(2σ²); KL = ½(μ² + s² − 1 − log s²).
    const bound =
      xs.reduce((sum, x) => {
        const mu = a * x + c;
        const expectedLog =
          -0.5 * Math.log(2 * Math.PI * sigma * sigma) -
          ((x - d - w * mu) ** 2 + w * w * s2) / (2 * sigma * sigma);
        const kl = 0.5 * (mu * mu + s2 - 1 - logS2);
        return sum + expectedLog - kl;
      }, 0) / xs.length;
    const total = w * w + sigma * sigma;
    const logPx =
      xs.reduce((s, x) => s - 0.5 * Math.log(2 * Math.PI * total) - (x - d) ** 2 / (2 * total), 0) /
      xs.length;
    expect(bound).toBeLessThan(logPx - 0.05);
    const { mean, se } = estimate(a, c, logS2);
    expect(Math.abs(mean + bound)).toBeLessThan(3 * se + 1e-4);
  });
});

describe('the vae-mnist run', () => {
  it('raises the validation ELBO over a tiny training and writes the sample grids and the 2-D latent map', async () => {
    const events: RunEvent[] = [];
    const out = join(dir, 'vae');
    const result = await runTraining(
      {
        task: 'vae-mnist',
        backend,
        threads: 1,
        data: { limit: 400, testLimit: 100, validation: 0.25 },
        generative: { latent: 2, hidden: 32, depth: 1 },
        train: { epochs: 3, batchSize: 32, optimizer: 'adam', lr: 0.003 },
      },
      { dir: out, onEvent: (e) => events.push(e) },
    );
    const elbos = events.flatMap((e) =>
      e.type === 'train' && e.event.type === 'epoch-end'
        ? [e.event.record.validation?.elbo as number]
        : [],
    );
    expect(elbos).toHaveLength(3);
    // 784 Bernoulli pixels: an untrained decoder is near 784·log 2 ≈ 543 nats; training lowers it.
    expect(elbos[2] as number).toBeGreaterThan((elbos[0] as number) + 5);
    const report = result.summary.report as { elbo: number; kl: number };
    expect(report.elbo).toBeLessThan(0);
    expect(report.kl).toBeGreaterThan(0);
    for (const file of [
      'samples/prior-epoch-001.png',
      'samples/prior-epoch-003.png',
      'samples/reconstructions.png',
      'samples/prior-samples.png',
    ]) {
      const bytes = await readFile(join(out, file));
      // The PNG signature: 0x89 'P' 'N' 'G'.
      expect([...bytes.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    }
    expect(await readFile(join(out, 'plots', 'latent.svg'), 'utf8')).toContain('<svg');
  });
});

describe('the vae-mnist run with convolutional networks', () => {
  it('builds a strided-conv encoder and an upsampling decoder and raises the validation ELBO', async () => {
    const events: RunEvent[] = [];
    const result = await runTraining(
      {
        task: 'vae-mnist',
        backend,
        threads: 1,
        data: { limit: 120, testLimit: 20, validation: 0.2 },
        generative: { network: 'conv', latent: 4, filters: 2 },
        train: { epochs: 2, batchSize: 8, optimizer: 'adam', lr: 0.02 },
      },
      { dir: join(dir, 'vae-conv'), onEvent: (e) => events.push(e) },
    );
    expect(result.networks.encoder?.layers.map((l) => l.type)).toEqual([
      'conv',
      'conv',
      'flatten',
      'dense',
    ]);
    expect(result.networks.decoder?.layers.map((l) => l.type)).toContain('upsample');
    const elbos = events.flatMap((e) =>
      e.type === 'train' && e.event.type === 'epoch-end'
        ? [e.event.record.validation?.elbo as number]
        : [],
    );
    expect(elbos).toHaveLength(2);
    // An untrained decoder's logits near 0 cost about 784·log 2 ≈ 543 nats; training lowers it.
    expect(elbos[1] as number).toBeGreaterThan((elbos[0] as number) + 5);
    expect(elbos[1] as number).toBeGreaterThan(-784 * Math.log(2));
  });
});

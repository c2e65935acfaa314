// The black-scholes task: from σ = 0.4, r = 0.01 its finite-difference network recovers the market's σ = 0.2 and r = 0.05 from closed-form quotes, and reports its errors under 1 % price noise.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { runTraining } from '../run-training.js';

const backend = (process.env.RUNGE_TEST_BACKEND ?? 'cpu') as 'cpu' | 'wasm';

async function recover(noise: number): Promise<Record<string, number>> {
  const { summary } = await runTraining(
    {
      task: 'black-scholes',
      backend,
      threads: 1,
      data: { points: 200, validation: 0 },
      application: { blackScholes: { noise } },
      train: { epochs: 16, batchSize: 16, optimizer: 'adam', lr: 0.2 },
    },
    { dir: false },
  );
  return summary.report as Record<string, number>;
}

describe('black-scholes task', () => {
  it('recovers σ and r within 5 % from noiseless quotes, starting 100 % and 80 % off', async () => {
    const before = tf.memory().numTensors;
    const report = await recover(0);
    expect(report.sigmaTrue).toBe(0.2);
    expect(report.rTrue).toBe(0.05);
    expect(report.sigmaError).toBeCloseTo(Math.abs((report.sigma as number) - 0.2) / 0.2, 12);
    expect(report.rError).toBeCloseTo(Math.abs((report.r as number) - 0.05) / 0.05, 12);
    expect(report.sigmaError).toBeLessThan(0.05);
    expect(report.rError).toBeLessThan(0.05);
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  it('reports its errors under 1 % relative price noise', async () => {
    const report = await recover(0.01);
    expect(report.noise).toBe(0.01);
    expect(report.sigmaError).toBeLessThan(0.05);
    expect(report.rError).toBeLessThan(0.05);
  }, 60_000);
});

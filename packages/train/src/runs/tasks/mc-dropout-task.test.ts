// The mc-dropout task: Monte-Carlo dropout intervals on a noisy curve, calibrated on the validation set, cover 90 % ± 3 % of 1200 held-out targets.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { runTraining } from '../run-training.js';

const backend = (process.env.RUNGE_TEST_BACKEND ?? 'cpu') as 'cpu' | 'wasm';

describe('mc-dropout task', () => {
  it('its 90 % interval covers 90 % ± 3 % of held-out targets', async () => {
    const before = tf.memory().numTensors;
    const { summary } = await runTraining(
      {
        task: 'mc-dropout',
        backend,
        threads: 1,
        // 6000 points: 1200 test targets (a coverage's standard error 0.9 %), 1440 to calibrate on
        data: { points: 6000, validation: 0.3 },
        model: { channels: 32 },
        application: { mcDropout: { samples: 20 } },
        train: { epochs: 4, batchSize: 128, optimizer: 'adam', lr: 0.02 },
      },
      { dir: false },
    );
    const report = summary.report as Record<string, number>;
    expect(summary.test?.examples).toBe(1200);
    expect(report.level).toBe(0.9);
    expect(report.coverage).toBeGreaterThan(0.87);
    expect(report.coverage).toBeLessThan(0.93);
    // the interval is no wider than the noise alone would need twice over: 2·1.645·0.1 = 0.33
    expect(report.width).toBeGreaterThan(0.2);
    expect(report.width).toBeLessThan(1.2);
    expect(report.rawCoverage).toBeGreaterThanOrEqual(0);
    expect(report.rawCoverage).toBeLessThanOrEqual(1);
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);
});

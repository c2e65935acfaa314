// The input-selection task: on a sparse regression with 3 relevant inputs among 20, the L1 layer's weights rank the relevant ones first and shrink the rest towards zero.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { resolveRunConfig } from '../resolve-run-config.js';
import { runTraining } from '../run-training.js';

const backend = (process.env.RUNGE_TEST_BACKEND ?? 'cpu') as 'cpu' | 'wasm';

describe('input-selection task', () => {
  it('ranks the relevant features first, far above the irrelevant ones', async () => {
    const before = tf.memory().numTensors;
    const { summary } = await runTraining(
      {
        task: 'input-selection',
        backend,
        threads: 1,
        data: { points: 500, validation: 0 },
        train: { epochs: 20, batchSize: 32, optimizer: 'adam', lr: 0.01 },
      },
      { dir: false },
    );
    const report = summary.report as {
      relevant: number[];
      ranking: number[];
      weights: number[];
      recall: number;
    };
    expect(report.relevant).toHaveLength(3);
    expect(report.ranking).toHaveLength(20);
    expect([...report.ranking].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i),
    );
    expect([...report.ranking.slice(0, 3)].sort((a, b) => a - b)).toEqual(report.relevant);
    expect(report.recall).toBe(1);
    // every relevant weight at least ten times every irrelevant one (all start at 1)
    expect(report.weights[2] as number).toBeGreaterThan(10 * (report.weights[3] as number));
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  it('refuses more relevant features than features, naming both settings', () => {
    expect(() =>
      resolveRunConfig({
        task: 'input-selection',
        application: { inputSelection: { features: 4, relevant: 5 } },
      }),
    ).toThrow(/application\.inputSelection\.relevant 5 is more than the 4 features/);
  });
});

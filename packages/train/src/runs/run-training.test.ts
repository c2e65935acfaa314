// runTraining as a library: a run in memory with its events, and a multilevel schedule on a regression task (depth levels on feature vectors).
import { describe, expect, it } from 'vitest';
import type { RunEvent } from './run-events.js';
import { runTraining } from './run-training.js';

const backend = (process.env.RUNGE_TEST_BACKEND ?? 'cpu') as 'cpu' | 'wasm';

describe('runTraining', () => {
  it('trains a spiral classifier in memory: events in order, a summary with the test accuracy', async () => {
    const events: RunEvent[] = [];
    const result = await runTraining(
      {
        backend,
        threads: 1,
        data: { source: 'spirals', points: 600, classes: 2 },
        model: { preset: 'toy', dynamics: 'antisymmetric', steps: 4, channels: 8 },
        train: { epochs: 30, batchSize: 32, optimizer: 'adam', lr: 0.02 },
      },
      { dir: false, onEvent: (e) => events.push(e) },
    );
    expect(result.dir).toBeUndefined();
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('run');
    expect(types.at(-1)).toBe('summary');
    expect(types.filter((t) => t === 'level-start')).toHaveLength(1);
    const epochs = events.flatMap((e) =>
      e.type === 'train' && e.event.type === 'epoch-end' ? [e.event.record.epoch] : [],
    );
    expect(epochs).toEqual(Array.from({ length: 30 }, (_, i) => i));
    const { summary } = result;
    expect(summary).toMatchObject({ task: 'classification', reason: 'completed', epochs: 30 });
    // 600 points: a fifth for the test set
    expect(summary.test?.examples).toBe(120);
    // two spirals are learnable: far better than the 50 % of a constant guess
    expect(summary.test?.accuracy).toBeGreaterThan(0.75);
  });

  it('multilevel on a regression task: depth levels N = 2 → 4 → 8 on the peaks surface, the error falls', async () => {
    const events: RunEvent[] = [];
    const result = await runTraining(
      {
        task: 'regression',
        backend,
        threads: 1,
        data: { source: 'peaks', points: 800 },
        model: { preset: 'toy', steps: 8, channels: 16 },
        train: { epochs: 9, multilevel: 3, batchSize: 32, optimizer: 'adam', lr: 0.01 },
      },
      { dir: false, onEvent: (e) => events.push(e) },
    );
    const { summary } = result;
    expect(summary.levels?.map((l) => [l.resolution, l.steps, l.epochs])).toEqual([
      [null, { ode_1: 2 }, 3],
      [null, { ode_1: 4 }, 3],
      [null, { ode_1: 8 }, 3],
    ]);
    const records = events.flatMap((e) =>
      e.type === 'train' && e.event.type === 'epoch-end' ? [e.event.record] : [],
    );
    expect(records.map((r) => r.epoch)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const first = records[0]?.validation?.rmse as number;
    const last = records.at(-1)?.validation?.rmse as number;
    expect(last).toBeLessThan(0.85 * first);
    // R² = 1 − SSE/SST: above ½, the model explains most of the surface's variance
    expect(summary.test?.r2).toBeGreaterThan(0.5);
    expect(summary.test?.rmse).toBeCloseTo(Math.sqrt(summary.test?.loss as number), 6);
  });
});

// The sequence-mnist task: every cell learns from the digits read row by row, with clipped gradients whose norm is reported per epoch.
import { CELL_NAMES } from '@runge/architectures';
import { describe, expect, it } from 'vitest';
import { resolveRunConfig } from '../resolve-run-config.js';
import type { RunEvent } from '../run-events.js';
import { runTraining } from '../run-training.js';

const backend = (process.env.RUNGE_TEST_BACKEND ?? 'cpu') as 'cpu' | 'wasm';

describe('sequence-mnist', () => {
  for (const cell of CELL_NAMES) {
    it(`${cell}: a tiny run's training loss falls, and the gradient norm is reported per epoch`, async () => {
      const events: RunEvent[] = [];
      const result = await runTraining(
        {
          task: 'sequence-mnist',
          backend,
          threads: 1,
          data: { limit: 64, validation: 0, testLimit: 32 },
          sequence: { cell, units: 8 },
          train: { epochs: 3, batchSize: 16, lr: 0.02 },
        },
        { dir: false, onEvent: (e) => events.push(e) },
      );
      const records = events.flatMap((e) =>
        e.type === 'train' && e.event.type === 'epoch-end' ? [e.event.record] : [],
      );
      expect(records).toHaveLength(3);
      const first = records[0]?.train.loss as number;
      const last = records.at(-1)?.train.loss as number;
      // From about ln 10 ≈ 2.30 for ten classes, the loss must go down.
      expect(first).toBeGreaterThan(2);
      expect(last).toBeLessThan(first - 0.05);
      for (const r of records) expect(r.train.gradNorm).toBeGreaterThan(0);
      expect(result.summary.test?.examples).toBe(32);
      expect(result.summary.task).toBe('sequence-mnist');
    });
  }

  it('takes its defaults, which a configuration overrides, and checks its settings', () => {
    const config = resolveRunConfig({ task: 'sequence-mnist', train: { epochs: 2 } });
    expect(config.train).toMatchObject({ optimizer: 'adam', batchSize: 128, epochs: 2 });
    expect(config.sequence).toMatchObject({ cell: 'lstm', units: 128 });
    expect(resolveRunConfig({}).train.optimizer).toBe('momentum');
    expect(() =>
      resolveRunConfig({ task: 'sequence-mnist', sequence: { cell: 'gru', epsilon: 0.1 } }),
    ).toThrow(/sequence.epsilon applies to the antisymmetric/);
    expect(() => resolveRunConfig({ task: 'sequence-mnist', data: { source: 'spirals' } })).toThrow(
      /not a set of digit images/,
    );
    expect(() => resolveRunConfig({ task: 'sequence-mnist', sequence: { cell: 'elman' } })).toThrow(
      /sequence.cell/,
    );
  });
});

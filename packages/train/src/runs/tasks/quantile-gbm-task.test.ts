// The quantile-gbm task: trained with the pinball loss, its P90 and P99 cover the held-out paths' next values at the nominal rates.
import { describe, expect, it } from 'vitest';
import { runTraining } from '../run-training.js';

const backend = (process.env.RUNGE_TEST_BACKEND ?? 'cpu') as 'cpu' | 'wasm';

describe('quantile-gbm', () => {
  it('covers 90 % and 99 % of held-out next values within 2 points', async () => {
    // 500 paths of 40 returns, windows of 3: 100 held-out paths give 3700 test targets, so the
    // binomial standard error of a coverage is √(0.09/3700) ≈ 0.5 points at 90 % and
    // √(0.0099/3700) ≈ 0.16 points at 99 %; 2 points is about 4 of them (and 12) even with the
    // error of a quantile learned from 14 800 training targets added.
    const result = await runTraining(
      {
        task: 'quantile-gbm',
        backend,
        threads: 1,
        data: { points: 500, validation: 0 },
        sequence: { cell: 'gru', units: 4, window: 3 },
        train: { epochs: 3, batchSize: 256, lr: 0.05 },
      },
      { dir: false },
    );
    const { summary } = result;
    expect(summary.test?.examples).toBe(100 * 37);
    const c90 = summary.test?.coverage90 as number;
    const c99 = summary.test?.coverage99 as number;
    expect(Math.abs(c90 - 0.9)).toBeLessThan(0.02);
    expect(Math.abs(c99 - 0.99)).toBeLessThan(0.02);
    expect(summary.report).toMatchObject({ nominal: [0.9, 0.99] });
  });
});

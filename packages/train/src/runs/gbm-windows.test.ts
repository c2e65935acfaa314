// The GBM windows: sizes per path, held-out paths, the log-return scale of the formula, consecutive windows sliding by one step.
import { disposeDataset } from '@runge/datasets';
import { describe, expect, it } from 'vitest';
import { GBM_MARKET, gbmWindows } from './gbm-windows.js';
import { resolveRunConfig } from './resolve-run-config.js';

describe('gbmWindows', () => {
  it('cuts paths into windows and next returns, on the scale σ√Δ of GBM log-returns', () => {
    const config = resolveRunConfig({
      task: 'quantile-gbm',
      data: { points: 400, validation: 0.25 },
      sequence: { window: 4, pathSteps: 40 },
    });
    const w = gbmWindows(config);
    // 80 test paths, 80 validation paths (a quarter of 320), 240 training paths; 36 windows each
    expect(w.test.size).toBe(80 * 36);
    expect(w.validation?.size).toBe(80 * 36);
    expect(w.train.size).toBe(240 * 36);
    expect(w.train.x.shape).toEqual([240 * 36, 4, 1]);
    expect(w.testPaths).toHaveLength(80);
    // The log-returns of GBM have standard deviation σ√Δ; 9600 of them estimate it within about
    // 1/√(2·9600) ≈ 0.7 % (relative), so 3 % is a wide margin.
    const exact = GBM_MARKET.sigma * Math.sqrt(GBM_MARKET.dt);
    expect(Math.abs(w.std / exact - 1)).toBeLessThan(0.03);
    // Consecutive windows of a path slide by one step: window k+1 is window k without its first
    // return, followed by target k.
    const x = w.train.x.arraySync() as number[][][];
    const y = w.train.y.arraySync() as number[][];
    for (const k of [0, 7, 34]) {
      const next = (x[k + 1] as number[][]).map((v) => v[0]);
      const want = [...(x[k] as number[][]).slice(1).map((v) => v[0]), y[k]?.[0]];
      next.forEach((v, i) => {
        expect(v).toBeCloseTo(want[i] as number, 6);
      });
    }
    // The first held-out window is the first returns of the first held-out path, standardised.
    const prices = w.testPaths[0] as number[];
    const z0 = (Math.log((prices[1] as number) / (prices[0] as number)) - w.mean) / w.std;
    expect((w.test.x.arraySync() as number[][][])[0]?.[0]?.[0]).toBeCloseTo(z0, 3);
    for (const ds of [w.train, w.test, w.validation]) if (ds) disposeDataset(ds);
  });

  it('keeps the first data.limit / data.testLimit windows, and rejects paths too short', () => {
    const w = gbmWindows(
      resolveRunConfig({
        task: 'quantile-gbm',
        data: { points: 50, validation: 0, limit: 100, testLimit: 30 },
        sequence: { window: 3, pathSteps: 10 },
      }),
    );
    expect([w.train.size, w.test.size, w.validation]).toEqual([100, 30, undefined]);
    for (const ds of [w.train, w.test]) disposeDataset(ds);
    expect(() =>
      gbmWindows(
        resolveRunConfig({ task: 'quantile-gbm', sequence: { window: 10, pathSteps: 10 } }),
      ),
    ).toThrow(/pathSteps/);
  });
});

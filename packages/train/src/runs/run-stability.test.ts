// Stable training in runs: model.stability on a preset's block, the per-epoch max |R(hλ)| in the validation metrics (exact on a linear block), and a stable run that stays in its region.
import { buildModel, type ModelConfig } from '@runge/architectures';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { tensorSource } from '../tensor-source.js';
import { resolveRunConfig } from './resolve-run-config.js';
import type { RunEvent } from './run-events.js';
import { monitoredExamples, runStabilitySchema, stableBlockSettings } from './run-stability.js';
import { runTraining } from './run-training.js';
import { withStabilityMetrics } from './stability-metrics.js';

const backend = (process.env.RUNGE_TEST_BACKEND ?? 'cpu') as 'cpu' | 'wasm';

describe('model.stability', () => {
  it('off by default; spectral-bound sets the block’s stability, and for antisymmetric Euler the damping γ = 0.95·r/h = 7.6 at N = 8', () => {
    const off = runStabilitySchema.parse(undefined);
    expect(off).toEqual({ mode: 'none' });
    // The report is on with stable training, off without, unless asked for.
    expect(monitoredExamples(off)).toBe(0);
    expect(monitoredExamples({ mode: 'none', monitor: 2 })).toBe(2);
    expect(stableBlockSettings(off, { dynamics: 'resnet', steps: 8 })).toEqual({});
    const on = runStabilitySchema.parse({ mode: 'spectral-bound' });
    expect(monitoredExamples(on)).toBe(1);
    expect(stableBlockSettings(on, { dynamics: 'antisymmetric', steps: 8 })).toEqual({
      stability: { mode: 'spectral-bound' },
      damping: expect.closeTo(7.6, 6),
    });
    // RK4 holds an imaginary interval: no damping needed.
    expect(
      stableBlockSettings(on, { dynamics: 'antisymmetric', integrator: 'rk4', steps: 8 }),
    ).toEqual({ stability: { mode: 'spectral-bound' } });
  });

  it("shift 'full' reaches a ResNet block; on a parabolic block it is refused, naming the setting", () => {
    const full = runStabilitySchema.parse({ mode: 'spectral-bound', shift: 'full' });
    const settings = stableBlockSettings(full, { dynamics: 'resnet', steps: 8 });
    expect(settings).toEqual({ stability: { mode: 'spectral-bound', shift: 'full' } });
    const block = (dynamics: string): ModelConfig => ({
      name: 'one',
      input: [2],
      layers: [
        {
          type: 'ode',
          dynamics,
          steps: 8,
          ...stableBlockSettings(full, { dynamics: dynamics as 'resnet', steps: 8 }),
        } as ModelConfig['layers'][number],
      ],
    });
    const resnet = buildModel(block('resnet'));
    expect((resnet.layers[0]!.config.stability as { shift: string }).shift).toBe('full');
    expect(() => buildModel(block('parabolic'))).toThrow(/stability.shift: only ResNet blocks/);
    expect(() => runStabilitySchema.parse({ mode: 'spectral-bound', shift: 'half' })).toThrow();
  });
});

describe('checkRunStability', () => {
  it('refuses stable training with a fractal block, a model.config, or multilevel training, naming the setting', () => {
    const stable = { model: { stability: { mode: 'spectral-bound' } } };
    expect(() => resolveRunConfig({ ...stable, train: { epochs: 2, multilevel: 2 } })).toThrow(
      /model.stability 'spectral-bound' does not combine with train.multilevel/,
    );
    expect(() =>
      resolveRunConfig({ model: { dynamics: 'fractal', stability: { mode: 'spectral-bound' } } }),
    ).toThrow(/fractal block has none/);
    expect(resolveRunConfig(stable).model.stability.mode).toBe('spectral-bound');
  });

  it("refuses the bound's settings without the bound, and a shift on a block that has none", () => {
    for (const setting of [{ margin: 0.5 }, { iterations: 5 }, { shift: 'full' }]) {
      expect(() => resolveRunConfig({ model: { stability: setting } })).toThrow(
        /sets the bound of stable training, which is off; add model.stability.mode spectral-bound/,
      );
    }
    expect(() =>
      resolveRunConfig({
        model: { dynamics: 'parabolic', stability: { mode: 'spectral-bound', shift: 'full' } },
      }),
    ).toThrow(/model.stability.shift chooses the shift .*'parabolic' block has none/);
    // What is allowed: the report alone, and a shift on a bounded ResNet block.
    expect(resolveRunConfig({ model: { stability: { monitor: 2 } } }).model.stability.monitor).toBe(
      2,
    );
    expect(
      resolveRunConfig({ model: { stability: { mode: 'spectral-bound', shift: 'full' } } }).model
        .stability.shift,
    ).toBe('full');
  });
});

describe('withStabilityMetrics', () => {
  it('a linear block f = K Y with eig(K) = {−1, 2} and h = 1/4: max |1 + hλ| = 1.5 is reported as maxGrowth.ode', () => {
    const config: ModelConfig = {
      name: 'lin',
      input: [2],
      layers: [
        {
          type: 'ode',
          name: 'ode',
          dynamics: 'resnet',
          steps: 4,
          controls: 1,
          activation: 'linear',
        },
      ],
    };
    const model = buildModel(config);
    // K = [[−1, 3], [0, 2]] (upper triangular, eigenvalues −1 and 2) as y·K: pass Kᵀ's rows.
    const params = {
      ode: {
        K: tf.tensor3d([
          [
            [-1, 0],
            [3, 2],
          ],
        ]),
        b: tf.zeros([1, 2]),
      },
    };
    const x = tf.tensor2d([
      [0.3, -0.2],
      [1, 0.5],
      [0, 0],
    ]);
    const y = tf.tensor1d([0, 1, 0], 'int32');
    const before = tf.memory().numTensors;
    const problem = withStabilityMetrics(
      { params: { model: params }, players: [], evaluate: () => ({ loss: 0 }) },
      { model },
      2,
    );
    const metrics = problem.evaluate?.({ model: params }, {}, tensorSource({ x, y }));
    expect(metrics?.loss).toBe(0);
    expect(metrics?.['maxGrowth.ode']).toBeCloseTo(1.5, 5);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([params.ode.K, params.ode.b, x, y]);
  });

  it('a stable toy run on spirals: max |R(hλ)| ≤ 1 + 1e-3 after every epoch', async () => {
    const events: RunEvent[] = [];
    await runTraining(
      {
        backend,
        threads: 1,
        data: { source: 'spirals', points: 300, classes: 2 },
        model: {
          preset: 'toy',
          dynamics: 'resnet',
          steps: 4,
          channels: 6,
          stability: { mode: 'spectral-bound' },
        },
        train: { epochs: 4, batchSize: 32, optimizer: 'adam', lr: 0.05 },
      },
      { dir: false, onEvent: (e) => events.push(e) },
    );
    const growth = events.flatMap((e) =>
      e.type === 'train' && e.event.type === 'epoch-end'
        ? [e.event.record.validation?.['maxGrowth.ode_1'] as number]
        : [],
    );
    expect(growth).toHaveLength(4);
    for (const g of growth) {
      expect(Number.isFinite(g)).toBe(true);
      expect(g).toBeLessThanOrEqual(1 + 1e-3);
    }
  });
});

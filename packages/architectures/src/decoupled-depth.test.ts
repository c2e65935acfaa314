import { Rng, type TensorTree, treeDispose } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { distance, norm } from '../test/helpers.js';
import type { LayerConfig, ModelConfig } from './layer-config.js';
import { buildModel, type ModelParams } from './model.js';
import { toyConfig } from './presets.js';
import { withSteps } from './with-steps.js';

function withMethod(config: ModelConfig, method: 'euler' | 'rk4'): ModelConfig {
  return {
    ...config,
    layers: config.layers.map((l): LayerConfig => (l.type === 'ode' ? { ...l, method } : l)),
  };
}

/** Least-squares slope of log(error) against log(h). */
function slope(hs: number[], errors: number[]): number {
  const xs = hs.map(Math.log);
  const ys = errors.map(Math.log);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const num = xs.reduce((s, x, i) => s + (x - mx) * ((ys[i] as number) - my), 0);
  const den = xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  return num / den;
}

describe('decoupled depth: N steps on M = 8 weight sets', () => {
  it.each(['resnet', 'antisymmetric', 'parabolic'] as const)(
    'a %s model initialised with N = 8 runs with N = 16…128 and converges with order 1 (Euler)',
    (dynamics) => {
      const config = toyConfig({ dynamics, width: 6, steps: 8, T: 2, activation: 'tanh' });
      const { params } = buildModel(config).init(4);
      const x = Rng.fromSeed(5).normal([16, 2], { std: 1.5 });
      const run = (c: ModelConfig, p: ModelParams = params): tf.Tensor =>
        buildModel(c).apply(p, x).y;
      // the continuous-time limit, approximated by RK4 with many steps on the same weights
      const reference = run(withMethod(withSteps(config, 512), 'rk4'));
      const ns = [8, 16, 32, 64, 128];
      const outputs = ns.map((n) => run(withSteps(config, n)));
      const errors = outputs.map((y) => distance(y, reference) / norm(reference));
      for (let i = 1; i < errors.length; i++) {
        const ratio = (errors[i - 1] as number) / (errors[i] as number);
        expect(ratio).toBeGreaterThan(1.6);
        expect(ratio).toBeLessThan(2.5);
      }
      expect(
        Math.abs(
          slope(
            ns.map((n) => 2 / n),
            errors,
          ) - 1,
        ),
      ).toBeLessThan(0.2);
      // the same weights with RK4 and 16 steps beat Euler with 128
      const rk4 = run(withMethod(withSteps(config, 16), 'rk4'));
      expect(distance(rk4, reference) / norm(reference)).toBeLessThan((errors[4] as number) / 10);
      tf.dispose([x, reference, rk4, ...outputs]);
      treeDispose(params as TensorTree);
    },
  );

  it('the number of weights depends on M, not on N', () => {
    const config = toyConfig({ dynamics: 'resnet', width: 6, steps: 8 });
    const count = (c: ModelConfig) => buildModel(c).parameterCount;
    expect(count(withSteps(config, 64))).toBe(count(config));
    const { params } = buildModel(config).init(4);
    // the same 8 stacked weight sets do not fit a 4-point grid
    const fewer: ModelConfig = {
      ...config,
      layers: config.layers.map(
        (l): LayerConfig => (l.type === 'ode' ? { ...l, steps: 64, controls: 4 } : l),
      ),
    };
    expect(count(fewer)).toBe(count(config) - 4 * (6 * 6 + 6));
    expect(() => buildModel(fewer).checkVariables({ params })).toThrow(
      /expected shape \[4, 6, 6\]/,
    );
    treeDispose(params as TensorTree);
  });
});

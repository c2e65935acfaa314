// stepCycleApply: update s runs every ODE block with cycle[s mod length] · N Euler steps, checked on y' = a·y where Euler's N steps give (1 + aT/N)^N.
import { buildModel, type ModelConfig } from '@runge/architectures';
import { ConfigError, type TensorTree, treeDispose } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { resolveRunConfig } from './resolve-run-config.js';
import { stepCycleApply } from './step-cycle.js';

/** One linear ResNet block f = K·Y + b on 3 features, N = 2 steps, T = 1, one weight set. */
const config: ModelConfig = {
  name: 'linear-ode',
  input: [3],
  layers: [{ type: 'ode', dynamics: 'resnet', steps: 2, controls: 1, T: 1, activation: 'linear' }],
};

/** The block's parameters with K = a·I and b = 0 (both conventions of K·Y agree on a·I). */
function scaledIdentity(params: TensorTree, a: number): TensorTree {
  const out: Record<string, TensorTree> = {};
  for (const [key, value] of Object.entries(params as Record<string, TensorTree>)) {
    if (value instanceof tf.Tensor) {
      const shape = value.shape;
      const square = shape.length >= 2 && shape.at(-1) === shape.at(-2);
      out[key] = square
        ? tf.tidy(() =>
            tf.mul(
              tf.broadcastTo(tf.reshape(tf.eye(shape.at(-1) as number), shape.slice(-2)), shape),
              a,
            ),
          )
        : tf.zerosLike(value);
    } else {
      out[key] = scaledIdentity(value, a);
    }
  }
  return out;
}

describe('stepCycleApply', () => {
  it('cycles N, 2N, 3N: the outputs are (1 + a/(mN))^(mN) · x, in the order of the cycle', () => {
    const model = buildModel(config);
    const { params: init } = model.init(0);
    const a = 0.5;
    const params = scaledIdentity(init, a);
    const x = tf.tensor2d([[1, -2, 0.5]]);
    const at = stepCycleApply(model, [1, 2, 3]);
    expect(at).toBeDefined();
    for (let step = 0; step < 6; step++) {
      const m = [1, 2, 3][step % 3] as number;
      const N = 2 * m;
      const gain = (1 + a / N) ** N;
      const y = tf.tidy(() => {
        const out = at?.(step)(params as never, x, { training: true });
        return (out instanceof tf.Tensor ? out : (out as { y: tf.Tensor }).y).dataSync();
      });
      expect(Array.from(y).map((v) => v / gain)).toEqual(
        [1, -2, 0.5].map((v) => expect.closeTo(v, 5)),
      );
    }
    // The gains differ enough for the check to tell the multiples apart: 1.5625, 1.6018, 1.6150.
    expect((1 + a / 4) ** 4 - (1 + a / 2) ** 2).toBeGreaterThan(0.03);
    treeDispose([init, params]);
    x.dispose();
  });

  it('is undefined when every multiple is 1, and refuses a model without an ODE block', () => {
    const model = buildModel(config);
    expect(stepCycleApply(model, [1])).toBeUndefined();
    expect(stepCycleApply(model, [1, 1])).toBeUndefined();
    const dense = buildModel({ name: 'mlp', input: [3], layers: [{ type: 'dense', units: 2 }] });
    expect(() => stepCycleApply(dense, [1, 2])).toThrow(ConfigError);
    expect(() => stepCycleApply(dense, [1, 2])).toThrow(/has none; remove it/);
  });

  it('is refused, before any data is read, where it would be ignored or misread', () => {
    const cycle = { train: { stepCycle: [1, 2] } };
    expect(resolveRunConfig(cycle).train.stepCycle).toEqual([1, 2]);
    expect(
      resolveRunConfig({ task: 'regression', data: { source: 'peaks' }, ...cycle }),
    ).toBeDefined();
    // A task that trains its networks its own way (a VAE) does not take it.
    expect(() => resolveRunConfig({ task: 'vae-mnist', ...cycle })).toThrow(
      /train\.stepCycle 1,2 .*'vae-mnist' task .* does not take it/,
    );
    // A second-order optimiser assumes one objective across its iterations.
    expect(() => resolveRunConfig({ train: { stepCycle: [1, 2], optimizer: 'lbfgs' } })).toThrow(
      /lbfgs cannot follow .*use sgd, momentum, adam/,
    );
    // A fractal block has no time steps.
    expect(() => resolveRunConfig({ model: { dynamics: 'fractal' }, ...cycle })).toThrow(
      /a fractal block has none/,
    );
    // A cycle of ones changes nothing and is accepted everywhere.
    expect(resolveRunConfig({ task: 'vae-mnist', train: { stepCycle: [1] } })).toBeDefined();
  });
});

import { buildModel, toyConfig, w1Config } from '@runge/architectures';
import { describe, expect, it } from 'vitest';
import { OPTIMIZER_NAMES, SECOND_ORDER_OPTIMIZERS } from './optimizer-names.js';
import { resolveRunConfig } from './resolve-run-config.js';
import { optimizerOf } from './run-optimizer.js';

describe('second-order optimisers in run configurations', () => {
  it('are named in the one list of optimisers and built with their settings', () => {
    for (const name of SECOND_ORDER_OPTIMIZERS) expect(OPTIMIZER_NAMES).toContain(name);
    const lbfgs = optimizerOf(
      resolveRunConfig({
        train: { optimizer: 'lbfgs', secondOrder: { iterations: 7, memory: 3 } },
      }),
    );
    expect(lbfgs.config).toEqual({ type: 'lbfgs', iterations: 7, memory: 3 });
    const gn = optimizerOf(resolveRunConfig({ train: { optimizer: 'gauss-newton' } }));
    expect(gn.config).toEqual({
      type: 'gauss-newton',
      iterations: 1,
      cgIterations: 20,
      damping: 1e-4,
    });
  });

  it("varpro solves for the model's last dense layer and needs the model", () => {
    const config = resolveRunConfig({ train: { optimizer: 'varpro' } });
    const opt = optimizerOf(config, buildModel(w1Config()));
    expect(opt.config).toEqual({ type: 'varpro', head: 'dense_4', outer: 'sgd' });
    expect(() => optimizerOf(config)).toThrow(/needs the run's model/);
    const noHead = buildModel({
      ...toyConfig(),
      layers: [...toyConfig().layers, { type: 'activation', activation: 'tanh' }],
    } as never);
    expect(() => optimizerOf(config, noHead)).toThrow(/must be a dense layer with a bias/);
  });

  it('rejects settings out of range with the key named', () => {
    expect(() =>
      resolveRunConfig({ train: { optimizer: 'lbfgs', secondOrder: { memory: 0 } } }),
    ).toThrow(/memory/);
  });
});

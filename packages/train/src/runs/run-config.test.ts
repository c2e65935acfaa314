// Run configurations: defaults, the rules between settings (each from the package that owns it), and messages that name what is wrong.
import { buildModel } from '@runge/architectures';
import { ConfigError } from '@runge/tensor-ops';
import { describe, expect, it } from 'vitest';
import { resolveRunConfig } from './resolve-run-config.js';
import { scheduleLevels } from './run-levels.js';
import { modelConfigFor } from './run-model.js';

function refusal(input: unknown): string {
  try {
    resolveRunConfig(input);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected the configuration to be refused');
}

describe('per-level epochs and a classifier on a fixed grid', () => {
  it('the number of levels follows multilevelEpochs, and each level gets its epochs', () => {
    const config = resolveRunConfig({
      model: { poolTo: 14 },
      train: { epochs: 12, multilevelEpochs: [8, 2, 1, 1] },
    });
    const model = modelConfigFor(config, { inputShape: [112, 112, 1], outputs: 10 });
    expect(scheduleLevels(config, { inputShape: [112, 112, 1] }, model)).toEqual([
      { resolution: 14, epochs: 8 },
      { resolution: 28, epochs: 2 },
      { resolution: 56, epochs: 1 },
      { resolution: 112, epochs: 1 },
    ]);
    // an 8×8 pool to 14×14: 16·14·14 features, the same 50 090 parameters as W1 at 28×28
    expect(buildModel(model).parameterCount).toBe(50090);
    const at28 = modelConfigFor(config, { inputShape: [28, 28, 1], outputs: 10 });
    expect(buildModel(at28).parameterCount).toBe(50090);
  });
});

describe('resolveRunConfig', () => {
  it('an empty configuration is the W1 ODE-ResNet on the embedded MNIST digits, 12 epochs', () => {
    const config = resolveRunConfig(undefined);
    expect(config).toMatchObject({
      task: 'classification',
      backend: 'auto',
      data: { source: 'mnist', validation: 0.1 },
      model: { preset: 'w1', dynamics: 'resnet', steps: 8, channels: 16, gradient: 'backprop' },
      train: { epochs: 12, batchSize: 64, optimizer: 'momentum', lr: 0.05, schedule: 'cosine' },
    });
    expect(config.model.integrator).toBeUndefined();
  });

  it('the integrator follows the dynamics: Hamiltonian blocks get leapfrog, and reversible gradients work without naming it', () => {
    const config = resolveRunConfig({
      model: { preset: 'toy', dynamics: 'hamiltonian', gradient: 'reversible' },
    });
    const model = buildModel(modelConfigFor(config, { inputShape: [2], outputs: 3 }));
    const ode = model.layers.find((l) => l.type === 'ode');
    expect(ode?.config).toMatchObject({
      dynamics: 'hamiltonian',
      method: 'leapfrog',
      gradient: 'reversible',
    });
  });

  it('refuses combinations the owners forbid, naming the settings', () => {
    expect(refusal({ model: { dynamics: 'hamiltonian', integrator: 'euler' } })).toMatch(
      /model\.integrator: 'hamiltonian' dynamics are integrated by 'leapfrog' only \(got 'euler'\)/,
    );
    expect(refusal({ model: { dynamics: 'resnet', integrator: 'leapfrog' } })).toMatch(
      /'leapfrog' integrates partitioned \('hamiltonian'\) dynamics only/,
    );
    expect(refusal({ model: { gradient: 'reversible' } })).toMatch(
      /model\.gradient: 'reversible' needs an exactly invertible scheme, method 'leapfrog'/,
    );
    expect(refusal({ model: { dynamics: 'fractal', integrator: 'rk4' } })).toMatch(
      /model\.integrator applies to ODE blocks; a fractal block has no time steps/,
    );
    expect(refusal({ model: { columns: 3 } })).toMatch(/model\.columns applies to fractal blocks/);
    expect(refusal({ train: { multilevel: 3, epochs: 2 } })).toMatch(
      /train\.multilevel 3 needs at least 3 epochs/,
    );
    expect(refusal({ train: { multilevelEpochs: [6, 2, 1, 1] } })).toMatch(
      /train\.multilevelEpochs 6,2,1,1 sums to 10 epochs but train\.epochs is 12; set train\.epochs to 10/,
    );
    expect(refusal({ train: { multilevel: 3, multilevelEpochs: [6, 6] } })).toMatch(
      /train\.multilevelEpochs gives 2 level\(s\) but train\.multilevel is 3/,
    );
    expect(refusal({ model: { preset: 'toy', poolTo: 7 }, data: { source: 'spirals' } })).toMatch(
      /the 'toy' preset takes feature vectors and has no pool/,
    );
    expect(refusal({ data: { source: 'idx' } })).toMatch(/'idx' needs data\.path/);
    expect(refusal({ task: 'regression', data: { source: 'spirals' } })).toMatch(
      /data\.source 'spirals' has no real-valued targets; the regression task learns from peaks/,
    );
  });

  it('says what was given: null (an empty file), NaN, an unknown key with the allowed ones', () => {
    expect(refusal(null)).toMatch(/expected an object of settings .* got null \(an empty file\?\)/);
    expect(refusal({ train: { lr: Number.NaN } })).toMatch(/train\.lr: .*\(got NaN\)/);
    expect(refusal({ train: { epochz: 3 } })).toMatch(
      /train\.epochz: unknown key \(allowed: epochs, batchSize/,
    );
    expect(refusal({ model: { gradient: { mode: 'checkpoint', every: 0 } } })).toMatch(
      /model\.gradient/,
    );
  });

  it('the checkpoint spacing is a setting of the checkpoint mode, given as an object', () => {
    const config = resolveRunConfig({ model: { gradient: { mode: 'checkpoint', every: 2 } } });
    const model = buildModel(modelConfigFor(config, { inputShape: [8, 8, 1], outputs: 10 }));
    expect(model.layers.find((l) => l.type === 'ode')?.config.gradient).toEqual({
      mode: 'checkpoint',
      every: 2,
    });
  });

  it('a fractal block replaces the preset ODE block', () => {
    const config = resolveRunConfig({ model: { dynamics: 'fractal', columns: 3 } });
    const model = buildModel(modelConfigFor(config, { inputShape: [8, 8, 1], outputs: 10 }));
    expect(model.layers.map((l) => l.type)).toEqual([
      'conv',
      'fractal',
      'pool',
      'flatten',
      'dense',
    ]);
    expect(model.layers[1]?.config.columns).toBe(3);
  });
});

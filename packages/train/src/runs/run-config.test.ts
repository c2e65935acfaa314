// Run configurations: defaults, the rules between settings (each from the package that owns it), and messages that name what is wrong.
import { buildModel } from '@runge/architectures';
import { ConfigError } from '@runge/tensor-ops';
import { describe, expect, it } from 'vitest';
import { resolveRunConfig } from './resolve-run-config.js';
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

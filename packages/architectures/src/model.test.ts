import {
  ConfigError,
  Rng,
  ShapeError,
  StructureError,
  type TensorTree,
  treeDispose,
  treeEntries,
  treeSize,
} from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { describeParams } from './describe-params.js';
import type { ModelConfig } from './layer-config.js';
import { buildModel, validateModelConfig } from './model.js';
import { toyConfig, w1Config } from './presets.js';
import { withSteps } from './with-steps.js';

describe('config validation', () => {
  const base = (layers: unknown[], input: unknown = [4]) =>
    ({ input, layers }) as unknown as ModelConfig;

  it.each([
    [
      'an unknown layer type',
      base([{ type: 'lstm', units: 4 }]),
      /layers\[0\]\.type: unknown "lstm"; expected one of 'conv', 'dense'/,
    ],
    ['a missing type', base([{ units: 4 }]), /layers\[0\]\.type: missing/],
    [
      'an unknown key',
      base([{ type: 'dense', units: 4, unit: 3 }]),
      /layers\[0\] \(dense_0\): unknown key 'unit'; allowed keys: 'type', 'name', 'units'/,
    ],
    [
      'an unknown top-level key',
      { input: [4], layers: [{ type: 'flatten' }], epochs: 3 } as unknown as ModelConfig,
      /model config: unknown key 'epochs'/,
    ],
    [
      'an unknown activation',
      base([{ type: 'dense', units: 4, activation: 'gelu' }]),
      /activation: unknown "gelu"; expected one of 'relu'/,
    ],
    [
      'an unknown dynamics',
      base([{ type: 'ode', dynamics: 'elliptic', steps: 4 }]),
      /dynamics: unknown "elliptic"; expected one of 'resnet', 'resnet2', 'parabolic', 'antisymmetric', 'hamiltonian'/,
    ],
    [
      'non-integer steps',
      base([{ type: 'ode', dynamics: 'resnet', steps: 2.5 }]),
      /steps: expected an integer >= 1, got 2.5/,
    ],
    [
      'leapfrog for a non-partitioned dynamics',
      base([{ type: 'ode', dynamics: 'resnet', steps: 2, method: 'leapfrog' }]),
      /'leapfrog' integrates partitioned/,
    ],
    [
      'reversible gradients with Euler',
      base([{ type: 'ode', dynamics: 'resnet', steps: 2, gradient: 'reversible' }]),
      /layers\[0\] \(ode_0\)\.gradient: 'reversible' needs an exactly invertible scheme, method 'leapfrog'/,
    ],
    [
      'hamiltonian dynamics with Euler',
      base([{ type: 'ode', dynamics: 'hamiltonian', steps: 2, method: 'euler' }]),
      /method: 'hamiltonian' dynamics are integrated by 'leapfrog' only \(got 'euler'\)/,
    ],
    [
      'a checkpoint spacing with backprop',
      base([
        { type: 'ode', dynamics: 'resnet', steps: 2, gradient: { mode: 'backprop', every: 2 } },
      ]),
      /gradient: 'every' does not apply to mode 'backprop'/,
    ],
    [
      'damping on resnet dynamics',
      base([{ type: 'ode', dynamics: 'resnet', steps: 2, damping: 0.1 }]),
      /damping: applies to dynamics 'antisymmetric' only/,
    ],
    [
      'linear interpolation with one control',
      base([{ type: 'ode', dynamics: 'resnet', steps: 2, interpolation: 'linear', controls: 1 }]),
      /controls: expected an integer >= 2/,
    ],
    [
      'a conv on vectors',
      base([{ type: 'conv', channels: 3 }]),
      /needs image features \[H, W, C\], got \[4\]/,
    ],
    [
      'a dense layer on images',
      base([{ type: 'dense', units: 3 }], [4, 4, 1]),
      /add \{ "type": "flatten" \} before it/,
    ],
    [
      'a window larger than the map',
      base([{ type: 'pool', size: 5 }], [4, 4, 1]),
      /does not fit the input \[4, 4, 1\]/,
    ],
    [
      'duplicate names',
      base([
        { type: 'dense', units: 4, name: 'a' },
        { type: 'dense', units: 4, name: 'a' },
      ]),
      /'a' is already the name of layers\[0\]/,
    ],
    [
      'a bad input shape',
      base([{ type: 'flatten' }], [28, 28, 1, 1]),
      /input: expected 1 or 2 or 3 positive integers/,
    ],
    ['no layers', base([]), /layers: expected a non-empty array/],
  ])('rejects %s with a ConfigError that names it', (_what, config, message) => {
    expect(() => buildModel(config)).toThrow(ConfigError);
    expect(() => buildModel(config)).toThrow(message);
  });

  it('accepts and copies a valid config', () => {
    const config = w1Config();
    const copy = validateModelConfig(config);
    expect(copy).toEqual(config);
    expect(copy).not.toBe(config);
    expect(JSON.parse(JSON.stringify(copy))).toEqual(config);
  });
});

describe('W1 preset', () => {
  it('has exactly the parameters of the W1 benchmark model, counted by hand', () => {
    const model = buildModel(w1Config());
    const opening = 1 * 16 * 9 + 16;
    const residual = 8 * (16 * 16 * 9 + 16);
    const head = 3136 * 10 + 10;
    expect(model.parameterCount).toBe(opening + residual + head);
    const summary = model.summary();
    expect(summary.layers.map((l) => [l.name, l.parameterCount])).toEqual([
      ['conv_0', opening],
      ['ode_1', residual],
      ['pool_2', 0],
      ['flatten_3', 0],
      ['dense_4', head],
    ]);
    expect(summary.layers.map((l) => l.outputShape)).toEqual([
      [28, 28, 16],
      [28, 28, 16],
      [14, 14, 16],
      [3136],
      [10],
    ]);
    expect(summary.parameterCount).toBe(50090);
    expect(summary.table).toContain('ode_1');
    expect(summary.table).toContain('50,090');
    const { params, state } = model.init(0);
    expect(treeSize(params as TensorTree)).toBe(50090);
    expect(state).toEqual({});
    treeDispose(params as TensorTree);
  });

  it('runs h = 1/8 forward Euler steps Y ← Y + h·relu(conv_j(Y) + b_j) with separate weights', () => {
    const config = w1Config({ channels: 2, steps: 3, input: [6, 6, 1] });
    const model = buildModel(config);
    const { params } = model.init(1);
    const x = Rng.fromSeed(2).normal([2, 6, 6, 1]);
    const { y } = model.apply(params, x);
    const expected = tf.tidy(() => {
      const open = params.conv_0 as { K: tf.Tensor4D; b: tf.Tensor };
      let z = tf.relu(
        tf.add(tf.conv2d(x as tf.Tensor4D, open.K, 1, 'same'), open.b),
      ) as tf.Tensor4D;
      const Ks = tf.unstack((params.ode_1 as { K: tf.Tensor }).K);
      const bs = tf.unstack((params.ode_1 as { b: tf.Tensor }).b);
      for (let j = 0; j < 3; j++) {
        const f = tf.relu(
          tf.add(tf.conv2d(z, Ks[j] as tf.Tensor4D, 1, 'same'), bs[j] as tf.Tensor),
        );
        z = tf.add(z, tf.mul(1 / 3, f));
      }
      const pooled = tf.avgPool(z, 2, 2, 'valid');
      const head = params.dense_4 as { W: tf.Tensor2D; b: tf.Tensor };
      return tf.add(tf.matMul(tf.reshape(pooled, [2, 18]), head.W), head.b);
    });
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(y, expected))).dataSync()[0])).toBeLessThan(1e-5);
    tf.dispose([x, y, expected]);
    treeDispose(params as TensorTree);
  });

  it('the same config for 14×14 inputs only changes the head', () => {
    const coarse = buildModel(w1Config({ input: [14, 14, 1] }));
    const d = describeParams(coarse);
    expect(d.find((p) => p.path === 'dense_4.W')?.shape).toEqual([7 * 7 * 16, 10]);
    expect(d.find((p) => p.path === 'ode_1.K')?.shape).toEqual([8, 3, 3, 16, 16]);
  });

  it('describes how each parameter moves between resolutions', () => {
    const d = describeParams(w1Config());
    expect(d.map((p) => [p.path, p.role, p.inputSize])).toEqual([
      ['conv_0.K', 'conv-kernel', [28, 28]],
      ['conv_0.b', 'bias', [28, 28]],
      ['ode_1.K', 'conv-kernel-stack', [28, 28]],
      ['ode_1.b', 'control-stack', [28, 28]],
      ['dense_4.W', 'dense-on-map', null],
      ['dense_4.b', 'bias', null],
    ]);
    expect(d.find((p) => p.path === 'dense_4.W')?.map).toEqual({
      height: 14,
      width: 14,
      channels: 16,
    });
    expect(d.find((p) => p.path === 'ode_1.b')?.slice).toBe('bias');
    expect(d.find((p) => p.path === 'conv_0.K')?.stride).toBe(1);
  });
});

describe('models of every layer type', () => {
  const configs: ModelConfig[] = [
    w1Config({ channels: 2, steps: 2, input: [8, 8, 1] }),
    {
      name: 'everything',
      input: [8, 8, 2],
      layers: [
        { type: 'conv', channels: 3, activation: 'relu', name: 'open' },
        { type: 'batchnorm' },
        { type: 'ode', dynamics: 'parabolic', steps: 2, controls: 1, hidden: 4 },
        { type: 'ode', dynamics: 'antisymmetric', steps: 2, damping: 0.1, method: 'rk4' },
        { type: 'ode', dynamics: 'hamiltonian', steps: 2, interpolation: 'linear' },
        { type: 'conv', channels: 4, stride: 2, activation: 'selu' },
        { type: 'fractal', columns: 2 },
        { type: 'pool', mode: 'max', size: 2 },
        { type: 'dropout', rate: 0.2 },
        { type: 'flatten' },
        { type: 'dense', units: 6, activation: 'selu', init: 'lecun' },
        { type: 'ode', dynamics: 'resnet2', steps: 3, controls: 2, interpolation: 'linear' },
        { type: 'activation', activation: 'tanh' },
        { type: 'dense', units: 3 },
      ],
    },
    toyConfig({ dynamics: 'hamiltonian' }),
    toyConfig({ dynamics: 'fractal', columns: 3 }),
  ];

  it.each(configs)('$name: init matches the description, apply is leak-free', (config) => {
    const model = buildModel(config);
    const { params, state } = model.init(Rng.fromSeed(3));
    const described = model.describeParams();
    const entries = [
      ...treeEntries(params as TensorTree).map(([p, t]) => ['params', p, t.shape] as const),
      ...treeEntries(state as TensorTree).map(([p, t]) => ['state', p, t.shape] as const),
    ];
    expect(new Set(entries.map(([tree, p, s]) => `${tree}:${p}:${s.join('x')}`))).toEqual(
      new Set(described.map((d) => `${d.tree}:${d.path}:${d.shape.join('x')}`)),
    );
    expect(treeSize(params as TensorTree)).toBe(model.parameterCount);
    expect(model.summary().layers.reduce((n, l) => n + l.parameterCount, 0)).toBe(
      model.parameterCount,
    );
    const x = Rng.fromSeed(4).normal([3, ...config.input]);
    const before = tf.memory().numTensors;
    for (const training of [false, true]) {
      const { y, state: next } = model.apply(params, x, { training, rng: Rng.fromSeed(5), state });
      expect(y.shape).toEqual([3, ...model.outputShape]);
      expect(tf.memory().numTensors).toBe(before + 1 + entriesOf(next));
      tf.dispose(y);
      treeDispose(next as TensorTree);
    }
    expect(tf.memory().numTensors).toBe(before);
    model.checkVariables({ params, state });
    tf.dispose(x);
    treeDispose(params as TensorTree);
    treeDispose(state as TensorTree);
  });

  function entriesOf(tree: unknown): number {
    return treeEntries(tree as TensorTree).length;
  }

  it('rejects inputs of the wrong shape and missing parameters', () => {
    const model = buildModel(toyConfig());
    const { params } = model.init(0);
    const x = tf.zeros([2, 3]);
    expect(() => model.apply(params, x)).toThrow(ShapeError);
    expect(() => model.apply(params, x)).toThrow(/expected shape \[\*, 2\]/);
    const y = tf.zeros([2, 2]);
    const { ode_1: _, ...rest } = params;
    expect(() => model.apply(rest, y)).toThrow(StructureError);
    expect(() => model.apply(rest, y)).toThrow(/no entry 'ode_1'/);
    tf.dispose([x, y]);
    treeDispose(params as TensorTree);
  });
});

describe('withSteps', () => {
  it('changes N and keeps M, so the parameters keep their structure', () => {
    const config = w1Config({ steps: 8 });
    const deep = withSteps(config, 32);
    const ode = deep.layers[1] as { steps: number; controls: number };
    expect(ode.steps).toBe(32);
    expect(ode.controls).toBe(8);
    expect((config.layers[1] as { steps: number }).steps).toBe(8);
    const shapes = (c: ModelConfig) => describeParams(c).map((d) => [d.path, d.shape]);
    expect(shapes(deep)).toEqual(shapes(config));
  });

  it('can target named layers and rejects names of other layers', () => {
    const config = toyConfig();
    expect((withSteps(config, 4, { layers: ['ode_1'] }).layers[1] as { steps: number }).steps).toBe(
      4,
    );
    expect(() => withSteps(config, 4, { layers: ['dense_0'] })).toThrow(ConfigError);
    expect(() => withSteps(config, 0)).toThrow(/steps/);
  });
});

// Initialiser scales: the sample standard deviation of large dense and conv kernels is He
// √(2/fan_in), Glorot √(2/(fan_in + fan_out)) or LeCun √(1/fan_in), with fan_in = k·k·in and
// fan_out = k·k·out for a k×k convolution, to within a few standard errors.
import { type TensorTree, treeDispose } from '@runge/tensor-ops';
import type * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { buildModel, type InitializerName, type LayerConfig } from './index.js';

/** Sample mean and standard deviation (float64) of the kernel of the model's only layer. */
function kernelStats(input: number[], layer: LayerConfig, path: 'W' | 'K', seed: number) {
  const model = buildModel({ input, layers: [{ ...layer, name: 'only' }] });
  const { params, state } = model.init(seed);
  const kernel = (params.only as Record<string, tf.Tensor>)[path] as tf.Tensor;
  const values = kernel.dataSync();
  const shape = kernel.shape;
  treeDispose(params as TensorTree);
  treeDispose(state as TensorTree);
  const n = values.length;
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  return { shape, n, mean, std: Math.sqrt(squares / (n - 1)) };
}

const scale: Record<
  Exclude<InitializerName, 'zeros'>,
  (fanIn: number, fanOut: number) => number
> = {
  he: (fanIn) => Math.sqrt(2 / fanIn),
  glorot: (fanIn, fanOut) => Math.sqrt(2 / (fanIn + fanOut)),
  lecun: (fanIn) => Math.sqrt(1 / fanIn),
};

/**
 * For n independent N(0, σ²) draws the sample mean has standard error σ/√n and the sample
 * standard deviation σ/√(2(n − 1)); 4 standard errors is about 0.8% of σ for n ≈ 10⁵, while the
 * fans chosen below make every wrong fan (fan_out for fan_in, a missing k·k, in for out) move
 * σ by more than 10%.
 */
function expectNormal(stats: { n: number; mean: number; std: number }, sigma: number): void {
  expect(Math.abs(stats.mean)).toBeLessThan((4 * sigma) / Math.sqrt(stats.n));
  expect(Math.abs(stats.std - sigma)).toBeLessThan((4 * sigma) / Math.sqrt(2 * (stats.n - 1)));
}

describe('initialiser scales', () => {
  // dense: W is [d, units], fan_in = d = 400, fan_out = units = 300
  it.each(['he', 'glorot', 'lecun'] as const)('dense %s', (init) => {
    const stats = kernelStats([400], { type: 'dense', units: 300, init }, 'W', 1);
    expect(stats.shape).toEqual([400, 300]);
    expectNormal(stats, scale[init](400, 300));
  });

  // conv: K is [k, k, in, out] = [5, 5, 40, 50], fan_in = 25·40 = 1000, fan_out = 25·50 = 1250
  it.each(['he', 'glorot', 'lecun'] as const)('conv 5×5 %s', (init) => {
    const stats = kernelStats(
      [6, 6, 40],
      { type: 'conv', channels: 50, kernelSize: 5, init },
      'K',
      2,
    );
    expect(stats.shape).toEqual([5, 5, 40, 50]);
    expectNormal(stats, scale[init](1000, 1250));
  });

  it.each([
    ['relu', 'he'],
    ['leakyRelu', 'he'],
    ['elu', 'he'],
    ['selu', 'lecun'],
    ['tanh', 'glorot'],
    ['sigmoid', 'glorot'],
    ['linear', 'glorot'],
  ] as const)('a conv layer with %s activation defaults to %s', (activation, init) => {
    const stats = kernelStats(
      [6, 6, 40],
      { type: 'conv', channels: 50, kernelSize: 5, activation },
      'K',
      3,
    );
    expectNormal(stats, scale[init](1000, 1250));
  });

  it('the default of a dense layer follows its activation too (He for relu)', () => {
    const stats = kernelStats([400], { type: 'dense', units: 300, activation: 'relu' }, 'W', 4);
    expectNormal(stats, scale.he(400, 300));
  });

  it("'zeros' gives zeros", () => {
    const stats = kernelStats([40], { type: 'dense', units: 30, init: 'zeros' }, 'W', 5);
    expect(stats.mean).toBe(0);
    expect(stats.std).toBe(0);
  });
});

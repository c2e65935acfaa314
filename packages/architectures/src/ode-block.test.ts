import { Rng, type TensorTree, treeDispose, treeEntries, valueAndGrad } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { distance, norm } from '../test/helpers.js';
import { buildModel, type ModelParams } from './model.js';
import type { OdeLayerConfig } from './ode-block.js';
import { ODE_DYNAMICS } from './ode-dynamics.js';

describe('ODE block', () => {
  const cases = ODE_DYNAMICS.flatMap((dynamics) =>
    ([[5], [4, 4, 3]] as const).map((input) => ({ dynamics, input: [...input] })),
  );

  it.each(cases)('$dynamics on $input keeps the feature shape', ({ dynamics, input }) => {
    const model = buildModel({ input, layers: [{ type: 'ode', dynamics, steps: 3, controls: 2 }] });
    const { params } = model.init(0);
    const shapes = Object.fromEntries(
      treeEntries(params as TensorTree).map(([p, t]) => [p, t.shape]),
    );
    const c = input[input.length - 1] as number;
    const kernel = input.length === 3 ? [2, 3, 3, c, c] : [2, c, c];
    if (dynamics === 'resnet2') {
      expect(shapes['ode_0.K1']).toEqual(kernel);
      expect(shapes['ode_0.b2']).toEqual([2, c]);
    } else {
      expect(shapes['ode_0.K']).toEqual(kernel);
      expect(shapes['ode_0.b']).toEqual([2, c]);
    }
    const x = Rng.fromSeed(1).normal([2, ...input]);
    const { y } = model.apply(params, x);
    expect(y.shape).toEqual([2, ...input]);
    tf.dispose([x, y]);
    treeDispose(params as TensorTree);
  });

  function residual(x: tf.Tensor, K: tf.Tensor, b: tf.Tensor, h: number): tf.Tensor {
    return tf.add(x, tf.mul(h, tf.relu(tf.add(tf.matMul(x as tf.Tensor2D, K as tf.Tensor2D), b))));
  }

  it('constant controls: with N = 4 and M = 2, steps 0–1 use θ₀ and steps 2–3 use θ₁', () => {
    const model = buildModel({
      input: [3],
      layers: [{ type: 'ode', dynamics: 'resnet', steps: 4, controls: 2 }],
    });
    const { params } = model.init(2);
    const x = Rng.fromSeed(3).normal([4, 3]);
    const { y } = model.apply(params, x);
    const expected = tf.tidy(() => {
      const [K0, K1] = tf.unstack((params.ode_0 as { K: tf.Tensor }).K) as [tf.Tensor, tf.Tensor];
      const [b0, b1] = tf.unstack((params.ode_0 as { b: tf.Tensor }).b) as [tf.Tensor, tf.Tensor];
      let z = x;
      for (const [K, b] of [
        [K0, b0],
        [K0, b0],
        [K1, b1],
        [K1, b1],
      ] as const)
        z = residual(z, K, b, 0.25);
      return z;
    });
    expect(distance(y, expected)).toBeLessThan(1e-5 * norm(expected));
    tf.dispose([x, y, expected]);
    treeDispose(params as TensorTree);
  });

  it('linear controls: with N = 2 and M = 2, step 1 (t = ½) uses (θ₀ + θ₁)/2', () => {
    const model = buildModel({
      input: [3],
      layers: [{ type: 'ode', dynamics: 'resnet', steps: 2, controls: 2, interpolation: 'linear' }],
    });
    const { params } = model.init(2);
    const x = Rng.fromSeed(3).normal([4, 3]);
    const { y } = model.apply(params, x);
    const expected = tf.tidy(() => {
      const [K0, K1] = tf.unstack((params.ode_0 as { K: tf.Tensor }).K) as [tf.Tensor, tf.Tensor];
      const [b0, b1] = tf.unstack((params.ode_0 as { b: tf.Tensor }).b) as [tf.Tensor, tf.Tensor];
      const z = residual(x, K0, b0, 0.5);
      return residual(z, tf.mul(0.5, tf.add(K0, K1)), tf.mul(0.5, tf.add(b0, b1)), 0.5);
    });
    expect(distance(y, expected)).toBeLessThan(1e-5 * norm(expected));
    tf.dispose([x, y, expected]);
    treeDispose(params as TensorTree);
  });

  function gradients(layer: Partial<OdeLayerConfig>): number[] {
    const model = buildModel({
      input: [4, 4, 2],
      layers: [
        {
          type: 'ode',
          dynamics: 'resnet',
          steps: 8,
          activation: 'tanh',
          ...layer,
        } as OdeLayerConfig,
      ],
    });
    const { params } = model.init(6);
    const x = Rng.fromSeed(7).normal([2, 4, 4, 2]);
    const { value, grads } = valueAndGrad((p: ModelParams) =>
      tf.tidy(() => tf.sum(tf.square(model.apply(p, x).y)) as tf.Scalar),
    )(params);
    const flat = treeEntries(grads as TensorTree).flatMap(([, g]) => Array.from(g.dataSync()));
    tf.dispose([x, value]);
    treeDispose(grads as TensorTree);
    treeDispose(params as TensorTree);
    return flat;
  }

  it("passes the gradient mode on: 'checkpoint' equals 'backprop', 'adjoint' approximates it", () => {
    const exact = gradients({ gradient: 'backprop' });
    const checkpoint = gradients({ gradient: { mode: 'checkpoint', every: 3 } });
    const adjoint = gradients({ gradient: 'adjoint' });
    const scale = Math.sqrt(exact.reduce((s, v) => s + v * v, 0));
    const diff = (a: number[]) =>
      Math.sqrt(a.reduce((s, v, i) => s + (v - (exact[i] as number)) ** 2, 0));
    expect(scale).toBeGreaterThan(1e-3);
    expect(diff(checkpoint)).toBeLessThan(1e-5 * scale);
    // the continuous adjoint differs from the discrete gradient by O(h)
    expect(diff(adjoint)).toBeLessThan(0.2 * scale);
    expect(diff(adjoint)).toBeGreaterThan(1e-6 * scale);
  });
});

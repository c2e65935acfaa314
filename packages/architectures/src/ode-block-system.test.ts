import { jacobianSpectrum } from '@runge/integrators';
import { Rng, type TensorTree, treeDispose, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { distance, norm } from '../test/helpers.js';
import type { Layer } from './layer.js';
import { buildModel } from './model.js';
import { odeBlockSystem } from './ode-block-system.js';

type Complex = { re: number; im: number };

function eigenvaluesOf(m: number[][]): Complex[] {
  const evd = new EigenvalueDecomposition(new Matrix(m));
  return evd.realEigenvalues.map((re, i) => ({ re, im: evd.imaginaryEigenvalues[i] as number }));
}

const byValue = (a: Complex, b: Complex): number => a.re - b.re || a.im - b.im;

function denseModel(dynamics: 'resnet' | 'hamiltonian', steps: number, controls: number) {
  return buildModel({
    input: [3],
    layers: [
      { type: 'dense', units: 3, activation: 'tanh' },
      { type: 'ode', dynamics, steps, controls, activation: 'linear', T: 2 },
    ],
  });
}

describe('odeBlockSystem', () => {
  it('describes the block: method, N, M, T, h and the step times t_j = jT/N', () => {
    const block = odeBlockSystem(denseModel('resnet', 4, 2).layers[1] as Layer);
    expect(block).toMatchObject({
      name: 'ode_1',
      dynamics: 'resnet',
      method: 'euler',
      steps: 4,
      controls: 2,
      T: 2,
      h: 0.5,
      partitioned: false,
    });
    expect(block.times).toEqual([0, 0.5, 1, 1.5, 2]);
  });

  it('paramsAt picks the constant piece of each step (N = 4, M = 2: θ₀ on [0, 1), θ₁ on [1, 2])', () => {
    const model = denseModel('resnet', 4, 2);
    const { params } = model.init(1);
    const block = odeBlockSystem(model.layers[1] as Layer);
    const K = (params.ode_1 as { K: tf.Tensor }).K;
    const slices = tf.unstack(K);
    for (const [t, j] of [
      [0, 0],
      [0.5, 0],
      [1, 1],
      [1.5, 1],
      [2, 1],
    ] as const) {
      const theta = block.paramsAt(params.ode_1 as TensorTree, t) as { K: tf.Tensor };
      expect(distance(theta.K, slices[j] as tf.Tensor)).toBe(0);
      treeDispose(theta as TensorTree);
    }
    tf.dispose(slices);
    treeDispose(params as TensorTree);
  });

  it("trajectory: Y_{j+1} = Y_j + h (Y_j K_j + b_j) for linear σ, ending at the layer's output", () => {
    const model = denseModel('resnet', 4, 4);
    const { params } = model.init(2);
    const layer = model.layers[1] as Layer;
    const block = odeBlockSystem(layer);
    const x = Rng.fromSeed(3).normal([2, 3]);
    const states = block.trajectory(params.ode_1 as TensorTree, x) as tf.Tensor[];
    expect(states).toHaveLength(5);
    const { K, b } = params.ode_1 as { K: tf.Tensor; b: tf.Tensor };
    const Ks = tf.unstack(K);
    const bs = tf.unstack(b);
    let y = tf.clone(x);
    for (let j = 0; j < 4; j++) {
      expect(distance(states[j] as tf.Tensor, y)).toBeLessThan(1e-5 * (1 + norm(y)));
      const next = tf.tidy(() =>
        tf.add(
          y,
          tf.mul(
            0.5,
            tf.add(tf.matMul(y as tf.Tensor2D, Ks[j] as tf.Tensor2D), bs[j] as tf.Tensor),
          ),
        ),
      );
      y.dispose();
      y = next;
    }
    expect(distance(states[4] as tf.Tensor, y)).toBeLessThan(1e-5 * (1 + norm(y)));
    const out = layer.apply(params.ode_1, x, { training: false }).y;
    expect(distance(states[4] as tf.Tensor, out)).toBe(0);
    tf.dispose([x, y, out, ...states, ...Ks, ...bs]);
    treeDispose(params as TensorTree);
  });

  it('f at linear σ has the Jacobian K_j (row convention Y K: eigenvalues of K_j)', () => {
    const model = denseModel('resnet', 4, 4);
    const { params } = model.init(4);
    const block = odeBlockSystem(model.layers[1] as Layer);
    const y = Rng.fromSeed(5).normal([1, 3]);
    const t = block.times[2] as number;
    const theta = block.paramsAt(params.ode_1 as TensorTree, t);
    const { eigenvalues } = jacobianSpectrum(block.f, t, y, theta);
    const K2 = tf.tidy(() => tf.unstack((params.ode_1 as { K: tf.Tensor }).K)[2] as tf.Tensor2D);
    const expected = eigenvaluesOf(K2.arraySync());
    const got = [...eigenvalues].sort(byValue);
    expected.sort(byValue).forEach((z, i) => {
      expect((got[i] as Complex).re).toBeCloseTo(z.re, 4);
      expect((got[i] as Complex).im).toBeCloseTo(z.im, 4);
    });
    tf.dispose([y, K2]);
    treeDispose(theta);
    treeDispose(params as TensorTree);
  });

  it('hamiltonian: state {q, p} from p = 0, Jacobian [[0, S], [−S, 0]] with S = K Kᵀ: eigenvalues ±i·eig(S)', () => {
    const model = denseModel('hamiltonian', 3, 3);
    const { params } = model.init(6);
    const layer = model.layers[1] as Layer;
    const block = odeBlockSystem(layer);
    expect(block.method).toBe('leapfrog');
    expect(block.partitioned).toBe(true);
    const x = Rng.fromSeed(7).normal([1, 3]);
    const start = block.initialState(x) as { q: tf.Tensor; p: tf.Tensor };
    expect(distance(start.q, x)).toBe(0);
    expect(norm(start.p)).toBe(0);
    const states = block.trajectory(params.ode_1 as TensorTree, x) as {
      q: tf.Tensor;
      p: tf.Tensor;
    }[];
    expect(states).toHaveLength(4);
    // The layer's forward pass creates tensors in the caller's scope (p(T) among them).
    const out = tf.tidy(() => layer.apply(params.ode_1, x, { training: false }).y);
    expect(distance((states[3] as { q: tf.Tensor }).q, out)).toBe(0);

    const theta = block.paramsAt(params.ode_1 as TensorTree, 0) as { K: tf.Tensor; b: tf.Tensor };
    const { eigenvalues } = jacobianSpectrum(block.f, 0, states[1] as TensorTree, theta);
    const S = tf.tidy(() => tf.matMul(theta.K as tf.Tensor2D, theta.K as tf.Tensor2D, false, true));
    const omegas = eigenvaluesOf(S.arraySync() as number[][])
      .map((z) => z.re)
      .sort((a, b) => a - b);
    const expected = omegas
      .flatMap((w) => [
        { re: 0, im: -w },
        { re: 0, im: w },
      ])
      .sort(byValue);
    const got = [...eigenvalues].sort((a, b) => a.im - b.im);
    expected.sort((a, b) => a.im - b.im);
    expect(got).toHaveLength(6);
    got.forEach((z, i) => {
      expect(Math.abs(z.re)).toBeLessThan(1e-4);
      expect(z.im).toBeCloseTo((expected[i] as Complex).im, 4);
    });
    tf.dispose([x, out, S]);
    treeDispose([start, ...states, theta] as unknown as TensorTree);
    treeDispose(params as TensorTree);
  });

  it('rejects a layer that is not an ODE block, and inputs of the wrong shape', () => {
    const model = denseModel('resnet', 2, 2);
    expect(() => odeBlockSystem(model.layers[0] as Layer)).toThrow(ValueError);
    expect(() => odeBlockSystem(model.layers[0] as Layer)).toThrow(/'dense' layer/);
    const block = odeBlockSystem(model.layers[1] as Layer);
    const { params } = model.init(0);
    const x = tf.zeros([2, 4]);
    expect(() => block.trajectory(params.ode_1 as TensorTree, x)).toThrow(/expected shape/);
    expect(() => block.paramsAt(params.ode_1 as TensorTree, 2.5)).toThrow(ValueError);
    x.dispose();
    treeDispose(params as TensorTree);
  });
});

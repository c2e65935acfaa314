import { type TensorTree, treeDispose } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { adam } from './adam.js';
import type { Optimizer, UpdateContext } from './optimizer.js';
import { sgd } from './sgd.js';

/** Runs `steps` updates of `opt` on f(θ) = ½ Σ c_i θ_i² (gradient c ⊙ θ) and returns θ. */
function runQuadratic(
  opt: Optimizer,
  theta0: number[],
  c: number[],
  lr: number,
  steps: number,
): number[] {
  let params: TensorTree = { theta: tf.tensor1d(theta0) };
  let state = opt.init(params);
  const cT = tf.tensor1d(c);
  for (let k = 1; k <= steps; k++) {
    const grads = { theta: tf.mul(cT, (params as { theta: tf.Tensor }).theta) };
    const loss = tf.scalar(0);
    const ctx: UpdateContext = {
      learningRate: lr,
      step: k,
      loss,
      valueAndGrad: () => ({ value: tf.scalar(0), grads }),
    };
    const next: { params: TensorTree; state: TensorTree } = opt.update(params, grads, state, ctx);
    treeDispose([params, state, grads] as TensorTree);
    loss.dispose();
    params = next.params;
    state = next.state;
  }
  const out = Array.from((params as { theta: tf.Tensor }).theta.dataSync());
  treeDispose([params, state] as TensorTree);
  cT.dispose();
  return out;
}

describe('optimisers follow their update formulas', () => {
  it('plain SGD contracts each coordinate by (1 − η c_i) per step', () => {
    const theta = runQuadratic(sgd(), [1, -2], [0.5, 2], 0.1, 5);
    expect(theta[0]).toBeCloseTo(1 * (1 - 0.1 * 0.5) ** 5, 5);
    expect(theta[1]).toBeCloseTo(-2 * (1 - 0.1 * 2) ** 5, 5);
  });

  it('heavy-ball and Nesterov momentum match their scalar recursions', () => {
    for (const nesterov of [false, true]) {
      const mu = 0.9;
      const lr = 0.05;
      const c = 3;
      let th = 1;
      let v = 0;
      for (let k = 0; k < 10; k++) {
        const g = c * th;
        v = mu * v + g;
        th -= lr * (nesterov ? g + mu * v : v);
      }
      expect(runQuadratic(sgd({ momentum: mu, nesterov }), [1], [c], lr, 10)[0]).toBeCloseTo(th, 5);
    }
  });

  it("Adam's first step moves every coordinate by the learning rate against the gradient sign", () => {
    // m̂₁ = g, v̂₁ = g², so the step is η g / (|g| + ε)
    const theta = runQuadratic(adam(), [1, -2, 0.5], [0.5, 2, 7], 0.01, 1);
    expect(theta[0]).toBeCloseTo(1 - 0.01, 6);
    expect(theta[1]).toBeCloseTo(-2 + 0.01, 6);
    expect(theta[2]).toBeCloseTo(0.5 - 0.01, 6);
  });

  it('Adam matches the bias-corrected recursion of Kingma & Ba over several steps', () => {
    const [b1, b2, eps, lr, c] = [0.9, 0.999, 1e-8, 0.1, 1.5];
    let th = 2;
    let m = 0;
    let v = 0;
    for (let t = 1; t <= 8; t++) {
      const g = c * th;
      m = b1 * m + (1 - b1) * g;
      v = b2 * v + (1 - b2) * g * g;
      th -= (lr * (m / (1 - b1 ** t))) / (Math.sqrt(v / (1 - b2 ** t)) + eps);
    }
    expect(runQuadratic(adam(), [2], [c], lr, 8)[0]).toBeCloseTo(th, 4);
  });

  it('rejects bad hyper-parameters', () => {
    expect(() => sgd({ momentum: 1 })).toThrow(/momentum: expected a finite number >= 0 < 1/);
    expect(() => sgd({ nesterov: true })).toThrow(/nesterov needs momentum > 0/);
    expect(() => adam({ beta2: -0.1 })).toThrow(/beta2/);
    expect(() => adam({ epsilon: 0 })).toThrow(/epsilon/);
  });
});

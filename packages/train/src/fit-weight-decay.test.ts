// Decoupled weight decay in fit: after the optimiser's step θ' the parameters become
// θ'(1 − ηλ) with the scheduled η, for SGD (θ ← (θ − η g)(1 − ηλ)) and for Adam.
import { type TensorTree, treeDispose } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  adam,
  type DataSource,
  fit,
  type Optimizer,
  type Player,
  type ScheduleConfig,
  sgd,
  type TrainingProblem,
} from './index.js';

/** A data source of `n` empty batches: the loss below does not look at the data. */
function steps(n: number): DataSource<null> {
  return { size: n, take: () => null, disposeBatch: () => {} };
}

// f(θ) = ½ Σ c_i (θ_i − m_i)²: g = c ⊙ (θ − m) exactly.
const C = [3, 0.5, 1];
const M = [1, -2, 0];
const THETA0 = [2, 1, -3];

function quadratic(theta: tf.Tensor): tf.Scalar {
  return tf.tidy(
    () =>
      tf.mul(
        0.5,
        tf.sum(tf.mul(tf.tensor1d(C), tf.square(tf.sub(theta, tf.tensor1d(M))))),
      ) as tf.Scalar,
  );
}

function player(
  optimizer: Optimizer,
  learningRate: number | ScheduleConfig,
  weightDecay?: number,
): Player<null> {
  return {
    params: 'model',
    optimizer,
    learningRate,
    ...(weightDecay !== undefined ? { weightDecay } : {}),
    loss: (params) => ({ loss: quadratic(params.model as tf.Tensor) }),
  };
}

async function train(p: Player<null>, epochs: number, batches: number): Promise<number[]> {
  const problem: TrainingProblem<null> = { params: { model: tf.tensor1d(THETA0) }, players: [p] };
  const result = await fit({ problem, train: steps(batches), epochs, batchSize: 1, seed: 0 });
  const theta = Array.from((result.params.model as tf.Tensor).dataSync());
  treeDispose(result.params as TensorTree);
  return theta;
}

const gradient = (theta: number[]): number[] =>
  theta.map((t, i) => (C[i] as number) * (t - (M[i] as number)));

/**
 * Float32 results against float64 recursions: each step rounds a handful of times (relative
 * 2⁻²⁴ each) on |θ| ≤ 3 and the recursions contract, so 1e-5 bounds the difference over a few
 * steps with room to spare while any missing or doubled decay factor (≥ ηλ = 1e-2 per step) is
 * far outside it.
 */
function expectClose(got: number[], expected: number[]): void {
  expect(got).toHaveLength(expected.length);
  got.forEach((g, i) => {
    expect(Math.abs(g - (expected[i] as number))).toBeLessThan(1e-5);
  });
}

describe('fit with decoupled weightDecay', () => {
  it('SGD: one step is exactly (θ − η g)(1 − ηλ)', async () => {
    const [lr, lambda] = [0.1, 0.2];
    const g = gradient(THETA0);
    const expected = THETA0.map((t, i) => (t - lr * (g[i] as number)) * (1 - lr * lambda));
    expectClose(await train(player(sgd(), lr, lambda), 1, 1), expected);
  });

  it('SGD: the decay uses the scheduled learning rate of each step', async () => {
    // step schedule: η = 0.1 in epoch 0, 0.05 in epoch 1; two batches per epoch
    const schedule: ScheduleConfig = { type: 'step', lr: 0.1, factor: 0.5, every: 1 };
    const lambda = 0.3;
    let theta = [...THETA0];
    for (const lr of [0.1, 0.1, 0.05, 0.05]) {
      const g = gradient(theta);
      theta = theta.map((t, i) => (t - lr * (g[i] as number)) * (1 - lr * lambda));
    }
    expectClose(await train(player(sgd(), schedule, lambda), 2, 2), theta);
  });

  it('Adam: the decay multiplies the Adam step, it is not added to the gradient', async () => {
    const [lr, lambda, b1, b2, eps] = [0.05, 0.4, 0.9, 0.999, 1e-8];
    const n = 4;
    let theta = [...THETA0];
    let m = theta.map(() => 0);
    let v = theta.map(() => 0);
    for (let t = 1; t <= n; t++) {
      const g = gradient(theta);
      m = m.map((mi, i) => b1 * mi + (1 - b1) * (g[i] as number));
      v = v.map((vi, i) => b2 * vi + (1 - b2) * (g[i] as number) ** 2);
      theta = theta.map((th, i) => {
        const mHat = (m[i] as number) / (1 - b1 ** t);
        const vHat = (v[i] as number) / (1 - b2 ** t);
        return (th - (lr * mHat) / (Math.sqrt(vHat) + eps)) * (1 - lr * lambda);
      });
    }
    const got = await train(player(adam({ beta1: b1, beta2: b2, epsilon: eps }), lr, lambda), 1, n);
    expectClose(got, theta);
    // L2 regularisation in the gradient would differ: after Adam's normalisation a coupled
    // penalty changes the step by far more than the tolerance
    const coupled = await train(
      {
        ...player(adam({ beta1: b1, beta2: b2, epsilon: eps }), lr),
        loss: (params) => {
          const theta = params.model as tf.Tensor;
          return {
            loss: tf.tidy(() =>
              tf.add(quadratic(theta), tf.mul(lambda / 2, tf.sum(tf.square(theta)))),
            ) as tf.Scalar,
          };
        },
      },
      1,
      n,
    );
    expect(Math.max(...coupled.map((c, i) => Math.abs(c - (theta[i] as number))))).toBeGreaterThan(
      1e-3,
    );
  });

  it('leaves the parameters as the optimiser made them when λ = 0', async () => {
    expect(await train(player(sgd(), 0.1, 0), 1, 3)).toEqual(await train(player(sgd(), 0.1), 1, 3));
  });
});

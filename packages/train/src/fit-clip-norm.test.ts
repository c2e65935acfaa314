// Per-player gradient clipping in fit: the update is the optimiser's update with the gradient
// rescaled to global norm τ when ‖g‖ > τ, and exactly the unclipped update otherwise.
import { type TensorTree, treeDispose } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  type DataSource,
  fit,
  type Player,
  sgd,
  type TrainEvent,
  type TrainingProblem,
} from './index.js';

/** A data source of `n` empty batches: the losses below do not look at the data. */
function steps(n: number): DataSource<null> {
  return { size: n, take: () => null, disposeBatch: () => {} };
}

type Pair = { u: tf.Tensor; v: tf.Tensor };

// f(θ) = ½ Σ c_i (θ_i − m_i)² over both leaves of θ = { u, v }: g = c ⊙ (θ − m) exactly.
const C = { u: [4, 1], v: [2] };
const M = { u: [1, -1], v: [0.5] };

function quadratic(theta: Pair): tf.Scalar {
  return tf.tidy(() => {
    const du = tf.sub(theta.u, tf.tensor1d(M.u));
    const dv = tf.sub(theta.v, tf.tensor1d(M.v));
    return tf.mul(
      0.5,
      tf.add(
        tf.sum(tf.mul(tf.tensor1d(C.u), tf.square(du))),
        tf.sum(tf.mul(C.v[0] as number, tf.square(dv))),
      ),
    ) as tf.Scalar;
  });
}

/** The same SGD run in float64: θ ← θ − η·min(1, τ/‖g‖)·g with the global norm over both leaves. */
function reference(
  theta0: number[],
  lr: number,
  n: number,
  clip?: number,
): { theta: number[]; norms: number[] } {
  const c = [...C.u, ...C.v];
  const m = [...M.u, ...M.v];
  let theta = [...theta0];
  const norms: number[] = [];
  for (let k = 0; k < n; k++) {
    const g = theta.map((t, i) => (c[i] as number) * (t - (m[i] as number)));
    const norm = Math.hypot(...g);
    norms.push(norm);
    const scale = clip !== undefined && norm > clip ? clip / norm : 1;
    theta = theta.map((t, i) => t - lr * scale * (g[i] as number));
  }
  return { theta, norms };
}

/**
 * Float32 runs against the float64 reference: each step rounds a few times (relative 2⁻²⁴) on
 * |θ| ≤ 4, so after at most 20 steps the parameters agree to 20 · 4 · 2⁻²⁴ · 4 < 2e-5, and the
 * gradient norms (c ≤ 4 times that, over 3 coordinates) to 2e-4. Clipping per leaf instead of
 * globally, or not at all, moves the first step alone by more than 0.1.
 */
const THETA_TOL = 2e-5;
const NORM_TOL = 2e-4;

function expectClose(got: readonly number[], expected: readonly number[], tol: number): void {
  expect(got).toHaveLength(expected.length);
  got.forEach((g, i) => {
    expect(Math.abs(g - (expected[i] as number))).toBeLessThan(tol);
  });
}

function player(key: string, lr: number, clipNorm?: number): Player<null> {
  return {
    params: key,
    optimizer: sgd(),
    learningRate: lr,
    ...(clipNorm !== undefined ? { clipNorm } : {}),
    loss: (params) => ({ loss: quadratic(params[key] as Pair) }),
  };
}

const THETA0 = [3, 2, -4];

function initial(): Pair {
  return { u: tf.tensor1d(THETA0.slice(0, 2)), v: tf.tensor1d(THETA0.slice(2)) };
}

function read(p: TensorTree): number[] {
  const { u, v } = p as Pair;
  return [...u.dataSync(), ...v.dataSync()];
}

describe('fit with clipNorm', () => {
  it('rescales the gradient to the global norm τ while ‖g‖ > τ and leaves it alone after', async () => {
    // ‖g(θ0)‖ = ‖(8, 3, −9)‖ ≈ 12.4; with τ = 2 and η = 0.2 the first steps are clipped (each
    // moves θ by ητ = 0.4) and the later ones, near the minimum, are not.
    const lr = 0.2;
    const tau = 2;
    const n = 20;
    const expected = reference(THETA0, lr, n, tau);
    expect(expected.norms[0]).toBeGreaterThan(tau);
    expect(expected.norms.at(-1)).toBeLessThan(tau);
    const events: TrainEvent[] = [];
    const problem: TrainingProblem<null> = {
      params: { model: initial() },
      players: [player('model', lr, tau)],
    };
    const result = await fit({
      problem,
      train: steps(n),
      epochs: 1,
      batchSize: 1,
      seed: 0,
      onEvent: (e) => events.push(e),
    });
    const got = read(result.params.model as TensorTree);
    expectClose(got, expected.theta, THETA_TOL);
    // the reported norm is the norm before clipping
    const norms = events.flatMap((e) => (e.type === 'step' ? [e.metrics.gradNorm as number] : []));
    expectClose(norms, expected.norms, NORM_TOL);
    treeDispose(result.params);
  });

  it('gives exactly the unclipped update when ‖g‖ never exceeds τ', async () => {
    const run = async (clipNorm?: number) => {
      const problem: TrainingProblem<null> = {
        params: { model: initial() },
        players: [player('model', 0.1, clipNorm)],
      };
      const result = await fit({ problem, train: steps(5), epochs: 1, batchSize: 1, seed: 0 });
      const values = read(result.params.model as TensorTree);
      treeDispose(result.params);
      return values;
    };
    // ‖g‖ ≤ ‖g(θ0)‖ < 13 along the whole run (each SGD step contracts every coordinate's error)
    expect(await run(13)).toEqual(await run());
  });

  it('clips only the player that asks for it', async () => {
    const lr = 0.05;
    const tau = 1;
    const problem: TrainingProblem<null> = {
      params: { clipped: initial(), free: initial() },
      players: [player('clipped', lr, tau), player('free', lr)],
    };
    const result = await fit({ problem, train: steps(3), epochs: 1, batchSize: 1, seed: 0 });
    const clipped = read(result.params.clipped as TensorTree);
    const free = read(result.params.free as TensorTree);
    expectClose(clipped, reference(THETA0, lr, 3, tau).theta, THETA_TOL);
    expectClose(free, reference(THETA0, lr, 3).theta, THETA_TOL);
    treeDispose(result.params);
  });
});

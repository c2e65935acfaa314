import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { memoryPeak, randomMatrix, relErr, values } from '../test/helpers.js';
import type { GradientMode } from './gradient-mode.js';
import { solve } from './solve.js';
import type { PartitionedDynamics } from './types.js';

type Theta = { K: tf.Tensor; b: tf.Tensor };

/** Hamiltonian network (Haber & Ruthotto): q′ = Kᵀσ(K p + b), p′ = −Kᵀσ(K q + b), rows as samples. */
function hamiltonian(
  probe: () => void = () => {},
): PartitionedDynamics<tf.Tensor, tf.Tensor, Theta> {
  const layer = (x: tf.Tensor, { K, b }: Theta): tf.Tensor =>
    tf.matMul(tf.tanh(tf.add(tf.matMul(x, K, false, true), b)), K);
  return {
    dq: (_t, p, theta) => {
      probe();
      return layer(p, theta);
    },
    dp: (_t, q, theta) => {
      probe();
      return tf.neg(layer(q, theta));
    },
  };
}

function tensorOf(seed: number, shape: number[], amplitude: number): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(randomMatrix(1, size, seed, amplitude)[0] as number[], shape);
}

/** Gradients of a loss on the final state and a saved state w.r.t. q0, p0 and the per-step controls. */
function networkGradients(
  gradient: GradientMode,
  steps: number,
  m: number,
  saveAt: number[] = [],
): number[][] {
  return tf.tidy(() => {
    const d = 4;
    const K = tensorOf(1, [m, d, d], 0.8);
    const b = tensorOf(2, [m, d], 0.3);
    const q0 = tensorOf(3, [3, d], 1);
    const p0 = tensorOf(4, [3, d], 1);
    const target = tensorOf(5, [3, d], 1);
    const grads = tf.grads((q: tf.Tensor, p: tf.Tensor, k: tf.Tensor, bb: tf.Tensor) => {
      const r = solve({
        f: hamiltonian(),
        y0: { q, p },
        controls: { values: { K: k, b: bb } },
        t1: 4,
        steps,
        gradient,
        saveAt,
      });
      const terms = [tf.sum(tf.square(tf.sub(r.y.q, target))), tf.sum(tf.mul(r.y.p, r.y.q))];
      for (const s of r.ys) terms.push(tf.sum(tf.square(s.p)));
      return tf.addN(terms) as tf.Scalar;
    })([q0, p0, K, b]);
    return grads.map((g) => values(g));
  });
}

describe("gradient 'reversible'", () => {
  it('a 64-step Hamiltonian network with per-step controls: the backprop gradient within 1e-4', () => {
    const reference = networkGradients('backprop', 64, 64);
    const reversible = networkGradients('reversible', 64, 64);
    reversible.forEach((g, i) => {
      expect(relErr(g, reference[i] as number[])).toBeLessThan(1e-4);
    });
  });

  it('with save times inside the interval', () => {
    const reference = networkGradients('backprop', 32, 8, [1, 2.5]);
    const reversible = networkGradients('reversible', 32, 8, [1, 2.5]);
    reversible.forEach((g, i) => {
      expect(relErr(g, reference[i] as number[])).toBeLessThan(1e-4);
    });
  });

  it('peak tensor memory during the backward pass does not grow with N (16 vs 128 steps), backprop does', () => {
    const peak = (gradient: GradientMode, steps: number) =>
      memoryPeak((probe) => {
        const g = tf.tidy(() => {
          const K = tf.mul(tf.tile(tf.reshape(tf.eye(16), [1, 16, 16]), [4, 1, 1]), 0.5);
          const b = tf.zeros([4, 16]);
          return tf.grads((q: tf.Tensor, p: tf.Tensor) => {
            const r = solve({
              f: hamiltonian(probe),
              y0: { q, p },
              controls: { values: { K, b } },
              steps,
              gradient,
            });
            return tf.add(tf.sum(r.y.q), tf.sum(r.y.p));
          })([tf.ones([32, 16]), tf.zeros([32, 16])]);
        });
        tf.dispose(g);
      });
    const r16 = peak('reversible', 16);
    const r128 = peak('reversible', 128);
    const b16 = peak('backprop', 16);
    const b128 = peak('backprop', 128);
    expect(r128.bytes).toBeLessThanOrEqual(r16.bytes * 1.05);
    expect(r128.tensors).toBeLessThanOrEqual(r16.tensors + 2);
    expect(b128.bytes / b16.bytes).toBeGreaterThan(6);
    console.info(
      JSON.stringify({
        measure:
          'peak tensor memory above baseline during a gradient (bytes / tensors), Hamiltonian net 32×16',
        reversible: { N16: r16, N128: r128 },
        backprop: { N16: b16, N128: b128 },
      }),
    );
  });

  it('f may itself use tf.grad (a Hamiltonian from its energy): every mode matches backprop', () => {
    // H(q, p) = ½‖p‖² + Σ log cosh(q K + b): q′ = ∂H/∂p = p, p′ = −∂H/∂q by automatic differentiation.
    const f: PartitionedDynamics<tf.Tensor, tf.Tensor, Theta> = {
      dq: (_t, p) => p,
      dp: (_t, q, { K, b }) =>
        tf.neg(tf.grad((x: tf.Tensor) => tf.sum(tf.log(tf.cosh(tf.add(tf.matMul(x, K), b)))))(q)),
    };
    const grads = (gradient: GradientMode): number[][] =>
      tf.tidy(() => {
        const K = tensorOf(6, [3, 3], 0.9);
        const b = tensorOf(7, [3], 0.2);
        const g = tf.grads((q: tf.Tensor, k: tf.Tensor, bb: tf.Tensor) => {
          const r = solve({
            f,
            y0: { q, p: tf.zerosLike(q) },
            params: { K: k, b: bb },
            t1: 2,
            steps: 16,
            gradient,
          });
          return tf.sum(tf.square(r.y.q)) as tf.Scalar;
        })([tensorOf(8, [2, 3], 1), K, b]);
        return g.map((x) => values(x));
      });
    const reference = grads('backprop');
    for (const gradient of ['checkpoint', 'reversible', 'adjoint'] as const) {
      const g = grads(gradient);
      g.forEach((leaf, i) => {
        expect(relErr(leaf, reference[i] as number[])).toBeLessThan(
          gradient === 'adjoint' ? 2e-2 : 1e-4,
        );
      });
    }
  });

  it('is refused for schemes without an exact inverse', () => {
    const y0 = tf.ones([1]);
    expect(() => solve({ f: (_t, y) => y, y0, steps: 4, gradient: 'reversible' })).toThrow(
      /'reversible' needs an exactly invertible scheme, method 'leapfrog'.*use 'checkpoint'/,
    );
    y0.dispose();
  });
});

import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { convergenceStudy } from './convergence-study.js';
import { solve } from './solve.js';
import type { Method } from './types.js';

/** A "trained" tanh network with smooth controls on a grid of M = 4, evaluated with n steps. */
function model(method: Method) {
  return (steps: number): tf.Tensor =>
    tf.tidy(() => {
      const K = tf.tensor3d([
        [
          [0.5, -1],
          [1, 0.2],
        ],
        [
          [0.4, -0.8],
          [1.1, 0.1],
        ],
        [
          [0.2, -0.6],
          [1.2, 0],
        ],
        [
          [0, -0.4],
          [1.3, -0.1],
        ],
      ]);
      const X = tf.tensor2d([
        [1, 0.5],
        [-0.3, 0.8],
        [0.2, -1],
      ]);
      return solve({
        f: (_t, y, p: { K: tf.Tensor }) => tf.tanh(tf.matMul(y, p.K)),
        y0: X,
        controls: { values: { K }, interpolation: 'linear' },
        t1: 2,
        steps,
        method,
      }).y;
    });
}

describe('convergenceStudy', () => {
  // N a multiple of the 3 control intervals, and N..4N above float32 round-off.
  it.each([
    { method: 'euler', n: 24, order: 1 },
    { method: 'heun', n: 18, order: 2 },
    { method: 'rk4', n: 6, order: 4 },
  ] as const)(
    '$method: the observed order log2(‖y_N − y_2N‖ / ‖y_2N − y_4N‖) is ≈ $order',
    ({ method, n, order }) => {
      const study = convergenceStudy({ evaluate: model(method), steps: n, levels: 3 });
      expect(study.steps).toEqual([n, 2 * n, 4 * n]);
      expect(study.differences).toHaveLength(2);
      expect(study.orders).toHaveLength(1);
      expect(Math.abs(study.order - order)).toBeLessThan(0.3);
    },
  );

  it('reports the accuracy at each resolution and its change', () => {
    const study = convergenceStudy({
      evaluate: model('euler'),
      steps: 6,
      levels: 4,
      accuracy: (out) =>
        tf.tidy(
          () =>
            tf
              .mean(tf.cast(tf.greater(tf.slice(out, [0, 0], [-1, 1]), 0), 'float32'))
              .dataSync()[0] as number,
        ),
    });
    expect(study.accuracies).toHaveLength(4);
    expect(study.accuracyChange).toBe(
      (study.accuracies?.[3] as number) - (study.accuracies?.[0] as number),
    );
    expect(study.orders).toHaveLength(2);
    expect(
      study.relativeDifferences.every((d, i) => d < (study.differences[i] as number) * 10),
    ).toBe(true);
  });

  it('rejects fewer than 3 levels and outputs of changing shape', () => {
    expect(() => convergenceStudy({ evaluate: model('euler'), steps: 4, levels: 2 })).toThrow(
      /levels/,
    );
    expect(() => convergenceStudy({ evaluate: (n) => tf.zeros([n]), steps: 4 })).toThrow(
      /same shape/,
    );
  });
});

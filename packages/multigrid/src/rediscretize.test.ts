import { finiteDifferenceStencil, Rng } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { rediscretize } from './rediscretize.js';

/** The 3×3 kernel S_a(h) ⊗ S_b(h) (a: order in y, b: order in x) as [3, 3, 1, 1]. */
function stencil(a: 0 | 1 | 2, b: 0 | 1 | 2, h: number): tf.Tensor4D {
  const sy = finiteDifferenceStencil(a, h);
  const sx = finiteDifferenceStencil(b, h);
  return tf.tensor4d(
    sy.flatMap((u) => sx.map((v) => u * v)),
    [3, 3, 1, 1],
  );
}

function close(a: tf.Tensor, b: tf.Tensor, tol: number): void {
  const [x, y] = [Array.from(a.dataSync()), Array.from(b.dataSync())];
  const scale = Math.max(1, ...y.map(Math.abs));
  x.forEach((v, i) => {
    expect(Math.abs(v - (y[i] as number))).toBeLessThan(tol * scale);
  });
}

describe('rediscretisation', () => {
  it.each([
    ['identity', 0, 0],
    ['∂/∂x', 0, 1],
    ['∂/∂y', 1, 0],
    ['∂²/∂x²', 0, 2],
    ['∂²/∂x∂y', 1, 1],
    ['∂⁴/∂x²∂y²', 2, 2],
  ] as const)(
    'maps the %s stencil on mesh h to the same stencil on mesh 2h and back',
    (_name, a, b) => {
      const h = 1 / 28;
      const fine = stencil(a, b, h);
      const coarse = rediscretize(fine, { from: h, to: 2 * h });
      const expected = stencil(a, b, 2 * h);
      close(coarse, expected, 1e-5);
      const back = rediscretize(coarse, { from: 2 * h, to: h });
      close(back, fine, 1e-5);
      tf.dispose([fine, coarse, expected, back]);
    },
  );

  it('keeps the continuous operator of any kernel: the coefficient of order p scales by 2^-p', () => {
    const k = Rng.fromSeed(2).normal([3, 3, 2, 2]) as tf.Tensor4D;
    const there = rediscretize(k, { from: 0.1, to: 0.2 });
    const back = rediscretize(there, { from: 0.2, to: 0.1 });
    close(back, k, 1e-4);
    // the row sums (the identity coefficient, order 0) are unchanged
    const sums = (t: tf.Tensor) => tf.tidy(() => tf.sum(t, [0, 1]));
    const [s0, s1] = [sums(k), sums(there)];
    close(s1, s0, 1e-5);
    tf.dispose([k, there, back, s0, s1]);
  });

  it('validates shapes and mesh widths', () => {
    const k = tf.zeros([5, 5, 1, 1]) as tf.Tensor4D;
    expect(() => rediscretize(k, { from: 1, to: 2 })).toThrow(
      /kernel: expected shape \[3, 3, \*, \*\]/,
    );
    const k3 = tf.zeros([3, 3, 1, 1]) as tf.Tensor4D;
    expect(() => rediscretize(k3, { from: 0, to: 2 })).toThrow(/from/);
    tf.dispose([k, k3]);
  });
});

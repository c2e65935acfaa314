import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { ShapeError, ValueError } from './errors.js';
import { prolong, restrict } from './grid-transfer.js';
import { Rng } from './rng.js';

function inner(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.sum(tf.mul(a, b)).dataSync()[0] as number);
}

describe.each(['cpu', 'wasm'] as const)('grid transfer on %s', (backend) => {
  it('restriction is the adjoint of prolongation up to 4: ⟨R u, v⟩ = ⟨u, P v⟩ / 4', async () => {
    await initBackend({ backend });
    const rng = Rng.fromSeed(1);
    for (const [H, W] of [
      [28, 28],
      [7, 9],
      [6, 5],
    ] as const) {
      const u = rng.normal([2, H, W, 3]) as tf.Tensor4D;
      const v = rng.normal([2, Math.ceil(H / 2), Math.ceil(W / 2), 3]) as tf.Tensor4D;
      const Ru = restrict(u);
      const Pv = prolong(v, { height: H, width: W });
      expect(Ru.shape).toEqual(v.shape);
      expect(Pv.shape).toEqual(u.shape);
      const lhs = inner(Ru, v);
      const rhs = inner(u, Pv) / 4;
      expect(Math.abs(lhs - rhs)).toBeLessThan(1e-4 * Math.max(1, Math.abs(lhs)));
      tf.dispose([u, v, Ru, Pv]);
    }
  });

  it('prolongation interpolates linear functions exactly away from the far boundary', async () => {
    await initBackend({ backend });
    // coarse samples of u(y, x) = 2 + 3y - x at y = 2I, x = 2J (fine coordinates)
    const h = 5;
    const w = 6;
    const coarse = tf.tensor4d(
      Array.from({ length: h * w }, (_, k) => 2 + 3 * (2 * Math.floor(k / w)) - 2 * (k % w)),
      [1, h, w, 1],
    );
    const fine = prolong(coarse);
    const values = fine.dataSync();
    for (let y = 0; y < 2 * h - 1; y++) {
      for (let x = 0; x < 2 * w - 1; x++) {
        expect(values[y * 2 * w + x]).toBeCloseTo(2 + 3 * y - x, 4);
      }
    }
    tf.dispose([coarse, fine]);
  });

  it('restriction keeps the values of a smooth image to second order in the interior', async () => {
    await initBackend({ backend });
    const n = 33;
    const hFine = 1 / (n - 1);
    const u = (y: number, x: number): number => Math.sin(Math.PI * y) * Math.cos(Math.PI * x);
    const fine = tf.tensor4d(
      Array.from({ length: n * n }, (_, k) => u(Math.floor(k / n) * hFine, (k % n) * hFine)),
      [1, n, n, 1],
    );
    const coarse = restrict(fine);
    const m = Math.ceil(n / 2);
    const values = coarse.dataSync();
    let maxErr = 0;
    for (let i = 1; i < m - 1; i++) {
      for (let j = 1; j < m - 1; j++) {
        maxErr = Math.max(
          maxErr,
          Math.abs((values[i * m + j] as number) - u(2 * i * hFine, 2 * j * hFine)),
        );
      }
    }
    // full weighting = u + (h²/4)Δu + O(h⁴); |Δu| ≤ 2π²
    expect(maxErr).toBeLessThan(((hFine * hFine) / 4) * 2 * Math.PI ** 2 * 1.01);
    expect(maxErr).toBeGreaterThan(0);
    tf.dispose([fine, coarse]);
  });
});

describe('grid transfer errors', () => {
  it('rejects bad ranks and sizes that do not match', () => {
    const x = tf.zeros([4, 4]);
    const y = tf.zeros([1, 4, 4, 1]);
    expect(() => restrict(x as tf.Tensor4D)).toThrow(ShapeError);
    expect(() => prolong(y as tf.Tensor4D, { height: 9 })).toThrow(ValueError);
    expect(() => prolong(y as tf.Tensor4D, { height: 9 })).toThrow(
      'prolong: height 9 does not restrict to 4; use 8 or 7',
    );
    tf.dispose([x, y]);
  });
});

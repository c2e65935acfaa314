import { prolong, Rng, restrict } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { determinant, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { galerkinCoarsen, galerkinOperatorMatrix, galerkinRefine } from './galerkin.js';

function maxAbs(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number);
}

function maxAbsOf(a: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(a)).dataSync()[0] as number);
}

describe('Galerkin coarsening K_H = R K_h P', () => {
  it('agrees with R(K_h(P v)) computed by applying the operators as convolutions (multi-channel)', () => {
    const rng = Rng.fromSeed(3);
    const kernel = rng.normal([3, 3, 2, 3]) as tf.Tensor4D;
    // a smooth image, restricted to the coarse grid
    const n = 32;
    const fineImage = tf.tidy(() => {
      const v: number[] = [];
      for (let y = 0; y < n; y++) {
        for (let x = 0; x < n; x++)
          v.push(
            Math.sin((3 * y) / n) * Math.cos((2 * x) / n),
            Math.exp(-((x - 12) ** 2 + (y - 20) ** 2) / 80),
          );
      }
      return tf.tensor4d(v, [1, n, n, 2]);
    });
    const coarseImage = restrict(fineImage);
    const coarseKernel = galerkinCoarsen(kernel);
    const direct = tf.conv2d(coarseImage, coarseKernel, 1, 'same');
    const composed = tf.tidy(() => restrict(tf.conv2d(prolong(coarseImage), kernel, 1, 'same')));
    // compare away from the borders, where the finite image differs from the infinite grid
    const inner = (t: tf.Tensor4D) => tf.slice(t, [0, 2, 2, 0], [1, 12, 12, 3]);
    const [a, b] = [inner(direct), inner(composed)];
    expect(maxAbs(a, b)).toBeLessThan(1e-5 * Math.max(1, maxAbsOf(b)));
    tf.dispose([kernel, fineImage, coarseImage, coarseKernel, direct, composed, a, b]);
  });

  it('refine(coarsen(K)) = K and coarsen(refine(K)) = K for random kernels', () => {
    const rng = Rng.fromSeed(7);
    for (const [cin, cout] of [
      [1, 1],
      [4, 3],
    ] as const) {
      const k = rng.normal([3, 3, cin, cout]) as tf.Tensor4D;
      const there = galerkinCoarsen(k);
      const back = galerkinRefine(there);
      expect(maxAbs(back, k)).toBeLessThan(1e-5 * Math.max(1, maxAbsOf(k)));
      const up = galerkinRefine(k);
      const down = galerkinCoarsen(up);
      expect(maxAbs(down, k)).toBeLessThan(1e-5 * Math.max(1, maxAbsOf(k)));
      tf.dispose([k, there, back, up, down]);
    }
  });

  it('has full rank, preserves row sums of constants, and maps the 5-point Laplacian like a second-order operator', () => {
    const g = new Matrix(galerkinOperatorMatrix());
    expect(Math.abs(determinant(g))).toBeGreaterThan(1e-6);
    // R P applied to constants: P and R reproduce constants, so Σ K_H = Σ K_h
    const k = tf.tensor4d([0.1, 0.7, -0.2, 0.4, 1.5, 0.3, -0.6, 0.2, 0.9], [3, 3, 1, 1]);
    const c = galerkinCoarsen(k);
    expect(tf.tidy(() => tf.sum(c).dataSync()[0] as number)).toBeCloseTo(
      tf.tidy(() => tf.sum(k).dataSync()[0] as number),
      5,
    );
    // the Laplacian stencil annihilates linear functions; so must its Galerkin coarsening
    const lap = tf.tensor4d([0, 1, 0, 1, -4, 1, 0, 1, 0], [3, 3, 1, 1]);
    const lapH = galerkinCoarsen(lap);
    const w = lapH.dataSync();
    const onLinear = (f: (y: number, x: number) => number) =>
      [-1, 0, 1]
        .flatMap((dy) => [-1, 0, 1].map((dx) => (w[3 * (dy + 1) + dx + 1] as number) * f(dy, dx)))
        .reduce((a, b) => a + b, 0);
    expect(onLinear((y, x) => 2 * y - 3 * x + 1)).toBeCloseTo(0, 5);
    // and acts on x² with the coarse-mesh scale: Δ(x²) = 2 on mesh h; on mesh 2h the stencil
    // applied to x² sampled at coarse points (x = 2·dx fine units) gives 2 as well
    expect(onLinear((_y, x) => (2 * x) ** 2)).toBeCloseTo(2, 4);
    tf.dispose([k, c, lap, lapH]);
  });

  it('rejects kernels that are not 3×3', () => {
    const k = tf.zeros([5, 5, 1, 1]) as tf.Tensor4D;
    expect(() => galerkinCoarsen(k)).toThrow(/3×3 kernels, got 5×5/);
    k.dispose();
  });
});

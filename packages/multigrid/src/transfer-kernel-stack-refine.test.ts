// Refining a stack of ODE-block kernels [M, 3, 3, in, out] by Galerkin or rediscretisation acts
// slice by slice like the single-kernel functions, and coarsening undoes refining (and
// refining undoes coarsening) for every slice.
import { finiteDifferenceStencil, Rng } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { Matrix, SVD } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import {
  galerkinCoarsen,
  galerkinOperatorMatrix,
  galerkinRefine,
  rediscretize,
  transferKernel,
} from './index.js';

function conditionNumber(rows: number[][]): number {
  const s = new SVD(new Matrix(rows)).diagonal;
  return (s[0] as number) / (s[s.length - 1] as number);
}

/** The 9×9 matrix of the stencil basis S_a(h) ⊗ S_b(h) (columns) on a mesh of width 1. */
function stencilBasis(): number[][] {
  const s = [0, 1, 2].map((p) => finiteDifferenceStencil(p as 0 | 1 | 2, 1));
  const rows: number[][] = [];
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) {
      const row: number[] = [];
      for (let a = 0; a < 3; a++)
        for (let b = 0; b < 3; b++) row.push((s[a]?.[r] as number) * (s[b]?.[c] as number));
      rows.push(row);
    }
  }
  return rows;
}

/**
 * Float32 round trips. Galerkin multiplies the 9 entries of each (in, out) stencil by G⁻¹ and
 * then G, so the error is at most 2 · 9 · κ(G) · 2⁻²⁴ · max|K|. Rediscretisation maps to the
 * coefficients of the stencil basis B and back twice, so 4 · 9 · κ(B)² · 2⁻²⁴ · max|K| bounds
 * it; the condition numbers come from the operators themselves.
 */
const EPS = 2 ** -24;
const tolerance = {
  galerkin: 2 * 9 * conditionNumber(galerkinOperatorMatrix()) * EPS,
  rediscretize: 4 * 9 * conditionNumber(stencilBasis()) ** 2 * EPS,
};

function maxAbs(a: tf.Tensor, b?: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(b ? tf.sub(a, b) : a)).dataSync()[0] as number);
}

function slice(stack: tf.Tensor, j: number): tf.Tensor4D {
  return tf.tidy(() => tf.squeeze(tf.slice(stack, [j], [1]), [0]) as tf.Tensor4D);
}

const single = {
  galerkin: {
    refine: (k: tf.Tensor4D) => galerkinRefine(k),
    coarsen: (k: tf.Tensor4D) => galerkinCoarsen(k),
  },
  rediscretize: {
    refine: (k: tf.Tensor4D) => rediscretize(k, { from: 1 / 14, to: 1 / 28 }),
    coarsen: (k: tf.Tensor4D) => rediscretize(k, { from: 1 / 28, to: 1 / 14 }),
  },
};

describe('refining stacks of 3×3 kernels', () => {
  // M = 4 slices, 2 → 3 channels: every axis a different length, so a transposition shows
  const M = 4;

  it.each(['galerkin', 'rediscretize'] as const)(
    '%s refines every slice like the single-kernel function',
    (method) => {
      const stack = Rng.fromSeed(21).normal([M, 3, 3, 2, 3]);
      const fine = transferKernel(stack, { method, direction: 'refine' });
      expect(fine.shape).toEqual([M, 3, 3, 2, 3]);
      const scale = maxAbs(stack);
      for (let j = 0; j < M; j++) {
        const k = slice(stack, j);
        const expected = single[method].refine(k);
        const got = slice(fine, j);
        // the refined kernel is larger (up to 16× for the fourth-order coefficient) but both sides
        // compute the same products: the same bound, scaled by the largest growth, holds
        expect(maxAbs(got, expected), `slice ${j}`).toBeLessThan(16 * tolerance[method] * scale);
        tf.dispose([k, expected, got]);
      }
      tf.dispose([stack, fine]);
    },
  );

  it.each(['galerkin', 'rediscretize'] as const)(
    '%s: coarsen ∘ refine and refine ∘ coarsen are the identity on every slice',
    (method) => {
      const stack = Rng.fromSeed(22).normal([M, 3, 3, 2, 3]);
      const scale = maxAbs(stack);
      const fine = transferKernel(stack, { method, direction: 'refine' });
      const back = transferKernel(fine, { method, direction: 'coarsen' });
      const coarse = transferKernel(stack, { method, direction: 'coarsen' });
      const again = transferKernel(coarse, { method, direction: 'refine' });
      for (let j = 0; j < M; j++) {
        const k = slice(stack, j);
        for (const [name, round] of [
          ['coarsen(refine(K))', back],
          ['refine(coarsen(K))', again],
        ] as const) {
          const got = slice(round, j);
          expect(maxAbs(got, k), `${name}, slice ${j}`).toBeLessThan(tolerance[method] * scale);
          tf.dispose(got);
        }
        // and the single-kernel functions agree: coarsen(refine(K_j)) = K_j
        const viaSingle = tf.tidy(() => single[method].coarsen(single[method].refine(k)));
        expect(maxAbs(viaSingle, k), `single, slice ${j}`).toBeLessThan(tolerance[method] * scale);
        tf.dispose([k, viaSingle]);
      }
      tf.dispose([stack, fine, back, coarse, again]);
    },
  );
});

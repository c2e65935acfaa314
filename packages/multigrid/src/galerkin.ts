import { assertShape, ShapeError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { inverse, Matrix } from 'ml-matrix';

/**
 * The 1-D bilinear prolongation weights of a coarse impulse on the fine grid: fine offsets
 * −1, 0, 1 around fine point 2J get ½, 1, ½ (vertex-centred).
 */
const P1 = new Map<number, number>([
  [-1, 0.5],
  [0, 1],
  [1, 0.5],
]);

/** Full weighting in 1-D: `R = Pᵀ/2`, weights ¼, ½, ¼ on fine offsets −1, 0, 1 of fine 2I. */
const R1 = new Map<number, number>([
  [-1, 0.25],
  [0, 0.5],
  [1, 0.25],
]);

/**
 * The 9×9 matrix `G` with `vec(K_H) = G · vec(K_h)` for `K_H = R K_h P` (2-D bilinear `P`,
 * full weighting `R = Pᵀ/4`), on the infinite grid, kernels as cross-correlation stencils
 * indexed `3·(dy+1) + (dx+1)`. Built entry by entry from the operators' stencils in float64,
 * so it is exact up to round-off (its entries are dyadic rationals).
 */
function galerkinMatrix(): Matrix {
  const g = Matrix.zeros(9, 9);
  // (K u)_i = Σ_d k_d u_{i+d}; the coarse stencil entry at offset D is
  // kH_D = Σ_{fine i near 0} R(i) Σ_d k_d Σ_{fine j} [i + d = j] P(j − 2D) — per axis, then the
  // tensor product of the two axes.
  const axis = (d: number, D: number): number => {
    let s = 0;
    for (const [i, r] of R1) {
      const j = i + d - 2 * D;
      s += r * (P1.get(j) ?? 0);
    }
    return s;
  };
  for (let Dy = -1; Dy <= 1; Dy++) {
    for (let Dx = -1; Dx <= 1; Dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          g.set(3 * (Dy + 1) + (Dx + 1), 3 * (dy + 1) + (dx + 1), axis(dy, Dy) * axis(dx, Dx));
        }
      }
    }
  }
  return g;
}

let cached: { g: Float32Array; gInv: Float32Array } | null = null;

function matrices(): { g: Float32Array; gInv: Float32Array } {
  if (cached === null) {
    const g = galerkinMatrix();
    cached = {
      g: Float32Array.from(g.to1DArray()),
      gInv: Float32Array.from(inverse(g).to1DArray()),
    };
  }
  return cached;
}

function applyToEntries(kernel: tf.Tensor4D, matrix: Float32Array): tf.Tensor4D {
  return tf.tidy(() => {
    const [, , cin, cout] = kernel.shape;
    const entries = tf.reshape(kernel, [9, cin * cout]);
    return tf.reshape(tf.matMul(tf.tensor2d(matrix, [9, 9]), entries), [3, 3, cin, cout]);
  });
}

function check(kernel: tf.Tensor4D, name: string): void {
  assertShape(kernel, [null, null, null, null], name);
  if (kernel.shape[0] !== 3 || kernel.shape[1] !== 3) {
    throw new ShapeError(
      `${name}: Galerkin transfer is defined here for 3×3 kernels, got ${kernel.shape[0]}×${kernel.shape[1]}; move other sizes by naive reuse`,
    );
  }
}

/**
 * Galerkin coarsening `K_H = R K_h P` (docs: /math/multigrid#galerkin) of a 3×3 convolution kernel, with bilinear
 * prolongation `P` (stencil `[½, 1, ½] ⊗ [½, 1, ½]`, coarse point J on fine point 2J) and full
 * weighting `R = Pᵀ/4`. On the infinite grid the coarse operator of a 3×3 stencil is again a
 * 3×3 stencil, a fixed linear map (a 9×9 matrix) of the 9 fine entries, applied to every
 * `(in, out)` channel pair. Away from image borders, `conv(v, K_H) = R conv(P v, K_h)`.
 *
 * @param kernel - `[3, 3, in, out]` on the fine mesh.
 * @returns The coarse kernel `[3, 3, in, out]`; a new tensor owned by the caller.
 * @throws {@link @runge/tensor-ops!ShapeError} unless the kernel is `[3, 3, in, out]`.
 * @example
 * ```ts
 * const coarse = galerkinCoarsen(kernel); // for a model moved from 28×28 to 14×14 images
 * ```
 */
export function galerkinCoarsen(kernel: tf.Tensor4D): tf.Tensor4D {
  check(kernel, 'kernel');
  return applyToEntries(kernel, matrices().g);
}

/**
 * The inverse of {@link galerkinCoarsen}: the unique 3×3 fine kernel `K_h` with
 * `R K_h P = K_H`. Refinement is not unique in general; asking for a 3×3 fine stencil makes it
 * unique, because the 9×9 Galerkin matrix has full rank for this `P` and `R`.
 *
 * @param kernel - `[3, 3, in, out]` on the coarse mesh.
 * @returns The fine kernel `[3, 3, in, out]`; a new tensor owned by the caller.
 * @throws {@link @runge/tensor-ops!ShapeError} unless the kernel is `[3, 3, in, out]`.
 * @example
 * ```ts
 * const fine = galerkinRefine(coarseKernel); // galerkinCoarsen(fine) ≈ coarseKernel
 * ```
 */
export function galerkinRefine(kernel: tf.Tensor4D): tf.Tensor4D {
  check(kernel, 'kernel');
  return applyToEntries(kernel, matrices().gInv);
}

/**
 * The 9×9 Galerkin matrix `G` itself (row-major, float64): `vec(K_H) = G vec(K_h)` with
 * entries indexed `3·row + column` of the 3×3 stencils. Exposed for analysis and plots.
 *
 * @returns `G` as 9 rows of 9 numbers.
 * @example
 * ```ts
 * const G = galerkinOperatorMatrix(); // G[4][4] is the centre-to-centre weight
 * ```
 */
export function galerkinOperatorMatrix(): number[][] {
  return galerkinMatrix().to2DArray();
}

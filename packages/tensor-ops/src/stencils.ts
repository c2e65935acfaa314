import * as tf from '@tensorflow/tfjs-core';
import { assertDtype, assertNumber, assertShape } from './validate.js';

/** Order of a derivative in one direction: 0 (identity), 1 (`∂`), 2 (`∂²`). */
export type DerivativeOrder = 0 | 1 | 2;

const ORDERS: readonly DerivativeOrder[] = [0, 1, 2];

function meshWidth(h: unknown, where: string): number {
  return assertNumber(h, `${where}: h`, { min: 0, exclusiveMin: true });
}

/**
 * The three-point finite-difference stencil of a derivative of order 0, 1 or 2 on a mesh of
 * width `h`, as a cross-correlation kernel (what `tf.conv1d`/`tf.conv2d` apply, no flip):
 * order 0: `[0, 1, 0]` (identity); order 1: `[−1, 0, 1] / (2h)` (centred first difference,
 * `(u_{i+1} − u_{i−1}) / 2h ≈ u'`); order 2: `[1, −2, 1] / h²` (second difference ≈ `u''`).
 * The first difference is exact for polynomials of degree ≤ 2, the second for degree ≤ 3.
 *
 * @param order - The derivative order: 0, 1 or 2.
 * @param h - The mesh width, > 0.
 * @returns The three weights `[w₋₁, w₀, w₊₁]`.
 * @throws {@link ValueError} for another order or a mesh width that is not a positive number.
 * @example
 * ```ts
 * finiteDifferenceStencil(1, 0.5);  // [-1, 0, 1]
 * const d1 = tf.tensor3d(finiteDifferenceStencil(1, h), [3, 1, 1]);
 * const du = tf.conv1d(u, d1, 1, 'valid'); // u' at the interior points
 * ```
 */
export function finiteDifferenceStencil(
  order: DerivativeOrder,
  h: number,
): [number, number, number] {
  const p = assertNumber(order, 'finiteDifferenceStencil: order', {
    min: 0,
    max: 2,
    integer: true,
  });
  meshWidth(h, 'finiteDifferenceStencil');
  if (p === 0) return [0, 1, 0];
  if (p === 1) return [-1 / (2 * h), 0, 1 / (2 * h)];
  return [1 / (h * h), -2 / (h * h), 1 / (h * h)];
}

/** One element of the 2-D differential-operator basis, see {@link differentialBasis}. */
export interface DifferentialBasisElement {
  /** Derivative order along y (rows, the kernel's first axis). */
  readonly a: DerivativeOrder;
  /** Derivative order along x (columns, the kernel's second axis). */
  readonly b: DerivativeOrder;
  /** Total derivative order `a + b`: the kernel's weights scale like `h^-(a+b)`. */
  readonly order: number;
  /**
   * The 3×3 weights `[row][column]`, i.e. `stencil[r][c] = S_a[r] · S_b[c]` with `S_p` the
   * 1-D stencil of {@link finiteDifferenceStencil}. As a `[3, 3, 1, 1]` filter:
   * `tf.tensor4d(stencil.flat(), [3, 3, 1, 1])`.
   */
  readonly stencil: readonly (readonly number[])[];
}

/**
 * The 9 tensor products of the three 1-D stencils (identity, centred first difference, second
 * difference): `basis_ab = S_a ⊗ S_b` approximates `∂_y^a ∂_x^b` on a mesh of width `h`
 * (rows = y, columns = x, cross-correlation as in `tf.conv2d`). They span all 3×3 kernels, so
 * every 3×3 kernel is a unique combination `K = Σ_ab s_ab · basis_ab(h)`, a differential operator
 * `Σ_ab s_ab ∂_y^a ∂_x^b` of order up to 4 (docs: /math/convolutions#basis). Rediscretising on mesh `H` keeps the
 * `s_ab` and takes `basis_ab(H)`: the weights of `basis_ab` scale like `h^-(a+b)`.
 *
 * @param h - The mesh width, > 0.
 * @returns 9 elements, in the order `(a, b) = (0,0), (0,1), (0,2), (1,0), …, (2,2)` (index `3a + b`).
 * @throws {@link ValueError} when `h` is not a positive number.
 * @example
 * ```ts
 * const dxx = differentialBasis(1 / 28).find((e) => e.a === 0 && e.b === 2)!;
 * const kernel = tf.tensor4d(dxx.stencil.flat(), [3, 3, 1, 1]);
 * const uxx = tf.conv2d(images, kernel, 1, 'valid'); // ∂²u/∂x² in the interior
 * ```
 */
export function differentialBasis(h: number): DifferentialBasisElement[] {
  meshWidth(h, 'differentialBasis');
  const elements: DifferentialBasisElement[] = [];
  for (const a of ORDERS) {
    const sy = finiteDifferenceStencil(a, h);
    for (const b of ORDERS) {
      const sx = finiteDifferenceStencil(b, h);
      elements.push({ a, b, order: a + b, stencil: sy.map((wy) => sx.map((wx) => wy * wx)) });
    }
  }
  return elements;
}

/**
 * The 1-D basis matrix `M[r][p] = S_p[r]` (columns = the three stencils) and its inverse.
 * `M = M₀ · diag(1, 1/h, 1/h²)` with `M₀` the stencils at h = 1, so
 * `M⁻¹ = diag(1, h, h²) · M₀⁻¹` with `M₀⁻¹ = [[1, 1, 1], [−1, 0, 1], [½, 0, ½]]`
 * (`s₀ = k₋₁ + k₀ + k₊₁`, `s₁ = k₊₁ − k₋₁`, `s₂ = (k₋₁ + k₊₁)/2`).
 */
function basisMatrix1d(h: number, inverse: boolean): number[][] {
  if (inverse) {
    return [
      [1, 1, 1],
      [-h, 0, h],
      [(h * h) / 2, 0, (h * h) / 2],
    ];
  }
  const columns = ORDERS.map((p) => finiteDifferenceStencil(p, h));
  return [0, 1, 2].map((r) => columns.map((s) => s[r]!));
}

/** Kronecker product `M ⊗ M` of a 3×3 matrix, row-major 9×9: the 2-D map on the 9 entries. */
function kron3(m: number[][]): Float32Array {
  const out = new Float32Array(81);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      for (let k = 0; k < 3; k++) {
        for (let l = 0; l < 3; l++) {
          out[(3 * i + j) * 9 + (3 * k + l)] = m[i]![k]! * m[j]![l]!;
        }
      }
    }
  }
  return out;
}

/** Applies a 9×9 map to the 3×3 spatial entries of every (in, out) channel pair at once. */
function applyToEntries(x: tf.Tensor4D, map: Float32Array): tf.Tensor4D {
  return tf.tidy(() => {
    const [, , cin, cout] = x.shape;
    const entries = tf.reshape(x, [9, cin * cout]);
    return tf.reshape(tf.matMul(tf.tensor2d(map, [9, 9]), entries), [3, 3, cin, cout]);
  });
}

function checkKernel(x: unknown, name: string): asserts x is tf.Tensor4D {
  assertShape(x, [3, 3, null, null], name);
  assertDtype(x, 'float32', name);
}

/**
 * Coordinates of 3×3 kernels in the differential-operator basis of {@link differentialBasis}:
 * the unique `s` with `kernel[:, :, i, o] = Σ_ab s[a, b, i, o] · basis_ab(h)` for every channel
 * pair, i.e. the continuous operator `Σ_ab s_ab ∂_y^a ∂_x^b` the kernel discretises. Since the
 * basis is `M ⊗ M` for the 1-D matrix `M` of the three stencils, `s = (M⁻¹ ⊗ M⁻¹) vec(kernel)`:
 * one 9×9 matrix product for all channel pairs.
 *
 * @param kernel - `[3, 3, in, out]`, float32 (tf.conv2d's filter layout).
 * @param h - The mesh width the kernel acts on, > 0.
 * @returns `[3, 3, in, out]`, indexed `[a, b, in, out]` (`a`: order in y/rows, `b`: in x/columns).
 * @throws {@link ShapeError} unless `kernel` is `[3, 3, *, *]`.
 * @throws {@link DTypeError} unless `kernel` is float32.
 * @throws {@link ValueError} when `h` is not a positive number.
 * @example
 * ```ts
 * const s = kernelToCoefficients(kernel, h);      // the operator the kernel discretises
 * const coarse = coefficientsToKernel(s, 2 * h);  // rediscretised on the coarse mesh
 * ```
 */
export function kernelToCoefficients(kernel: tf.Tensor4D, h: number): tf.Tensor4D {
  checkKernel(kernel, 'kernelToCoefficients: kernel');
  meshWidth(h, 'kernelToCoefficients');
  return applyToEntries(kernel, kron3(basisMatrix1d(h, true)));
}

/**
 * The 3×3 kernels with the given coordinates in the differential-operator basis (the inverse of
 * {@link kernelToCoefficients}): `kernel[:, :, i, o] = Σ_ab s[a, b, i, o] · basis_ab(h)`,
 * computed as `(M ⊗ M) vec(s)` for all channel pairs at once.
 *
 * @param coefficients - `[3, 3, in, out]` indexed `[a, b, in, out]`, float32.
 * @param h - The mesh width to discretise on, > 0.
 * @returns `[3, 3, in, out]`, a tf.conv2d filter.
 * @throws {@link ShapeError} unless `coefficients` is `[3, 3, *, *]`.
 * @throws {@link DTypeError} unless `coefficients` is float32.
 * @throws {@link ValueError} when `h` is not a positive number.
 * @example
 * ```ts
 * // the 5-point Laplacian ∂²_y + ∂²_x on mesh h
 * const s = tf.tensor4d([0, 0, 1, 0, 0, 0, 1, 0, 0], [3, 3, 1, 1]);
 * const laplacian = coefficientsToKernel(s, h); // [0 1 0; 1 -4 1; 0 1 0] / h²
 * ```
 */
export function coefficientsToKernel(coefficients: tf.Tensor4D, h: number): tf.Tensor4D {
  checkKernel(coefficients, 'coefficientsToKernel: coefficients');
  meshWidth(h, 'coefficientsToKernel');
  return applyToEntries(coefficients, kron3(basisMatrix1d(h, false)));
}

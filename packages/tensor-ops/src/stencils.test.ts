import * as tf from '@tensorflow/tfjs-core';
import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { DTypeError, ShapeError, ValueError } from './errors.js';
import { Rng } from './rng.js';
import {
  coefficientsToKernel,
  type DerivativeOrder,
  differentialBasis,
  finiteDifferenceStencil,
  kernelToCoefficients,
} from './stencils.js';

function relativeError(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => {
    const diff = tf.norm(tf.sub(a, b)).dataSync()[0] as number;
    return diff / (tf.norm(b).dataSync()[0] as number);
  });
}

/** p-th derivative of the polynomial Σ_k c_k t^k at t. */
function polyDerivative(c: readonly number[], p: number, t: number): number {
  let sum = 0;
  for (let k = p; k < c.length; k++) {
    let factor = 1;
    for (let j = 0; j < p; j++) factor *= k - j;
    sum += c[k]! * factor * t ** (k - p);
  }
  return sum;
}

const MESH_WIDTHS = [1, 0.5, 0.2, 1 / 16];

describe('finite-difference stencils', () => {
  it('are the textbook three-point stencils', () => {
    expect(finiteDifferenceStencil(0, 0.1)).toEqual([0, 1, 0]);
    expect(finiteDifferenceStencil(1, 0.5)).toEqual([-1, 0, 1]);
    expect(finiteDifferenceStencil(1, 0.25)).toEqual([-2, 0, 2]);
    expect(finiteDifferenceStencil(2, 0.5)).toEqual([4, -8, 4]);
  });

  it('each 2-D basis element is the tensor product S_a ⊗ S_b of order a + b', () => {
    for (const h of MESH_WIDTHS) {
      const basis = differentialBasis(h);
      const unit = differentialBasis(1);
      expect(basis.map((e) => [e.a, e.b])).toEqual([
        [0, 0],
        [0, 1],
        [0, 2],
        [1, 0],
        [1, 1],
        [1, 2],
        [2, 0],
        [2, 1],
        [2, 2],
      ]);
      basis.forEach((e, i) => {
        expect(e.order).toBe(e.a + e.b);
        const sy = finiteDifferenceStencil(e.a, h);
        const sx = finiteDifferenceStencil(e.b, h);
        for (let r = 0; r < 3; r++) {
          for (let c = 0; c < 3; c++) {
            expect(e.stencil[r]![c]).toBeCloseTo(sy[r]! * sx[c]!, 10);
            // weights scale with the mesh power of the derivative order
            expect(e.stencil[r]![c]! * h ** e.order).toBeCloseTo(unit[i]!.stencil[r]![c]!, 10);
          }
        }
      });
    }
  });

  it('the 9 basis kernels are linearly independent', () => {
    for (const h of MESH_WIDTHS) {
      const rows = differentialBasis(h).map((e) => e.stencil.flat());
      const svd = new SingularValueDecomposition(new Matrix(rows));
      expect(svd.rank).toBe(9);
    }
  });

  it('rejects invalid orders and mesh widths', () => {
    expect(() => finiteDifferenceStencil(3 as DerivativeOrder, 1)).toThrow(ValueError);
    expect(() => finiteDifferenceStencil(1, 0)).toThrow(
      'finiteDifferenceStencil: h: expected a finite number > 0, got 0',
    );
    expect(() => differentialBasis(Number.NaN)).toThrow(ValueError);
  });
});

describe.each(['cpu', 'wasm'] as const)('stencils and coefficients on %s', (backend) => {
  it('the 1-D stencils differentiate quadratics (first) and cubics (second) exactly', async () => {
    await initBackend({ backend });
    const h = 0.25;
    const c = [0.3, -1.2, 0.7, 0.4]; // u(t) = Σ c_k t^k
    const n = 9;
    const t = Array.from({ length: n }, (_, i) => (i - 4) * h);
    const quadratic = c.slice(0, 3);
    for (const [order, coeffs] of [
      [1, quadratic],
      [2, c],
    ] as const) {
      const u = tf.tensor3d(
        t.map((ti) => polyDerivative(coeffs, 0, ti)),
        [1, n, 1],
      );
      const kernel = tf.tensor3d(finiteDifferenceStencil(order, h), [3, 1, 1]);
      const du = tf.conv1d(u, kernel, 1, 'valid');
      const values = du.dataSync();
      for (let i = 1; i < n - 1; i++) {
        const exact = polyDerivative(coeffs, order, t[i]!);
        // exact in exact arithmetic; float32 round-off of |u| ≤ 3 amplified by Σ|w| ≤ 4/h²
        expect(Math.abs((values[i - 1] as number) - exact)).toBeLessThan(1e-5 * (4 / h ** order));
      }
      tf.dispose([u, kernel, du]);
    }
  });

  it('basis_ab applied to a biquadratic gives ∂_y^a ∂_x^b exactly at interior points', async () => {
    await initBackend({ backend });
    const rng = Rng.fromSeed(11);
    // u(y, x) = P(y) Q(x) + R(y) T(x) with quadratics P, Q, R, T: every derivative up to
    // ∂_y²∂_x² is non-trivial, and 1-D centred differences are exact on quadratics.
    const quad = (): number[] => [0, 1, 2].map(() => rng.nextNormal());
    const [P, Q, R, T] = [quad(), quad(), quad(), quad()];
    for (const h of [0.5, 0.25]) {
      const n = 7;
      const coord = (i: number): number => (i - 3) * h;
      const samples: number[] = [];
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const y = coord(i);
          const x = coord(j);
          samples.push(
            polyDerivative(P, 0, y) * polyDerivative(Q, 0, x) +
              polyDerivative(R, 0, y) * polyDerivative(T, 0, x),
          );
        }
      }
      const u = tf.tensor4d(samples, [1, n, n, 1]);
      const uMax = Math.max(...samples.map(Math.abs));
      for (const e of differentialBasis(h)) {
        const kernel = tf.tensor4d(e.stencil.flat(), [3, 3, 1, 1]);
        const du = tf.conv2d(u, kernel, 1, 'valid');
        const values = du.dataSync();
        const weightSum = e.stencil.flat().reduce((s, w) => s + Math.abs(w), 0);
        for (let i = 1; i < n - 1; i++) {
          for (let j = 1; j < n - 1; j++) {
            const y = coord(i);
            const x = coord(j);
            const exact =
              polyDerivative(P, e.a, y) * polyDerivative(Q, e.b, x) +
              polyDerivative(R, e.a, y) * polyDerivative(T, e.b, x);
            const got = values[(i - 1) * (n - 2) + (j - 1)] as number;
            // float32 round-off only: ε·|u|·Σ|w| (plus the value's own rounding)
            const tol = 1e-6 * uMax * weightSum + 1e-6 * Math.abs(exact);
            expect(Math.abs(got - exact)).toBeLessThan(tol);
          }
        }
        tf.dispose([kernel, du]);
      }
      u.dispose();
    }
  });

  it('kernelToCoefficients maps each basis kernel to its unit coefficient', async () => {
    await initBackend({ backend });
    for (const h of MESH_WIDTHS) {
      const basis = differentialBasis(h);
      // channel pair (0, k) holds basis element k
      const weights: number[] = [];
      for (let r = 0; r < 3; r++) {
        for (let c = 0; c < 3; c++) {
          for (const e of basis) weights.push(e.stencil[r]![c]!);
        }
      }
      const kernels = tf.tensor4d(weights, [3, 3, 1, 9]);
      const s = kernelToCoefficients(kernels, h);
      const values = s.dataSync();
      for (let a = 0; a < 3; a++) {
        for (let b = 0; b < 3; b++) {
          for (let k = 0; k < 9; k++) {
            const expected = k === 3 * a + b ? 1 : 0;
            expect(Math.abs((values[(3 * a + b) * 9 + k] as number) - expected)).toBeLessThan(1e-6);
          }
        }
      }
      tf.dispose([kernels, s]);
    }
  });

  it('the coefficients of ∂²_y + ∂²_x give the 5-point Laplacian', async () => {
    await initBackend({ backend });
    const h = 0.1;
    const s = tf.tensor4d([0, 0, 1, 0, 0, 0, 1, 0, 0], [3, 3, 1, 1]);
    const kernel = coefficientsToKernel(s, h);
    const expected = [0, 1, 0, 1, -4, 1, 0, 1, 0].map((v) => v / (h * h));
    Array.from(kernel.dataSync()).forEach((v, i) => {
      expect(Math.abs(v - expected[i]!)).toBeLessThan((1e-6 * 4) / (h * h));
    });
    tf.dispose([s, kernel]);
  });

  it.each(MESH_WIDTHS)('round trips kernel ↔ coefficients to 1e-6 (h = %d)', async (h) => {
    await initBackend({ backend });
    const rng = Rng.fromSeed(Math.round(1 / h));
    for (const [cin, cout] of [
      [1, 1],
      [2, 3],
      [4, 2],
    ] as const) {
      const kernel = rng.normal([3, 3, cin, cout]) as tf.Tensor4D;
      const s = kernelToCoefficients(kernel, h);
      const back = coefficientsToKernel(s, h);
      expect(relativeError(back, kernel)).toBeLessThan(1e-6);
      // Coefficients of a kernel with O(1) weights scale like h^(a+b); drawing them that way
      // keeps the comparison meaningful in float32 (unscaled random s on a fine mesh would be
      // dominated by the h^-4 element, and the low orders lost to round-off in any precision).
      const scale = tf.tensor4d(
        Array.from({ length: 9 * cin * cout }, (_, i) => {
          const ab = Math.floor(i / (cin * cout));
          return h ** (Math.floor(ab / 3) + (ab % 3));
        }),
        [3, 3, cin, cout],
      );
      const raw = rng.normal([3, 3, cin, cout]);
      const coeffs = tf.mul(raw, scale) as tf.Tensor4D;
      const k = coefficientsToKernel(coeffs, h);
      const coeffsBack = kernelToCoefficients(k, h);
      // compare per derivative order, in units of h^(a+b)
      const scaledBack = tf.div(coeffsBack, scale);
      expect(relativeError(scaledBack, raw)).toBeLessThan(1e-6);
      tf.dispose([kernel, s, back, scale, raw, coeffs, k, coeffsBack, scaledBack]);
    }
  });

  it('rediscretisation keeps s and rescales by the mesh power of each order', async () => {
    await initBackend({ backend });
    const rng = Rng.fromSeed(2);
    const h = 0.25;
    const kernel = rng.normal([3, 3, 2, 2]) as tf.Tensor4D;
    const s = kernelToCoefficients(kernel, h);
    const coarse = coefficientsToKernel(s, 2 * h);
    // each basis element's weights scale by 2^-(a+b) from h to 2h: check on the coefficients
    const sCoarseAtFine = kernelToCoefficients(coarse, h);
    const factors = tf.tensor4d(
      Array.from({ length: 36 }, (_, i) => {
        const ab = Math.floor(i / 4);
        return 2 ** -(Math.floor(ab / 3) + (ab % 3));
      }),
      [3, 3, 2, 2],
    );
    const expected = tf.mul(s, factors);
    expect(relativeError(sCoarseAtFine, expected)).toBeLessThan(1e-6);
    tf.dispose([kernel, s, coarse, sCoarseAtFine, factors, expected]);
  });
});

describe('coefficient validation', () => {
  it('rejects kernels that are not [3, 3, in, out] float32 and bad mesh widths', () => {
    const k5 = tf.zeros([5, 5, 1, 1]) as tf.Tensor4D;
    const ints = tf.zeros([3, 3, 1, 1], 'int32') as tf.Tensor4D;
    const ok = tf.zeros([3, 3, 1, 1]) as tf.Tensor4D;
    expect(() => kernelToCoefficients(k5, 1)).toThrow(ShapeError);
    expect(() => kernelToCoefficients(k5, 1)).toThrow(
      'kernelToCoefficients: kernel: expected shape [3, 3, *, *], got [5, 5, 1, 1]',
    );
    expect(() => coefficientsToKernel(k5, 1)).toThrow(
      'coefficientsToKernel: coefficients: expected shape [3, 3, *, *], got [5, 5, 1, 1]',
    );
    expect(() => kernelToCoefficients(ints, 1)).toThrow(DTypeError);
    expect(() => kernelToCoefficients(ok, -1)).toThrow(
      'kernelToCoefficients: h: expected a finite number > 0, got -1',
    );
    tf.dispose([k5, ints, ok]);
  });
});

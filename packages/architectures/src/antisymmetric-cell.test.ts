import { Rng } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { eigenvalues, jacobian } from '../test/helpers.js';
import { antisymmetricCell } from './antisymmetric-cell.js';
import { antisymmetricRecurrence } from './antisymmetric-recurrence.js';
import { initCell } from './make-cell.js';

describe('antisymmetricRecurrence', () => {
  it('is W − Wᵀ − γI entry by entry, and for 2×2 has eigenvalues −γ ± i(w₁₂ − w₂₁)', () => {
    const gamma = 0.35;
    const Wv = [
      [0.4, 2.0],
      [0.7, -1.1],
    ];
    const W = tf.tensor2d(Wv);
    const M = antisymmetricRecurrence(W, gamma);
    const m = M.arraySync();
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 2; j++) {
        const want = (Wv[i]?.[j] as number) - (Wv[j]?.[i] as number) - (i === j ? gamma : 0);
        expect(m[i]?.[j]).toBeCloseTo(want, 6);
      }
    }
    // λ² − tr λ + det = 0 with tr = −2γ, det = γ² + a², a = w₁₂ − w₂₁ = 1.3:
    // the discriminant tr² − 4 det = −4a² < 0, so λ = tr/2 ± i a = −γ ± 1.3 i.
    const tr = (m[0]?.[0] as number) + (m[1]?.[1] as number);
    const det =
      (m[0]?.[0] as number) * (m[1]?.[1] as number) - (m[0]?.[1] as number) * (m[1]?.[0] as number);
    expect(tr * tr - 4 * det).toBeLessThan(0);
    expect(tr / 2).toBeCloseTo(-gamma, 6);
    expect(Math.sqrt(4 * det - tr * tr) / 2).toBeCloseTo(1.3, 5);
    tf.dispose([W, M]);
  });

  it('has every eigenvalue on Re λ = −γ (6×6, eigenvalues by ml-matrix)', () => {
    const rng = Rng.fromSeed(5);
    for (const gamma of [0, 0.01, 0.5]) {
      const W = rng.normal([6, 6]) as tf.Tensor2D;
      const M = antisymmetricRecurrence(W, gamma);
      const eig = eigenvalues(M.arraySync());
      expect(eig).toHaveLength(6);
      for (const { re } of eig) expect(re).toBeCloseTo(-gamma, 4);
      // Not all on the real axis: the imaginary parts carry the rotation.
      expect(Math.max(...eig.map(({ im }) => Math.abs(im)))).toBeGreaterThan(0.1);
      tf.dispose([W, M]);
    }
  });
});

describe('antisymmetricCell: the hidden-to-hidden Jacobian', () => {
  /**
   * At γ = 0, J = ∂h_t/∂h_{t−1} = I + ε D M with D = diag(1 − tanh²(z)) independent of ε, and
   * the eigenvalues of D M are ±iω (D^{1/2} M D^{1/2} is antisymmetric), so the spectral radius
   * of J is exactly √(1 + ε² ω_max²) = 1 + ε² ω_max²/2 + O(ε⁴).
   */
  it('has spectral radius √(1 + ε²ω²) = 1 + O(ε²) at γ = 0', () => {
    const n = 6;
    const rng = Rng.fromSeed(9);
    const x = rng.normal([1, 3]);
    const h = rng.normal([1, n], { std: 0.5 });
    const base = initCell(antisymmetricCell({ inputSize: 3, units: n, gamma: 0 }), rng) as Record<
      string,
      tf.Tensor
    >;
    // ω_max from D M, computed from the formula (not from the cell).
    const Wv = (base.W as tf.Tensor2D).arraySync();
    const Vv = (base.V as tf.Tensor2D).arraySync();
    const xv = (x.arraySync() as number[][])[0] as number[];
    const hv = (h.arraySync() as number[][])[0] as number[];
    const Mv = Wv.map((row, i) => row.map((w, j) => w - (Wv[j]?.[i] as number)));
    const z = Mv.map(
      (row, i) =>
        row.reduce((s, m, j) => s + m * (hv[j] as number), 0) +
        xv.reduce((s, xk, k) => s + xk * (Vv[k]?.[i] as number), 0),
    );
    const DM = Mv.map((row, i) => row.map((m) => (1 - Math.tanh(z[i] as number) ** 2) * m));
    const dmEig = eigenvalues(DM);
    for (const { re } of dmEig) expect(Math.abs(re)).toBeLessThan(1e-9);
    const omega = Math.max(...dmEig.map(({ im }) => Math.abs(im)));
    expect(omega).toBeGreaterThan(0.5);

    const radius = (epsilon: number): number => {
      const cell = antisymmetricCell({ inputSize: 3, units: n, epsilon, gamma: 0 });
      const J = jacobian(
        (v) =>
          (cell.step(base, x as tf.Tensor2D, [v as tf.Tensor2D]) as tf.Tensor[])[0] as tf.Tensor,
        h,
      );
      // The autodiff Jacobian J[i][j] = ∂h'_i/∂h_j is I + ε D M.
      J.forEach((row, i) => {
        row.forEach((v, j) => {
          expect(v).toBeCloseTo((i === j ? 1 : 0) + epsilon * (DM[i]?.[j] as number), 5);
        });
      });
      return Math.max(...eigenvalues(J).map(({ re, im }) => Math.hypot(re, im)));
    };
    for (const epsilon of [0.2, 0.1, 0.05]) {
      const rho = radius(epsilon);
      expect(rho).toBeGreaterThanOrEqual(1 - 1e-6);
      expect(rho).toBeCloseTo(Math.sqrt(1 + epsilon ** 2 * omega ** 2), 5);
      // The excess over 1 is second order: at most ε² ω² / 2.
      expect(rho - 1).toBeLessThanOrEqual((epsilon ** 2 * omega ** 2) / 2 + 1e-6);
    }
    // Halving ε quarters the excess.
    const ratio = (radius(0.1) - 1) / (radius(0.05) - 1);
    expect(ratio).toBeGreaterThan(3.7);
    expect(ratio).toBeLessThan(4.1);
    tf.dispose([x, h, ...Object.values(base)]);
  });
});

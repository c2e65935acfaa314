import * as tf from '@tensorflow/tfjs-core';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { type Mat, randomMatrix, tidyValue } from '../test/helpers.js';
import { jacobian, jacobianSpectrum } from './jacobian.js';
import type { Complex } from './stability-function.js';

type P = { K: tf.Tensor; b: tf.Tensor };
/** f = σ(K y + b) on row vectors: y Kᵀ + b. */
const layer = (_t: number, y: tf.Tensor, { K, b }: P): tf.Tensor =>
  tf.tanh(tf.add(tf.matMul(y, K, false, true), b));

const modulus = (z: Complex): number => Math.hypot(z.re, z.im);

describe('jacobian', () => {
  it('of σ(K y + b) is diag(σ′(K y + b)) K (closed form), block diagonal over a batch', () => {
    const d = 4;
    const K: Mat = randomMatrix(d, d, 21, 0.9);
    const b = [0.1, -0.2, 0.3, 0];
    const Y = [
      [0.5, -0.3, 0.8, 0.1],
      [-1, 0.2, 0.4, 0.7],
    ];
    const J = tf.tidy(() =>
      jacobian(layer, 0, tf.tensor2d(Y), { K: tf.tensor2d(K), b: tf.tensor1d(b) }),
    );
    expect(J).toHaveLength(2 * d);
    Y.forEach((y, s) => {
      const z = K.map((row, i) =>
        row.reduce((acc, k, j) => acc + k * (y[j] as number), b[i] as number),
      );
      for (let i = 0; i < d; i++) {
        const slope = 1 - Math.tanh(z[i] as number) ** 2;
        for (let j = 0; j < 2 * d; j++) {
          const inBlock = j >= s * d && j < (s + 1) * d;
          const expected = inBlock ? slope * ((K[i] as number[])[j - s * d] as number) : 0;
          expect((J[s * d + i] as number[])[j]).toBeCloseTo(expected, 5);
        }
      }
    });
  });
});

describe('jacobianSpectrum', () => {
  it('antisymmetric K (σ = tanh at K y + b = 0, where σ′ = 1): purely imaginary eigenvalues ±i|…|', () => {
    const d = 6;
    const A: Mat = randomMatrix(d, d, 4);
    const S: Mat = A.map((row, i) => row.map((x, j) => x - ((A[j] as number[])[i] as number)));
    const spectrum = tidyValue(() =>
      jacobianSpectrum(layer, 0, tf.zeros([1, d]), { K: tf.tensor2d(S), b: tf.zeros([d]) }),
    );
    expect(spectrum.dimension).toBe(d);
    expect(spectrum.eigenvalues).toHaveLength(d);
    for (const z of spectrum.eigenvalues) expect(Math.abs(z.re)).toBeLessThan(1e-5);
    expect(Math.abs(spectrum.maxRealPart)).toBeLessThan(1e-5);
    // The moduli are the singular values of S (normal matrix), paired ±.
    const imag = spectrum.eigenvalues.map((z) => z.im).sort((a, b) => a - b);
    imag.forEach((v, i) => {
      expect(v).toBeCloseTo(-(imag[d - 1 - i] as number), 5);
    });
    const sv = new Matrix(S).transpose().mmul(new Matrix(S));
    const expected = new EigenvalueDecomposition(sv).realEigenvalues
      .map((x) => Math.sqrt(Math.max(0, x)))
      .sort((a, b) => b - a);
    const got = spectrum.eigenvalues.map(modulus).sort((a, b) => b - a);
    got.forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i] as number, 4);
    });
  });

  it('Arnoldi and block power iteration find the largest-modulus eigenvalue of a medium problem', () => {
    const d = 40;
    // K = G/√d + 3 u uᵀ: a bulk of radius ≈ 1 and one outlying eigenvalue near 3.
    const G = randomMatrix(d, d, 9, Math.sqrt(3 / d));
    const u = randomMatrix(1, d, 10)[0] as number[];
    const nu = Math.hypot(...u);
    const K: Mat = G.map((row, i) =>
      row.map((x, j) => x + (3 * (u[i] as number) * (u[j] as number)) / (nu * nu)),
    );
    const y = randomMatrix(1, d, 11, 0.2);
    const run = (method: 'exact' | 'arnoldi' | 'power') =>
      tidyValue(() =>
        jacobianSpectrum(
          layer,
          0,
          tf.tensor2d(y),
          { K: tf.tensor2d(K), b: tf.zeros([d]) },
          { method, k: 3 },
        ),
      );
    const exact = run('exact');
    const top = exact.eigenvalues[0] as Complex;
    expect(modulus(top)).toBeGreaterThan(1.5 * modulus(exact.eigenvalues[1] as Complex));
    for (const method of ['arnoldi', 'power'] as const) {
      const estimate = run(method);
      expect(estimate.eigenvalues).toHaveLength(3);
      const first = estimate.eigenvalues[0] as Complex;
      expect(modulus({ re: first.re - top.re, im: first.im - top.im })).toBeLessThan(
        1e-4 * modulus(top),
      );
      expect(estimate.spectralRadius).toBeCloseTo(exact.spectralRadius, 4);
    }
  });

  it('validates its options', () => {
    tf.tidy(() => {
      const y = tf.zeros([1, 2]);
      const p = { K: tf.eye(2), b: tf.zeros([2]) };
      expect(() => jacobianSpectrum(layer, 0, y, p, { method: 'qr' as 'exact' })).toThrow(
        /method: unknown "qr"/,
      );
      expect(() => jacobianSpectrum(layer, 0, y, p, { method: 'arnoldi', krylov: 5 })).toThrow(
        /krylov/,
      );
    });
  });
});

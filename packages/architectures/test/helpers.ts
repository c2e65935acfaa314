// Independent reference computations for the tests (plain loops and ml-matrix, no TF.js ops
// beyond reading data).
import * as tf from '@tensorflow/tfjs-core';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/**
 * Cross-correlation with zero 'same' padding by loops: `out[n][i][j][o] =
 * Σ_{p,q,c} K[p][q][c][o] · x[n][i + p − r][j + q − r][c]`, `r = (k − 1)/2`.
 */
export function naiveConvSame(x: tf.Tensor4D, K: tf.Tensor4D): number[][][][] {
  const xs = x.arraySync();
  const ks = K.arraySync();
  const [n, h, w] = x.shape;
  const [k, , cin, cout] = K.shape;
  const r = (k - 1) / 2;
  const out: number[][][][] = [];
  for (let b = 0; b < n; b++) {
    const img: number[][][] = [];
    for (let i = 0; i < h; i++) {
      const row: number[][] = [];
      for (let j = 0; j < w; j++) {
        const px: number[] = [];
        for (let o = 0; o < cout; o++) {
          let s = 0;
          for (let p = 0; p < k; p++) {
            for (let q = 0; q < k; q++) {
              const ii = i + p - r;
              const jj = j + q - r;
              if (ii < 0 || jj < 0 || ii >= h || jj >= w) continue;
              for (let c = 0; c < cin; c++) {
                s += (ks[p]?.[q]?.[c]?.[o] as number) * (xs[b]?.[ii]?.[jj]?.[c] as number);
              }
            }
          }
          px.push(s);
        }
        row.push(px);
      }
      img.push(row);
    }
    out.push(img);
  }
  return out;
}

/**
 * The Jacobian `J[i][j] = ∂f_i/∂y_j` of a map of one example (`y: [1, ...]`) by reverse mode,
 * one output component at a time.
 */
export function jacobian(f: (y: tf.Tensor) => tf.Tensor, y: tf.Tensor): number[][] {
  const n = y.size;
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row = tf.tidy(() => {
      const g = tf.grad((v: tf.Tensor) => {
        const flat = tf.reshape(f(v), [-1]);
        return tf.sum(tf.slice(flat, [i], [1]));
      })(y);
      return Array.from(g.dataSync());
    });
    rows.push(row);
  }
  return rows;
}

/** Eigenvalues of a real square matrix (ml-matrix), as `{ re, im }` pairs. */
export function eigenvalues(J: number[][]): { re: number; im: number }[] {
  const e = new EigenvalueDecomposition(new Matrix(J));
  return e.realEigenvalues.map((re, i) => ({ re, im: e.imaginaryEigenvalues[i] as number }));
}

/** Frobenius norm of `a − b` (number). */
export function distance(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.norm(tf.sub(a, b)).dataSync()[0] as number);
}

/** Frobenius norm (number). */
export function norm(a: tf.Tensor): number {
  return tf.tidy(() => tf.norm(a).dataSync()[0] as number);
}

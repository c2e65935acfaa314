import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from './errors.js';
import { assertDtype, assertRank, formatShape } from './validate.js';

/**
 * The antisymmetric part (times two) of a square matrix: `A = W − Wᵀ`, so `Aᵀ = −A` and
 * `⟨A x, x⟩ = 0` for every `x`. Its eigenvalues are purely imaginary, which is what makes
 * antisymmetric networks and AntisymmetricRNN (`h' = σ((W − Wᵀ − γI) h + …)`) neither blow up
 * nor decay.
 *
 * @param W - `[d, d]`, float32.
 * @returns `[d, d]`, `W − Wᵀ`.
 * @throws {@link ShapeError} unless `W` is a square matrix.
 * @throws {@link DTypeError} unless `W` is float32.
 * @example
 * ```ts
 * const A = antisymmetricDense(W);           // [16, 16]
 * const f = tf.tanh(tf.matMul(h, A));        // a stable RNN's dynamics (row-vector convention)
 * ```
 */
export function antisymmetricDense(W: tf.Tensor2D): tf.Tensor2D {
  assertRank(W, 2, 'antisymmetricDense: W');
  assertDtype(W, 'float32', 'antisymmetricDense: W');
  if (W.shape[0] !== W.shape[1]) {
    throw new ShapeError(
      `antisymmetricDense: W: expected a square matrix [d, d], got ${formatShape(W.shape)}`,
    );
  }
  return tf.tidy(() => tf.sub(W, tf.transpose(W)));
}

/**
 * The kernel of the antisymmetric convolution operator `K − Kᵀ` for stride 1 and `'same'` zero
 * padding. For an odd `k × k` kernel the adjoint of `x ↦ conv2d(x, K, 1, 'same')` is again such a
 * convolution, whose kernel is `K` flipped in both spatial axes with its input and output channels
 * swapped: `Kᵀ[p, q, c, o] = K[k−1−p, k−1−q, o, c]`. So
 * `A[p, q, c, o] = K[p, q, c, o] − K[k−1−p, k−1−q, o, c]`, and `conv2d(x, A, 1, 'same')` equals
 * `conv(x, K) − convTranspose(x, K)` with `⟨A x, x⟩ = 0` (boundaries included).
 *
 * @param K - `[k, k, c, c]` with `k` odd, float32 (same number of input and output channels,
 *   since `K − Kᵀ` maps a space to itself).
 * @returns `[k, k, c, c]`, the kernel of `K − Kᵀ`; use it with stride 1 and `'same'` padding.
 * @throws {@link ShapeError} unless `K` is `[k, k, c, c]` with `k` odd.
 * @throws {@link DTypeError} unless `K` is float32.
 * @example
 * ```ts
 * const A = antisymmetricConvKernel(K);            // [3, 3, 8, 8]
 * const f = tf.relu(tf.conv2d(Y, A, 1, 'same'));   // antisymmetric network dynamics
 * ```
 */
export function antisymmetricConvKernel(K: tf.Tensor4D): tf.Tensor4D {
  assertRank(K, 4, 'antisymmetricConvKernel: K');
  assertDtype(K, 'float32', 'antisymmetricConvKernel: K');
  const [kh, kw, cin, cout] = K.shape;
  if (kh !== kw || kh % 2 === 0 || cin !== cout) {
    throw new ShapeError(
      `antisymmetricConvKernel: K: expected [k, k, c, c] with k odd (a square odd kernel with as many output as input channels), got ${formatShape(K.shape)}`,
    );
  }
  return tf.tidy(() => tf.sub(K, tf.transpose(tf.reverse(K, [0, 1]), [0, 1, 3, 2])));
}

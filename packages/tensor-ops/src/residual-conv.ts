// The residual block x + σ(conv(x, K) + b) of a ResNet's forward Euler step: one kernel on backends that have it.
import * as tf from '@tensorflow/tfjs-core';
import { type DTypeError, ShapeError, type ValueError } from './errors.js';
import { checkFusedConv, type FusedConvActivation, fusedConv } from './fused-conv.js';
import { assertRank, formatShape } from './validate.js';

/** The name of the backend's residual-convolution kernel, once a backend has provided one. */
let residualKernel: string | null = null;

/**
 * Tells {@link residualConv} the kernel name under which a backend (so far `@runge/native`)
 * computes the residual block in one kernel (with its gradient registered by that backend).
 * `initBackend` calls it when it loads such a backend.
 *
 * @internal
 */
export function useResidualConvKernel(name: string | undefined): void {
  if (typeof name === 'string' && name.length > 0) residualKernel = name;
}

/** Options of {@link residualConv}. */
export interface ResidualConvOptions {
  /** `'relu'` or `'linear'` (default), as in `fusedConv`. */
  readonly activation?: FusedConvActivation;
}

/**
 * The residual block `z = x + σ(conv(x, K) + b)`: a forward Euler step of the ResNet dynamics
 * `σ(K Y + b)` whose step `h` has been moved into `K` and `b` (`h σ(KY + b) = σ(hKY + hb)` for a
 * positively homogeneous `σ`). Stride 1 and 'same' padding, so `z` has the shape of `x`.
 *
 * `z[n, i, j, c] = x[n, i, j, c] + σ(Σ_{p, q, d} K[p, q, d, c] · x[n, i + p − top, j + q − left, d] + b[c])`
 *
 * On a backend with a residual kernel (the native backend) the convolution, bias, activation and
 * addition are one pass over the output, and the gradient is one kernel too: relu's mask and the
 * bias sum in one pass, `∂x = ∂z + Kᵀ g` with `∂z` added inside the input-gradient convolution,
 * and the filter gradient. Elsewhere it is `x + fusedConv(x, K, b)`. Values and gradients agree
 * to rounding; gradients of gradients work on both.
 *
 * @param x - `[N, H, W, C]`, float32.
 * @param kernel - `[kh, kw, C, C]`, float32 (as many output as input channels).
 * @param bias - `[C]`, float32.
 * @param options - `activation`: `'relu'` or `'linear'` (default).
 * @returns `[N, H, W, C]`.
 * @throws {@link ShapeError} for an `x` that is not `[N, H, W, C]`, a kernel that does not map
 *   `C` channels to `C`, or a bias that is not `[C]`.
 * @throws {@link DTypeError} unless every tensor is float32.
 * @throws {@link ValueError} for an activation other than `'relu'` or `'linear'`.
 * @example
 * ```ts
 * // one Euler step of σ(KY + b) with h = 1/8: Y + h·relu(KY + b)
 * const next = residualConv(Y, tf.mul(K, 1 / 8), tf.mul(b, 1 / 8), { activation: 'relu' }); // Y: [64, 28, 28, 16]
 * ```
 */
export function residualConv(
  x: tf.Tensor4D,
  kernel: tf.Tensor4D,
  bias: tf.Tensor1D,
  options: ResidualConvOptions = {},
): tf.Tensor4D {
  assertRank(x, 4, 'residualConv: x');
  const { activation } = checkFusedConv(
    x,
    kernel,
    bias,
    { ...options, stride: 1, padding: 'same' },
    'residualConv',
  );
  if (kernel.shape[3] !== x.shape[3]) {
    throw new ShapeError(
      `residualConv: the kernel must map the ${x.shape[3]} channels of x to ${x.shape[3]} (x ${formatShape(x.shape)}, kernel ${formatShape(kernel.shape)}); the kernel is [kh, kw, C, C]`,
    );
  }
  const name = residualKernel;
  if (name === null || tf.getKernel(name, tf.getBackend()) === undefined) {
    return tf.tidy(() => tf.add(x, fusedConv(x, kernel, bias, { activation })));
  }
  return tf.tidy(() => {
    // While a tape records, the backend keeps relu's mask beside z for the gradient.
    const withMask = tf.engine().isTapeOn();
    const outputs = tf
      .engine()
      .runKernel(name, { x, filter: kernel, bias }, { activation, withMask }) as tf.Tensor[];
    return outputs[0] as tf.Tensor4D;
  });
}

import {
  assertNumber,
  assertShape,
  coefficientsToKernel,
  kernelToCoefficients,
} from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';

/** Mesh widths of a rediscretisation: the kernel's mesh `from` and the target mesh `to`. */
export interface RediscretizeOptions {
  /** Mesh width `h` the kernel was made for (e.g. `1/28`). */
  readonly from: number;
  /** Mesh width `H` to discretise on (e.g. `2h` to coarsen, `h/2` to refine). */
  readonly to: number;
}

/**
 * Rediscretisation of a 3×3 convolution kernel (docs: /math/multigrid#rediscretisation): write `K_h` in the
 * differential-operator basis, `K_h = Σ_ab s_ab · S_a(h) ⊗ S_b(h)` with `S_0 = [0, 1, 0]`,
 * `S_1 = [−1, 0, 1]/(2h)`, `S_2 = [1, −2, 1]/h²`, keep the operator `Σ_ab s_ab ∂_y^a ∂_x^b`,
 * and discretise it again on mesh `H`: `K_H = Σ_ab s_ab · S_a(H) ⊗ S_b(H)`. Each coefficient's
 * part is rescaled by `(h/H)^(a+b)`. Works both ways (coarsening `H = 2h`, refining `H = h/2`),
 * and on every `(in, out)` channel pair independently.
 *
 * @param kernel - `[3, 3, in, out]` (tf.conv2d convention: cross-correlation, NHWC).
 * @param options - `from` (h) and `to` (H), positive mesh widths.
 * @returns The kernel `[3, 3, in, out]` on mesh `H`; a new tensor owned by the caller.
 * @throws {@link @runge/tensor-ops!ShapeError} unless the kernel is 3×3.
 * @throws {@link @runge/tensor-ops!ValueError} for non-positive mesh widths.
 * @example
 * ```ts
 * // the ∂²/∂x² stencil [1, −2, 1]/h² on mesh h becomes [1, −2, 1]/(2h)² on mesh 2h
 * const coarse = rediscretize(kernel, { from: 1 / 28, to: 1 / 14 });
 * ```
 */
export function rediscretize(kernel: tf.Tensor4D, options: RediscretizeOptions): tf.Tensor4D {
  assertShape(kernel, [3, 3, null, null], 'kernel');
  const from = assertNumber(options.from, 'from', { min: 0, exclusiveMin: true });
  const to = assertNumber(options.to, 'to', { min: 0, exclusiveMin: true });
  return tf.tidy(() => coefficientsToKernel(kernelToCoefficients(kernel, from), to));
}

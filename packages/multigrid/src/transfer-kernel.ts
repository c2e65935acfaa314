import { assertOneOf, formatShape, ShapeError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { galerkinCoarsen, galerkinRefine } from './galerkin.js';
import { rediscretize } from './rediscretize.js';

/**
 * How a convolution kernel moves between mesh widths `h` and `2h`:
 * - `'naive'`: the same stencil on the new mesh. A stencil whose part of derivative order `p`
 *   approximates `h^p ∂^p` on mesh `h` approximates `(2h)^p ∂^p = 2^p h^p ∂^p` on mesh `2h`, so
 *   first-derivative parts are doubled and second-derivative parts quadrupled: a different
 *   continuous operator (halved for refining).
 * - `'galerkin'`: `K_H = R K_h P` (coarsening) or its unique 3×3 inverse (refining); keeps the
 *   operator's action on smooth grid functions.
 * - `'rediscretize'`: the continuous operator `Σ s_ab ∂_y^a ∂_x^b` of the stencil discretised
 *   again on the new mesh; keeps the operator exactly in the differential-operator basis.
 */
export type TransferMethod = 'naive' | 'galerkin' | 'rediscretize';

/** The names of {@link TransferMethod}. */
export const TRANSFER_METHODS: readonly TransferMethod[] = Object.freeze([
  'naive',
  'galerkin',
  'rediscretize',
] as const);

/** Which way a transfer goes: to the mesh `2h` (half the resolution) or to `h/2` (double). */
export type TransferDirection = 'coarsen' | 'refine';

/** Options of {@link transferKernel}. */
export interface TransferKernelOptions {
  /** See {@link TransferMethod}. */
  readonly method: TransferMethod;
  /** `'coarsen'`: mesh `h → 2h`; `'refine'`: mesh `h → h/2`. */
  readonly direction: TransferDirection;
  /** Name of the kernel in error messages; default `'kernel'`. */
  readonly name?: string;
}

function moveOne(kernel: tf.Tensor4D, options: TransferKernelOptions, name: string): tf.Tensor4D {
  const [kh, kw] = kernel.shape;
  const { method, direction } = options;
  if (method === 'naive') return tf.clone(kernel);
  if (method === 'rediscretize' && kh === 1 && kw === 1) {
    // A 1×1 kernel is a pointwise (order-0) operator: its continuous operator does not scale.
    return tf.clone(kernel);
  }
  if (kh !== 3 || kw !== 3) {
    throw new ShapeError(
      `${name}: '${method}' moves 3×3 kernels${method === 'rediscretize' ? ' (and 1×1 ones)' : ''} only, got ${kh}×${kw}` +
        ` (${method === 'galerkin' ? 'the Galerkin operator R K P of a 3×3 stencil is again 3×3' : 'the differential-operator basis spans the 3×3 stencils'});` +
        " use method 'naive', or a kernelSize of 3",
    );
  }
  if (method === 'galerkin') {
    return direction === 'coarsen' ? galerkinCoarsen(kernel) : galerkinRefine(kernel);
  }
  // Only the mesh ratio matters (the coefficient of order p scales by (h/H)^p), so h = 1.
  return rediscretize(kernel, { from: 1, to: direction === 'coarsen' ? 2 : 0.5 });
}

/**
 * Moves a convolution kernel (or an ODE block's stack of kernels) from mesh `h` to mesh `2h`
 * (`'coarsen'`) or `h/2` (`'refine'`) by `method` ({@link TransferMethod}), each `(in, out)`
 * channel pair and each slice of a stack independently:
 * naive `K' = K`; Galerkin `K_H = R K_h P` (coarsening) or the 3×3 `K_h` with `R K_h P = K_H`
 * (refining); rediscretisation `K' = Σ_ab s_ab S_a(h') ⊗ S_b(h')` with the coordinates `s` of
 * `K` in the basis `S_a(h) ⊗ S_b(h)` (the coefficient of derivative order `p` rescaled by
 * `(h/h')^p`). 1×1 kernels are pointwise operators: rediscretisation keeps them as they are.
 *
 * @param kernel - `[kh, kw, in, out]` (tf.conv2d convention) or a stack `[M, kh, kw, in, out]`.
 * @param options - `method`, `direction`, `name` (for messages).
 * @returns A new tensor of the same shape, owned by the caller.
 * @throws {@link @runge/tensor-ops!ShapeError} for a tensor that is not rank 4 or 5, or a kernel
 *   size the method cannot move (Galerkin: 3×3 only; rediscretisation: 3×3 and 1×1).
 * @throws {@link @runge/tensor-ops!ValueError} for an unknown method or direction.
 * @example
 * ```ts
 * // the ODE block's kernels of a model trained on 28×28 images, for 14×14 images
 * const coarse = transferKernel(params.ode_1.K, { method: 'galerkin', direction: 'coarsen' });
 * ```
 */
export function transferKernel(kernel: tf.Tensor, options: TransferKernelOptions): tf.Tensor {
  const name = options.name ?? 'kernel';
  assertOneOf(options.method, TRANSFER_METHODS, 'method');
  assertOneOf(options.direction, ['coarsen', 'refine'] as const, 'direction');
  if (kernel.rank === 4) return moveOne(kernel as tf.Tensor4D, options, name);
  if (kernel.rank !== 5) {
    throw new ShapeError(
      `${name}: expected a kernel [kh, kw, in, out] or a stack [M, kh, kw, in, out], got ${formatShape(kernel.shape)}`,
    );
  }
  const [m, kh, kw, cin, cout] = kernel.shape as [number, number, number, number, number];
  return tf.tidy(() => {
    // [M, kh, kw, in, out] → [kh, kw, in, M·out]: every slice's channel pairs side by side, so
    // one call moves the whole stack (each method acts on every (in, out) pair independently).
    const side = tf.reshape(tf.transpose(kernel, [1, 2, 3, 0, 4]), [kh, kw, cin, m * cout]);
    const moved = moveOne(side as tf.Tensor4D, options, name);
    return tf.transpose(tf.reshape(moved, [kh, kw, cin, m, cout]), [3, 0, 1, 2, 4]);
  });
}

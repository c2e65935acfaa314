import * as tf from '@tensorflow/tfjs-core';
import { type ConvPadding, conv, convTranspose } from './conv-operator.js';
import { NumericalError, ShapeError, ValueError } from './errors.js';
import { Rng } from './rng.js';
import { assertDtype, assertNumber, assertRank, assertShape, formatShape } from './validate.js';

/** Options shared by {@link spectralNorm} and {@link convSpectralNorm}. */
export interface PowerIterationOptions {
  /** Most power iterations to run; default 50. */
  readonly iterations?: number;
  /**
   * Stop once the estimate changes by at most `tolerance · σ` between two iterations;
   * default 1e-6. With 0 it runs until the float32 estimate stops changing or `iterations`.
   */
  readonly tolerance?: number;
}

/** Options of {@link spectralNorm}. */
export interface SpectralNormOptions extends PowerIterationOptions {
  /**
   * Starting left vector `[m]` (not necessarily normalised, not zero), typically the `u` returned
   * by the previous call, so that spectral normalisation across training steps needs only one or
   * two iterations per step. Default: a fixed pseudo-random vector.
   */
  readonly u?: tf.Tensor1D;
}

/** Options of {@link convSpectralNorm}: the operator `x ↦ conv2d(x, K, stride, padding)`. */
export interface ConvSpectralNormOptions extends PowerIterationOptions {
  /** The operator's input shape: `[H, W]`, `[H, W, in]` or `[N, H, W, in]` (N = 1 if absent). */
  readonly inputShape: readonly number[];
  /** Stride of the convolution; default 1. */
  readonly stride?: number | readonly [number, number];
  /** Zero padding of the convolution; default `'same'`. */
  readonly padding?: ConvPadding;
  /**
   * Starting input `[N, H, W, in]` (not zero), typically the `v` returned by the previous call.
   * Default: a fixed pseudo-random tensor.
   */
  readonly x0?: tf.Tensor4D;
}

/**
 * Result of a power iteration: `σ ≈ σ_max(A)` and the singular vectors with `A v ≈ σ u`,
 * `Aᵀ u ≈ σ v`, `‖u‖ = ‖v‖ = 1`, `σ = ⟨u, A v⟩`. The caller owns (and disposes) `u` and `v`.
 */
export interface SpectralNormResult<U extends tf.Tensor, V extends tf.Tensor> {
  /** The largest singular value estimate `‖A v‖` (a lower bound that increases to `σ_max`). */
  readonly sigma: number;
  /** Left singular vector (in the operator's output space), unit norm. */
  readonly u: U;
  /** Right singular vector (in the operator's input space), unit norm. */
  readonly v: V;
  /** Iterations performed (each one application of `A` and, except the last, of `Aᵀ`). */
  readonly iterations: number;
  /** Whether the tolerance was met before the iteration limit. */
  readonly converged: boolean;
}

/** Smallest norm divided by, so that a zero operator gives σ = 0 instead of NaN. */
const TINY = 1e-30;

function normalise(x: tf.Tensor): tf.Tensor {
  return tf.div(x, tf.maximum(tf.norm(x), TINY));
}

interface LoopOptions {
  readonly iterations: number;
  readonly tolerance: number;
}

function readLoopOptions(options: PowerIterationOptions, where: string): LoopOptions {
  return {
    iterations: assertNumber(options.iterations ?? 50, `${where}: iterations`, {
      min: 1,
      integer: true,
    }),
    tolerance: assertNumber(options.tolerance ?? 1e-6, `${where}: tolerance`, { min: 0 }),
  };
}

/**
 * Power iteration on `AᵀA` from the input-space vector `start` (taken over, disposed here):
 * `u = A v / ‖A v‖`, `σ = ‖A v‖`, `v ← Aᵀ u / ‖Aᵀ u‖`, until σ settles. The returned pair is the
 * last `(u, v)` with `σ = ⟨u, A v⟩`.
 */
function powerIterate<U extends tf.Tensor, V extends tf.Tensor>(
  apply: (v: V) => U,
  adjoint: (u: U) => V,
  start: V,
  { iterations, tolerance }: LoopOptions,
): SpectralNormResult<U, V> {
  let v = tf.tidy(() => normalise(start)) as V;
  start.dispose();
  let previous = Number.NaN;
  for (let k = 1; ; k++) {
    const [u, s] = tf.tidy(() => {
      const av = apply(v);
      const norm = tf.norm(av);
      return [tf.div(av, tf.maximum(norm, TINY)) as U, norm] as const;
    });
    const sigma = s.dataSync()[0] as number;
    s.dispose();
    if (!Number.isFinite(sigma)) {
      tf.dispose([u, v]);
      throw new NumericalError(
        `power iteration: the operator produced ${sigma}; check the weights for NaN or Inf`,
      );
    }
    const converged = k > 1 && Math.abs(sigma - previous) <= tolerance * sigma;
    if (converged || k >= iterations) return { sigma, u, v, iterations: k, converged };
    previous = sigma;
    const next = tf.tidy(() => normalise(adjoint(u))) as V;
    tf.dispose([u, v]);
    v = next;
  }
}

/**
 * The spectral norm (largest singular value) `σ_max(W) = max_{‖v‖=1} ‖W v‖` of a dense matrix by
 * power iteration, with its singular vectors. Starting from `u₀` it repeats
 * `v = Wᵀu / ‖Wᵀu‖`, `u = W v / ‖W v‖`, `σ = ‖W v‖`; the error in the vectors decays like
 * `(σ₂/σ₁)^{2k}` and the error in σ like `(σ₂/σ₁)^{4k}`. Spectral normalisation (SN-GAN, the WGAN critic's Lipschitz bound) divides `W` by
 * `⟨u, W v⟩` and feeds the returned `u` back in as the next step's `u` (warm start), so one
 * iteration per training step suffices. For a convolution kernel use {@link convSpectralNorm}
 * (the operator's norm) or reshape it to `[kh·kw·in, out]` (SN-GAN's cheaper surrogate).
 *
 * @param W - `[m, n]`, float32.
 * @param options - `iterations` (default 50), `tolerance` (default 1e-6, relative change of σ),
 *   `u` (starting left vector `[m]`, e.g. the previous result's `u`).
 * @returns `{ sigma, u: [m], v: [n], iterations, converged }`; the caller disposes `u` and `v`.
 * @throws {@link ShapeError} unless `W` is rank 2 and `u` (if given) is `[m]`.
 * @throws {@link DTypeError} unless `W` and `u` are float32.
 * @throws {@link ValueError} on invalid options or a zero `u`.
 * @throws {@link NumericalError} when `W` holds NaN or Inf (σ is not finite).
 * @example
 * ```ts
 * let u: tf.Tensor1D | undefined;
 * // each training step:
 * const sn = spectralNorm(W, { iterations: 1, u });
 * u?.dispose();
 * u = sn.u;
 * sn.v.dispose();
 * const Wsn = tf.div(W, sn.sigma);
 * ```
 */
export function spectralNorm(
  W: tf.Tensor2D,
  options: SpectralNormOptions = {},
): SpectralNormResult<tf.Tensor1D, tf.Tensor1D> {
  assertRank(W, 2, 'spectralNorm: W');
  assertDtype(W, 'float32', 'spectralNorm: W');
  const loop = readLoopOptions(options, 'spectralNorm');
  const [m, n] = W.shape;
  if (options.u !== undefined) {
    assertShape(options.u, [m], 'spectralNorm: u');
    assertDtype(options.u, 'float32', 'spectralNorm: u');
    assertNonZero(options.u, 'spectralNorm: u');
  }
  const apply = (v: tf.Tensor1D): tf.Tensor1D =>
    tf.reshape(tf.matMul(W, tf.reshape(v, [n, 1])), [m]);
  const adjoint = (u: tf.Tensor1D): tf.Tensor1D =>
    tf.reshape(tf.matMul(W, tf.reshape(u, [m, 1]), true, false), [n]);
  const start = tf.tidy(() => {
    const u0 = options.u ?? (Rng.fromSeed(0).normal([m]) as tf.Tensor1D);
    return adjoint(u0);
  });
  return powerIterate(apply, adjoint, start, loop);
}

/**
 * The operator norm `σ_max(K) = max_{‖x‖=1} ‖conv2d(x, K, stride, padding)‖` of a convolution on
 * inputs of shape `inputShape`, by power iteration with {@link conv} and its adjoint
 * {@link convTranspose}: `u = K x / ‖K x‖`, `σ = ‖K x‖`, `x ← Kᵀ u / ‖Kᵀ u‖`. This is the exact
 * Lipschitz constant of the layer on that input size (boundary effects included), unlike the
 * norm of the reshaped `[kh·kw·in, out]` kernel. The batch size does not change σ (the operator
 * acts on each image alike), so `N = 1` is the sensible choice.
 *
 * @param K - `[kh, kw, in, out]`, float32.
 * @param options - `inputShape` (`[H, W]`, `[H, W, in]` or `[N, H, W, in]`), `stride` (default 1),
 *   `padding` (default `'same'`), `iterations` (default 50), `tolerance` (default 1e-6), `x0`
 *   (starting input, e.g. the previous result's `v`).
 * @returns `{ sigma, u: [N, H', W', out], v: [N, H, W, in], iterations, converged }`; the caller
 *   disposes `u` and `v`.
 * @throws {@link ShapeError} on a wrong rank, an `inputShape` disagreeing with `K`'s `in`, an
 *   input smaller than the kernel, or an `x0` of another shape.
 * @throws {@link DTypeError} unless `K` and `x0` are float32.
 * @throws {@link ValueError} on invalid options or a zero `x0`.
 * @throws {@link NumericalError} when `K` holds NaN or Inf (σ is not finite).
 * @example
 * ```ts
 * const { sigma, u, v } = convSpectralNorm(kernel, { inputShape: [28, 28], stride: 1 });
 * tf.dispose([u, v]);
 * const h = 1.9 / sigma ** 2; // a stable step size for a parabolic layer −Kᵀσ(Kx)
 * ```
 */
export function convSpectralNorm(
  K: tf.Tensor4D,
  options: ConvSpectralNormOptions,
): SpectralNormResult<tf.Tensor4D, tf.Tensor4D> {
  assertRank(K, 4, 'convSpectralNorm: K');
  assertDtype(K, 'float32', 'convSpectralNorm: K');
  const loop = readLoopOptions(options ?? {}, 'convSpectralNorm');
  const inputShape = options?.inputShape;
  const kin = K.shape[2];
  if (
    !Array.isArray(inputShape) ||
    inputShape.length < 2 ||
    inputShape.length > 4 ||
    !inputShape.every((d) => Number.isInteger(d) && d > 0)
  ) {
    throw new ValueError(
      `convSpectralNorm: inputShape must be positive integers [H, W], [H, W, in] or [N, H, W, in], got ${JSON.stringify(inputShape)}`,
    );
  }
  if (inputShape.length >= 3 && inputShape[inputShape.length - 1] !== kin) {
    throw new ShapeError(
      `convSpectralNorm: inputShape ${formatShape(inputShape)} has ${inputShape[inputShape.length - 1]} channels but K ${formatShape(K.shape)} takes ${kin}`,
    );
  }
  const shape: [number, number, number, number] =
    inputShape.length === 4
      ? [inputShape[0]!, inputShape[1]!, inputShape[2]!, kin]
      : [1, inputShape[0]!, inputShape[1]!, kin];
  if (options.x0 !== undefined) {
    assertShape(options.x0, shape, 'convSpectralNorm: x0');
    assertDtype(options.x0, 'float32', 'convSpectralNorm: x0');
    assertNonZero(options.x0, 'convSpectralNorm: x0');
  }
  const convOptions = {
    ...(options.stride === undefined ? {} : { stride: options.stride }),
    ...(options.padding === undefined ? {} : { padding: options.padding }),
  };
  // Validates stride, padding and sizes before any state is allocated.
  tf.tidy(() => {
    conv(tf.zeros(shape) as tf.Tensor4D, K, convOptions);
  });
  const apply = (x: tf.Tensor4D): tf.Tensor4D => conv(x, K, convOptions);
  const adjoint = (y: tf.Tensor4D): tf.Tensor4D =>
    convTranspose(y, K, { ...convOptions, inputShape: shape });
  const start = options.x0 ? tf.clone(options.x0) : (Rng.fromSeed(0).normal(shape) as tf.Tensor4D);
  return powerIterate(apply, adjoint, start, loop);
}

function assertNonZero(x: tf.Tensor, name: string): void {
  const norm = tf.tidy(() => tf.norm(x).dataSync()[0] as number);
  if (!(norm > 0) || !Number.isFinite(norm)) {
    throw new ValueError(
      `${name}: the starting vector must be finite and non-zero, got norm ${norm}; omit it to start from a random vector`,
    );
  }
}

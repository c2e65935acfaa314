// A noisy one-dimensional curve, y = sin(πx) + x/2 + s·z: the regression on which predictive intervals are calibrated.
import { assertNumber, type Rng } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { createDataset, type Dataset } from './dataset.js';

/**
 * The curve of {@link noisyCurve} without noise, `f(x) = sin(πx) + x/2`.
 *
 * @param x - A point.
 * @returns `f(x)`.
 * @example
 * ```ts
 * curveFunction(0.5); // 1.25
 * ```
 */
export function curveFunction(x: number): number {
  return Math.sin(Math.PI * x) + x / 2;
}

/** Options of {@link noisyCurve}. */
export interface NoisyCurveOptions {
  /** Number of examples, an integer ≥ 1. */
  readonly n: number;
  /** The generator of the points and the noise. */
  readonly rng: Rng;
  /** Standard deviation s of the Gaussian noise; default 0.1. */
  readonly noise?: number;
}

/**
 * Points of a noisy curve, `x ~ U(−1, 1)`, `y = f(x) + s z` with `f(x) = sin(πx) + x/2`
 * ({@link curveFunction}) and `z` standard normal: a regression whose targets have a known
 * spread, so a predictive interval of level `p` should cover a fraction `p` of fresh targets
 * (`y ∈ f(x) ± 1.645 s` for 90 %).
 *
 * @param options - Size, generator and noise.
 * @returns A dataset with `x: [n, 1]` and `y: [n, 1]`, float32.
 * @throws {@link @runge/tensor-ops!ValueError} for a non-positive `n` or negative noise.
 * @example
 * ```ts
 * const curve = noisyCurve({ n: 2000, rng: Rng.fromSeed(1), noise: 0.1 });
 * ```
 */
export function noisyCurve(options: NoisyCurveOptions): Dataset {
  const n = assertNumber(options.n, 'n', { min: 1, integer: true });
  const noise = assertNumber(options.noise ?? 0.1, 'noise', { min: 0 });
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const v = 2 * options.rng.nextFloat() - 1;
    x[i] = v;
    y[i] = curveFunction(v) + noise * options.rng.nextNormal();
  }
  return createDataset({
    x: tf.tensor2d(x, [n, 1], 'float32'),
    y: tf.tensor2d(y, [n, 1], 'float32'),
    name: 'noisy-curve',
  });
}

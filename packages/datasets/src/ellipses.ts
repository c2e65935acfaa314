import { assertNumber, type Rng } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { createDataset, type Dataset } from './dataset.js';

/** Options of {@link ellipses}. */
export interface EllipsesOptions {
  /** Number of points, an integer ≥ 1. */
  n: number;
  /** Number of rings (classes), an integer ≥ 2 (default 3). */
  numClasses?: number;
  /** Standard deviation of the Gaussian noise added to each coordinate (default 0.02). */
  noise?: number;
  /** Ratio of the vertical to the horizontal semi-axis, > 0 (default 0.5). */
  aspect?: number;
  /** The generator. */
  rng: Rng;
}

/**
 * `k` concentric ellipses. Point `i` belongs to ring `c = i mod k` (classes balanced to within
 * one point), with scale `ρ_c = (c + 1)/k`; it draws `φ ~ U(0, 2π)` and sits at
 * `(ρ_c cos φ, aspect · ρ_c sin φ) + noise · (ε₁, ε₂)`, `ε ~ N(0, 1)`. Without noise every point
 * satisfies `x² + (y / aspect)² = ρ_c²`.
 *
 * @param options - `n`, `numClasses`, `noise`, `aspect`, `rng` ({@link EllipsesOptions}).
 * @returns `x: [n, 2]` float32, `y: [n]` int32 ring labels (0 innermost); a new dataset owned by
 *   the caller (dispose with {@link disposeDataset}).
 * @throws {@link @runge/tensor-ops!ValueError} when an option is out of range.
 * @example
 * ```ts
 * const rings = ellipses({ n: 900, numClasses: 3, rng: Rng.fromSeed(4) });
 * ```
 */
export function ellipses(options: EllipsesOptions): Dataset {
  const n = assertNumber(options.n, 'n', { min: 1, integer: true });
  const k = assertNumber(options.numClasses ?? 3, 'numClasses', { min: 2, integer: true });
  const noise = assertNumber(options.noise ?? 0.02, 'noise', { min: 0 });
  const aspect = assertNumber(options.aspect ?? 0.5, 'aspect', { min: 0, exclusiveMin: true });
  const { rng } = options;
  const points = new Float32Array(2 * n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % k;
    const rho = (c + 1) / k;
    const phi = 2 * Math.PI * rng.nextFloat();
    const ex = noise > 0 ? noise * rng.nextNormal() : 0;
    const ey = noise > 0 ? noise * rng.nextNormal() : 0;
    points[2 * i] = rho * Math.cos(phi) + ex;
    points[2 * i + 1] = aspect * rho * Math.sin(phi) + ey;
    labels[i] = c;
  }
  return createDataset({
    x: tf.tensor2d(points, [n, 2], 'float32'),
    y: tf.tensor1d(labels, 'int32'),
    numClasses: k,
    name: 'ellipses',
  });
}

import { assertNumber, type Rng } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { createDataset, type Dataset } from './dataset.js';

/** Options of {@link spirals}. */
export interface SpiralsOptions {
  /** Number of points, an integer ≥ 1. */
  n: number;
  /** Number of arms (classes), an integer ≥ 2 (default 2). */
  numClasses?: number;
  /** Standard deviation of the Gaussian noise added to each coordinate (default 0.02). */
  noise?: number;
  /** Turns of each arm from the centre to radius 1 (default 1.5). */
  turns?: number;
  /** The generator. */
  rng: Rng;
}

/**
 * `k` interleaved spiral arms. Point `i` belongs to arm `c = i mod k` (so classes are balanced
 * to within one point); it draws `t ~ U(0, 1)` and sits at radius `t` and angle
 * `θ = 2π(turns · t + c/k)`: `(t cos θ, t sin θ) + noise · (ε₁, ε₂)`, `ε ~ N(0, 1)`.
 * Without noise every point satisfies `θ ≡ 2π(turns · r + c/k) (mod 2π)` with `r` its radius.
 *
 * @param options - `n`, `numClasses`, `noise`, `turns`, `rng` ({@link SpiralsOptions}).
 * @returns `x: [n, 2]` float32, `y: [n]` int32 arm labels; a new dataset owned by the caller
 *   (dispose with {@link disposeDataset}).
 * @throws {@link @runge/tensor-ops!ValueError} when an option is out of range.
 * @example
 * ```ts
 * const data = spirals({ n: 1000, numClasses: 3, noise: 0.05, rng: Rng.fromSeed(2) });
 * ```
 */
export function spirals(options: SpiralsOptions): Dataset {
  const n = assertNumber(options.n, 'n', { min: 1, integer: true });
  const k = assertNumber(options.numClasses ?? 2, 'numClasses', { min: 2, integer: true });
  const noise = assertNumber(options.noise ?? 0.02, 'noise', { min: 0 });
  const turns = assertNumber(options.turns ?? 1.5, 'turns', { min: 0 });
  const { rng } = options;
  const points = new Float32Array(2 * n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % k;
    const t = rng.nextFloat();
    const theta = 2 * Math.PI * (turns * t + c / k);
    const ex = noise > 0 ? noise * rng.nextNormal() : 0;
    const ey = noise > 0 ? noise * rng.nextNormal() : 0;
    points[2 * i] = t * Math.cos(theta) + ex;
    points[2 * i + 1] = t * Math.sin(theta) + ey;
    labels[i] = c;
  }
  return createDataset({
    x: tf.tensor2d(points, [n, 2], 'float32'),
    y: tf.tensor1d(labels, 'int32'),
    numClasses: k,
    name: 'spirals',
  });
}

import { assertNumber, type Rng } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';

/** Options of {@link gbmPaths}. */
export interface GbmOptions {
  /** Number of independent paths, an integer ≥ 1. */
  paths: number;
  /** Number of time steps per path, an integer ≥ 1. */
  steps: number;
  /** Step `Δ > 0` in years (e.g. `1/252` for daily steps). */
  dt: number;
  /** Drift `μ` (annualised). */
  mu: number;
  /** Volatility `σ ≥ 0` (annualised). */
  sigma: number;
  /** Initial price `S₀ > 0` (default 1). */
  s0?: number;
  /** The generator of the normal increments. */
  rng: Rng;
}

/**
 * Paths of geometric Brownian motion `dS = μ S dt + σ S dW`, sampled exactly on a grid of step
 * `Δ` (docs: /math/generative#gbm): `S_{t+Δ} = S_t exp((μ − σ²/2)Δ + σ√Δ ε)`, `ε ~ N(0, 1)` independent. The
 * log-returns `log(S_{t+Δ}/S_t)` are therefore i.i.d. `N((μ − σ²/2)Δ, σ²Δ)`.
 *
 * The paths are accumulated in float64 (the log-price is summed, then exponentiated) and stored
 * as float32. Normals are drawn path by path, step by step, so a seed fixes the paths.
 *
 * @param options - `paths`, `steps`, `dt`, `mu`, `sigma`, `s0`, `rng` ({@link GbmOptions}).
 * @returns `[paths, steps + 1]` float32, column 0 equal to `s0`; a new tensor owned by the caller.
 * @throws {@link @runge/tensor-ops!ValueError} when an option is out of range.
 * @example
 * ```ts
 * const S = gbmPaths({ paths: 1000, steps: 252, dt: 1 / 252, mu: 0.05, sigma: 0.2, s0: 100, rng: Rng.fromSeed(1) });
 * S.dispose();
 * ```
 */
export function gbmPaths(options: GbmOptions): tf.Tensor2D {
  const paths = assertNumber(options.paths, 'paths', { min: 1, integer: true });
  const steps = assertNumber(options.steps, 'steps', { min: 1, integer: true });
  const dt = assertNumber(options.dt, 'dt', { min: 0, exclusiveMin: true });
  const mu = assertNumber(options.mu, 'mu');
  const sigma = assertNumber(options.sigma, 'sigma', { min: 0 });
  const s0 = assertNumber(options.s0 ?? 1, 's0', { min: 0, exclusiveMin: true });
  const { rng } = options;
  const drift = (mu - 0.5 * sigma * sigma) * dt;
  const scale = sigma * Math.sqrt(dt);
  const logS0 = Math.log(s0);
  const width = steps + 1;
  const values = new Float32Array(paths * width);
  for (let p = 0; p < paths; p++) {
    let logS = logS0;
    values[p * width] = s0;
    for (let j = 1; j <= steps; j++) {
      logS += drift + scale * rng.nextNormal();
      values[p * width + j] = Math.exp(logS);
    }
  }
  return tf.tensor2d(values, [paths, width], 'float32');
}

import { assertNumber, assertOneOf, type Rng, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { blackScholesCall, blackScholesPut } from './black-scholes.js';
import { createDataset, type Dataset } from './dataset.js';

/** A closed interval `[low, high]` from which a parameter is drawn uniformly. */
export type Range = readonly [low: number, high: number];

/** Sampling ranges of the Black–Scholes inputs (see {@link blackScholesDataset}). */
export interface BlackScholesRanges {
  /** Spot, default `[50, 150]`. */
  S: Range;
  /** Strike, default `[50, 150]`. */
  K: Range;
  /** Time to maturity in years, default `[0.05, 2]`. */
  T: Range;
  /** Volatility, default `[0.05, 0.6]`. */
  sigma: Range;
  /** Risk-free rate, default `[0, 0.1]`. */
  r: Range;
}

const DEFAULT_RANGES: BlackScholesRanges = {
  S: [50, 150],
  K: [50, 150],
  T: [0.05, 2],
  sigma: [0.05, 0.6],
  r: [0, 0.1],
};

const INPUTS = ['S', 'K', 'T', 'sigma', 'r'] as const;
const GREEKS = ['price', 'delta', 'gamma', 'vega', 'theta', 'rho'] as const;

/** Options of {@link blackScholesDataset}. */
export interface BlackScholesDatasetOptions {
  /** Number of examples, an integer ≥ 1. */
  n: number;
  /** The generator of the inputs. */
  rng: Rng;
  /** `'call'` (default) or `'put'`. */
  option?: 'call' | 'put';
  /** `'price'` (default): `y` is `[n, 1]`; `'greeks'`: `y` is `[n, 6]` (price and Greeks). */
  targets?: 'price' | 'greeks';
  /** Sampling ranges; each missing entry keeps its default. */
  ranges?: Partial<BlackScholesRanges>;
}

/**
 * A regression dataset of European option values. Each example draws, independently and in
 * this order, `S, K, T, σ, r` uniformly from their ranges (defaults: `S, K ∈ [50, 150]`,
 * `T ∈ [0.05, 2]` years, `σ ∈ [0.05, 0.6]`, `r ∈ [0, 0.1]`), and evaluates the closed form in
 * float64 ({@link blackScholesCall} / {@link blackScholesPut}).
 *
 * - `x`: `[n, 5]` float32, columns `S, K, T, σ, r`.
 * - `y`: `[n, 1]` float32 price, or with `targets: 'greeks'` `[n, 6]`, columns
 *   `price, delta, gamma, vega, theta, rho` (`theta = ∂V/∂T`, see {@link BlackScholesValues}).
 *
 * @param options - `n`, `rng`, `option`, `targets`, `ranges` ({@link BlackScholesDatasetOptions}).
 * @returns A new dataset (no `numClasses`) owned by the caller; dispose with {@link disposeDataset}.
 * @throws {@link @runge/tensor-ops!ValueError} when `n` is invalid, a range is not `low ≤ high` with positive
 *   bounds for `S, K, T, σ`, or an option name is unknown.
 * @example
 * ```ts
 * const data = blackScholesDataset({ n: 4096, rng: Rng.fromSeed(0), targets: 'greeks' });
 * // data.x: [4096, 5], data.y: [4096, 6]
 * ```
 */
export function blackScholesDataset(options: BlackScholesDatasetOptions): Dataset {
  const n = assertNumber(options.n, 'n', { min: 1, integer: true });
  const option = assertOneOf(options.option ?? 'call', ['call', 'put'] as const, 'option');
  const targets = assertOneOf(options.targets ?? 'price', ['price', 'greeks'] as const, 'targets');
  const ranges = { ...DEFAULT_RANGES, ...options.ranges };
  for (const name of INPUTS) {
    const range = ranges[name];
    const [low, high] = Array.isArray(range) ? range : [Number.NaN, Number.NaN];
    const positive = name !== 'r';
    assertNumber(low, `ranges.${name}[0]`, positive ? { min: 0, exclusiveMin: true } : {});
    assertNumber(high, `ranges.${name}[1]`, positive ? { min: 0, exclusiveMin: true } : {});
    if (!(low <= high)) {
      throw new ValueError(
        `ranges.${name}: expected [low, high] with low <= high, got [${low}, ${high}]`,
      );
    }
  }
  const price = option === 'call' ? blackScholesCall : blackScholesPut;
  const columns = targets === 'price' ? 1 : GREEKS.length;
  const x = new Float32Array(n * INPUTS.length);
  const y = new Float32Array(n * columns);
  for (let i = 0; i < n; i++) {
    const [S, K, T, sigma, r] = INPUTS.map((name) => {
      const [low, high] = ranges[name];
      return low + (high - low) * options.rng.nextFloat();
    }) as [number, number, number, number, number];
    x.set([S, K, T, sigma, r], i * INPUTS.length);
    const values = price({ S, K, T, sigma, r });
    if (targets === 'price') y[i] = values.price;
    else
      y.set(
        GREEKS.map((g) => values[g]),
        i * columns,
      );
  }
  return createDataset({
    x: tf.tensor2d(x, [n, INPUTS.length], 'float32'),
    y: tf.tensor2d(y, [n, columns], 'float32'),
    name: `black-scholes-${option}`,
  });
}

// Quotes of European calls from the Black–Scholes closed form at one (σ, r): the data a Black–Scholes network recovers σ and r from.
import { assertNumber, type Rng, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { blackScholesCall } from './black-scholes.js';
import { createDataset, type Dataset } from './dataset.js';

/** Options of {@link blackScholesQuotes}. */
export interface BlackScholesQuotesOptions {
  /** Number of quotes, an integer ≥ 1. */
  readonly n: number;
  /** The generator of the quotes. */
  readonly rng: Rng;
  /** Volatility of the market, σ > 0. */
  readonly sigma: number;
  /** Risk-free rate of the market. */
  readonly r: number;
  /** Half-width of the log-moneyness range, `ln(S/K) ~ U(−m, m)`; default 0.3. */
  readonly moneyness?: number;
  /** The listed maturities (years) a quote's `τ` is drawn from; default `j/8`, `j = 1…8`. */
  readonly maturities?: readonly number[];
  /** Relative noise `ε`: each price is multiplied by `1 + ε·z`, `z ~ N(0, 1)`; default 0. */
  readonly noise?: number;
}

/**
 * Call quotes at one market `(σ, r)`: each quote draws its log-moneyness `x = ln(S/K)`
 * uniformly in `[−m, m]` and its maturity `τ` from the listed ones, and is priced by the closed
 * form ({@link blackScholesCall}, float64) in units of the strike, `y = C(S = eˣ, K = 1, τ)`, then
 * multiplied by `1 + ε z` (`z` standard normal) when `noise` is `ε > 0`. This is the data of the
 * Black–Scholes network (`{ type: 'black-scholes' }` of @runge/architectures), whose inputs are
 * `(ln(S/K), τ)` and output `V/K`.
 *
 * @param options - Size, generator, the market's σ and r, ranges and noise.
 * @returns A dataset with `x: [n, 2]` (`ln(S/K)`, `τ`) and `y: [n, 1]` (`C/K`), float32.
 * @throws {@link @runge/tensor-ops!ValueError} for a non-positive `n`, σ, moneyness or maturity, or negative noise.
 * @example
 * ```ts
 * const quotes = blackScholesQuotes({ n: 2000, rng: Rng.fromSeed(1), sigma: 0.2, r: 0.05 });
 * quotes.x.shape; // [2000, 2]
 * ```
 */
export function blackScholesQuotes(options: BlackScholesQuotesOptions): Dataset {
  const n = assertNumber(options.n, 'n', { min: 1, integer: true });
  const sigma = assertNumber(options.sigma, 'sigma', { min: 0, exclusiveMin: true });
  const r = assertNumber(options.r, 'r');
  const m = assertNumber(options.moneyness ?? 0.3, 'moneyness', { min: 0, exclusiveMin: true });
  const noise = assertNumber(options.noise ?? 0, 'noise', { min: 0 });
  const maturities = options.maturities ?? [1, 2, 3, 4, 5, 6, 7, 8].map((j) => j / 8);
  if (maturities.length === 0) {
    throw new ValueError('maturities: expected at least one maturity, got an empty list');
  }
  maturities.forEach((t, i) => {
    assertNumber(t, `maturities[${i}]`, { min: 0, exclusiveMin: true });
  });
  const x = new Float32Array(2 * n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const logMoneyness = m * (2 * options.rng.nextFloat() - 1);
    const tau = maturities[options.rng.nextInt(0, maturities.length)] as number;
    const price = blackScholesCall({ S: Math.exp(logMoneyness), K: 1, T: tau, sigma, r }).price;
    x[2 * i] = logMoneyness;
    x[2 * i + 1] = tau;
    y[i] = noise > 0 ? price * (1 + noise * options.rng.nextNormal()) : price;
  }
  return createDataset({
    x: tf.tensor2d(x, [n, 2], 'float32'),
    y: tf.tensor2d(y, [n, 1], 'float32'),
    name: 'black-scholes-quotes',
  });
}

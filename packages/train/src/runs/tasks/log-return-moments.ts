// Summary statistics of log-return series: mean, variance and lag-1 autocorrelation.
import { ShapeError, ValueError } from '@runge/tensor-ops';

/** The moments of a set of log-return series (see {@link logReturnMoments}). */
export interface LogReturnMoments {
  /** Mean of all returns `m = (1/nL) Σ_{p,t} r_{p,t}`. */
  readonly mean: number;
  /** Unbiased variance of all returns `(1/(nL − 1)) Σ (r_{p,t} − m)²`. */
  readonly variance: number;
  /** Lag-1 autocorrelation within the series, pooled over them. */
  readonly lag1: number;
}

/**
 * The mean, variance and lag-1 autocorrelation of `n` log-return series of length `L`
 * (`r_{p,t} = log(S_{p,t+1}/S_{p,t})`), every return counted alike:
 * `m = (1/nL) Σ_{p,t} r_{p,t}`, `v = (1/(nL − 1)) Σ_{p,t} (r_{p,t} − m)²`,
 * `ρ₁ = [Σ_p Σ_{t<L} (r_{p,t} − m)(r_{p,t+1} − m)] / [Σ_{p,t} (r_{p,t} − m)²]`
 * (pairs are taken within a series, never across two). For geometric Brownian motion the
 * returns are i.i.d. `N((μ − σ²/2)Δ, σ²Δ)`, so `ρ₁ = 0` (docs: /math/generative#gbm).
 *
 * @param returns - `n·L` returns, series after series (row-major `[n, L]`).
 * @param length - `L ≥ 2`, the length of each series.
 * @returns `{ mean, variance, lag1 }`.
 * @throws {@link @runge/tensor-ops!ShapeError} when the count is not a multiple of `L`.
 * @throws {@link @runge/tensor-ops!ValueError} for `L < 2`, fewer than two returns, or a value that is not finite.
 * @example
 * ```ts
 * logReturnMoments([1, 2, 3, 4], 2); // { mean: 2.5, variance: 5/3, lag1: 0.3 }
 * ```
 */
export function logReturnMoments(returns: ArrayLike<number>, length: number): LogReturnMoments {
  if (!Number.isInteger(length) || length < 2) {
    throw new ValueError(`logReturnMoments: length must be an integer ≥ 2, got ${length}`);
  }
  const total = returns.length;
  if (total < 2 || total % length !== 0) {
    throw new ShapeError(
      `logReturnMoments: ${total} returns do not make whole series of length ${length}`,
    );
  }
  let sum = 0;
  for (let k = 0; k < total; k++) {
    const r = returns[k] as number;
    if (!Number.isFinite(r)) {
      throw new ValueError(`logReturnMoments: return ${k} is ${r}; the series must be finite`);
    }
    sum += r;
  }
  const mean = sum / total;
  let squares = 0;
  let lagged = 0;
  for (let k = 0; k < total; k++) {
    const c = (returns[k] as number) - mean;
    squares += c * c;
    if ((k + 1) % length !== 0) lagged += c * ((returns[k + 1] as number) - mean);
  }
  return {
    mean,
    variance: squares / (total - 1),
    lag1: squares > 0 ? lagged / squares : 0,
  };
}

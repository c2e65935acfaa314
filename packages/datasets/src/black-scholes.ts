import { assertNumber, assertTensor, isTensor } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { normalCdf, normalPdfNumber, normalPdfTensor } from './normal-cdf.js';

/**
 * Inputs of the Black–Scholes formulas. Each is a number or a tensor; tensors broadcast
 * against each other (TF.js broadcasting rules).
 */
export interface BlackScholesParams<V extends number | tf.Tensor = number | tf.Tensor> {
  /** Spot price of the underlying, `S > 0`. */
  readonly S: V;
  /** Strike, `K > 0`. */
  readonly K: V;
  /** Time to maturity in years, `T > 0`. */
  readonly T: V;
  /** Volatility (annualised standard deviation of log-returns), `σ > 0`. */
  readonly sigma: V;
  /** Continuously compounded risk-free rate (any real number). */
  readonly r: V;
}

/**
 * Price and sensitivities of a European option. `theta` is the derivative with respect to the
 * time to maturity `T` (positive for a call); the derivative in calendar time `t` (Hull's Θ,
 * the `V_t` of the PDE) is `V_t = −theta`.
 */
export interface BlackScholesValues<V extends number | tf.Tensor> {
  /** Option value `V`. */
  readonly price: V;
  /** `∂V/∂S`. */
  readonly delta: V;
  /** `∂²V/∂S²`. */
  readonly gamma: V;
  /** `∂V/∂σ` (per unit of σ, not per percentage point). */
  readonly vega: V;
  /** `∂V/∂T`, the derivative in time to maturity; `V_t = −theta`. */
  readonly theta: V;
  /** `∂V/∂r`. */
  readonly rho: V;
}

type Kind = 'call' | 'put';
const NAMES = ['S', 'K', 'T', 'sigma', 'r'] as const;

function allNumbers(p: BlackScholesParams): p is BlackScholesParams<number> {
  return NAMES.every((name) => typeof p[name] === 'number');
}

function numbersPath(kind: Kind, p: BlackScholesParams<number>): BlackScholesValues<number> {
  const S = assertNumber(p.S, 'S', { min: 0, exclusiveMin: true });
  const K = assertNumber(p.K, 'K', { min: 0, exclusiveMin: true });
  const T = assertNumber(p.T, 'T', { min: 0, exclusiveMin: true });
  const sigma = assertNumber(p.sigma, 'sigma', { min: 0, exclusiveMin: true });
  const r = assertNumber(p.r, 'r');
  const sqrtT = Math.sqrt(T);
  const volT = sigma * sqrtT;
  const d1 = (Math.log(S / K) + (r + 0.5 * sigma * sigma) * T) / volT;
  const d2 = d1 - volT;
  const discountK = K * Math.exp(-r * T);
  const pdf1 = normalPdfNumber(d1);
  const gamma = pdf1 / (S * volT);
  const vega = S * pdf1 * sqrtT;
  const timeValueDecay = (S * pdf1 * sigma) / (2 * sqrtT);
  if (kind === 'call') {
    const n1 = normalCdf(d1);
    const n2 = normalCdf(d2);
    return {
      price: S * n1 - discountK * n2,
      delta: n1,
      gamma,
      vega,
      theta: timeValueDecay + r * discountK * n2,
      rho: T * discountK * n2,
    };
  }
  const m1 = normalCdf(-d1);
  const m2 = normalCdf(-d2);
  return {
    price: discountK * m2 - S * m1,
    delta: -m1,
    gamma,
    vega,
    theta: timeValueDecay - r * discountK * m2,
    rho: -T * discountK * m2,
  };
}

function tensorPath(kind: Kind, p: BlackScholesParams): BlackScholesValues<tf.Tensor> {
  for (const name of NAMES) {
    const v = p[name];
    if (isTensor(v)) assertTensor(v, name);
    else assertNumber(v, name);
  }
  return tf.tidy(() => {
    const [S, K, T, sigma, r] = NAMES.map((name) => {
      const v = p[name];
      return typeof v === 'number' ? tf.scalar(v, 'float32') : tf.cast(v, 'float32');
    }) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    const sqrtT = tf.sqrt(T);
    const volT = tf.mul(sigma, sqrtT);
    const d1 = tf.div(
      tf.add(tf.log(tf.div(S, K)), tf.mul(tf.add(r, tf.mul(0.5, tf.square(sigma))), T)),
      volT,
    );
    const d2 = tf.sub(d1, volT);
    const discountK = tf.mul(K, tf.exp(tf.neg(tf.mul(r, T))));
    const pdf1 = normalPdfTensor(d1);
    const gamma = tf.div(pdf1, tf.mul(S, volT));
    const vega = tf.mul(tf.mul(S, pdf1), sqrtT);
    const timeValueDecay = tf.div(tf.mul(tf.mul(S, pdf1), sigma), tf.mul(2, sqrtT));
    // Every output gets the full broadcast shape, even one that does not depend on every input.
    const zero = tf.zerosLike(tf.add(tf.add(tf.add(S, K), tf.add(T, sigma)), r));
    const full = (t: tf.Tensor): tf.Tensor => tf.add(t, zero);
    if (kind === 'call') {
      const n1 = normalCdf(d1);
      const n2 = normalCdf(d2);
      return {
        price: full(tf.sub(tf.mul(S, n1), tf.mul(discountK, n2))),
        delta: full(n1),
        gamma: full(gamma),
        vega: full(vega),
        theta: full(tf.add(timeValueDecay, tf.mul(tf.mul(r, discountK), n2))),
        rho: full(tf.mul(tf.mul(T, discountK), n2)),
      };
    }
    const m1 = normalCdf(tf.neg(d1));
    const m2 = normalCdf(tf.neg(d2));
    return {
      price: full(tf.sub(tf.mul(discountK, m2), tf.mul(S, m1))),
      delta: full(tf.neg(m1)),
      gamma: full(gamma),
      vega: full(vega),
      theta: full(tf.sub(timeValueDecay, tf.mul(tf.mul(r, discountK), m2))),
      rho: full(tf.neg(tf.mul(tf.mul(T, discountK), m2))),
    };
  });
}

/**
 * Black–Scholes value and Greeks of a European call on a non-dividend-paying stock. With
 * `d₁ = (ln(S/K) + (r + σ²/2)T) / (σ√T)`, `d₂ = d₁ − σ√T`, Φ the standard normal CDF and φ its
 * density:
 *
 * - `price = S Φ(d₁) − K e^{−rT} Φ(d₂)`
 * - `delta = Φ(d₁)`, `gamma = φ(d₁) / (S σ √T)`, `vega = S φ(d₁) √T`
 * - `theta = ∂V/∂T = S φ(d₁) σ / (2√T) + r K e^{−rT} Φ(d₂)` (time to maturity; `V_t = −theta`)
 * - `rho = K T e^{−rT} Φ(d₂)`
 *
 * They solve the Black–Scholes PDE `V_t + ½σ²S² V_SS + r S V_S − r V = 0`, i.e.
 * `−theta + ½σ²S² gamma + r S delta − r price = 0`, with `V → max(S − K, 0)` as `T → 0`.
 *
 * With only numbers, everything is computed in float64 (Φ to ~1e-13 relative) and numbers are
 * returned. With at least one tensor, the inputs broadcast, the computation is float32, and the
 * six outputs are new tensors of the broadcast shape owned by the caller (tensor inputs are not
 * disposed). Tensor entries are not range-checked: non-positive `S`, `K`, `T` or `σ` give NaN.
 *
 * @param params - `{ S, K, T, sigma, r }`, numbers or tensors.
 * @returns `{ price, delta, gamma, vega, theta, rho }`.
 * @throws {@link @runge/tensor-ops!ValueError} when a number is out of range (`S, K, T, σ ≤ 0`, non-finite `r`) or
 *   an input is neither a number nor a live tensor.
 * @example
 * ```ts
 * const { price, delta } = blackScholesCall({ S: 42, K: 40, T: 0.5, sigma: 0.2, r: 0.1 });
 * // price ≈ 4.76, delta ≈ 0.78
 * ```
 */
export function blackScholesCall(params: BlackScholesParams<number>): BlackScholesValues<number>;
export function blackScholesCall(params: BlackScholesParams): BlackScholesValues<tf.Tensor>;
export function blackScholesCall(
  params: BlackScholesParams,
): BlackScholesValues<number> | BlackScholesValues<tf.Tensor> {
  return allNumbers(params) ? numbersPath('call', params) : tensorPath('call', params);
}

/**
 * Black–Scholes value and Greeks of a European put, the counterpart of {@link blackScholesCall}
 * under put–call parity `C − P = S − K e^{−rT}`. The put is evaluated in its own closed form so
 * deep out-of-the-money puts keep their relative accuracy (no cancellation in `C − S + K e^{−rT}`):
 *
 * - `price = K e^{−rT} Φ(−d₂) − S Φ(−d₁)`, `delta = −Φ(−d₁)` (= `delta_call − 1`)
 * - `gamma`, `vega` as for the call
 * - `theta = ∂V/∂T = S φ(d₁) σ / (2√T) − r K e^{−rT} Φ(−d₂)` (`V_t = −theta`)
 * - `rho = −K T e^{−rT} Φ(−d₂)`
 *
 * Numbers in, numbers out (float64); any tensor in, new float32 tensors out, owned by the caller.
 *
 * @param params - `{ S, K, T, sigma, r }`, numbers or tensors.
 * @returns `{ price, delta, gamma, vega, theta, rho }`.
 * @throws {@link @runge/tensor-ops!ValueError} as for {@link blackScholesCall}.
 * @example
 * ```ts
 * const put = blackScholesPut({ S: 42, K: 40, T: 0.5, sigma: 0.2, r: 0.1 }).price; // ≈ 0.81
 * ```
 */
export function blackScholesPut(params: BlackScholesParams<number>): BlackScholesValues<number>;
export function blackScholesPut(params: BlackScholesParams): BlackScholesValues<tf.Tensor>;
export function blackScholesPut(
  params: BlackScholesParams,
): BlackScholesValues<number> | BlackScholesValues<tf.Tensor> {
  return allNumbers(params) ? numbersPath('put', params) : tensorPath('put', params);
}

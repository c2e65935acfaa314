// The Black–Scholes layer's local-volatility scheme: central differences in log-moneyness with σ(x_i) per grid node from a piecewise-linear profile on knots, integrated in time by a matrix exponential.
import { ConfigError, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe } from './internal/config-values.js';
import type { Layer, ParamInfo } from './layer.js';

/**
 * The learnable coefficients of a Black–Scholes layer: `logSigma` (`[count]`, one log σ per knot,
 * or one for a constant σ) initialised at `ln σ`, and `logR` (`[1]`) at `ln r`, so that
 * `σ = e^{logSigma}` and `r = e^{logR}` stay positive.
 *
 * @example
 * ```ts
 * coefficientParams(3, 0.2, 0.05); // logSigma [3] = ln 0.2, logR [1] = ln 0.05
 * ```
 */
export function coefficientParams(count: number, sigma: number, r: number): ParamInfo[] {
  return [
    {
      path: 'logSigma',
      shape: [count],
      role: 'bias',
      init: { kind: 'constant', value: Math.log(sigma) },
    },
    { path: 'logR', shape: [1], role: 'bias', init: { kind: 'constant', value: Math.log(r) } },
  ];
}

/** The grid, profile and starting point of a local-volatility layer (see {@link localVolatilityLayer}). */
export interface LocalVolatilityGrid {
  /** Initial volatility at every knot, σ > 0. */
  readonly sigma: number;
  /** Initial rate r > 0. */
  readonly r: number;
  /** Half-width of the log-moneyness grid. */
  readonly xMax: number;
  /** Grid points in log-moneyness, boundaries included (≥ 5). */
  readonly nodes: number;
  /** The profile's knots in log-moneyness, strictly increasing, inside `(−xMax, xMax)`. */
  readonly knots: readonly number[];
}

/** Taylor terms of the matrix exponential: with `‖ΔM‖ ≤ 1` the remainder is below `1/11! ≈ 2.5·10⁻⁸`, float32's rounding. */
const TAYLOR_TERMS = 10;

/**
 * Checks a knot list: at least two finite numbers, strictly increasing, inside `(−xMax, xMax)`.
 *
 * @param value - The raw `knots` value of a layer config.
 * @param xMax - The grid's half-width.
 * @param where - The config path for messages.
 * @returns The knots.
 * @throws {@link @runge/tensor-ops!ConfigError} naming what is wrong and what to pass instead.
 * @example
 * ```ts
 * readKnots([-0.3, 0, 0.3], 1.5, 'layers[0]'); // [-0.3, 0, 0.3]
 * ```
 */
export function readKnots(value: unknown, xMax: number, where: string): readonly number[] {
  const ok =
    Array.isArray(value) &&
    value.length >= 2 &&
    value.every(
      (k, i) =>
        typeof k === 'number' &&
        Number.isFinite(k) &&
        Math.abs(k) < xMax &&
        (i === 0 || k > (value[i - 1] as number)),
    );
  if (!ok) {
    throw new ConfigError(
      `${where}.knots: expected at least two strictly increasing log-moneyness values inside (−${xMax}, ${xMax}), such as [-0.3, 0, 0.3]; got ${describe(value)}`,
    );
  }
  return Object.freeze([...(value as number[])]);
}

/**
 * The hat weights `H[i, k]` that read a piecewise-linear profile with values `σ_k` at `knots`
 * (constant beyond the first and last knot) at the points `xs`: `σ(x_i) = Σ_k H[i, k] σ_k`.
 */
function hatWeights(xs: readonly number[], knots: readonly number[]): Float32Array {
  const k = knots.length;
  const h = new Float32Array(xs.length * k);
  xs.forEach((x, i) => {
    const last = knots[k - 1] as number;
    if (x <= (knots[0] as number)) h[i * k] = 1;
    else if (x >= last) h[i * k + k - 1] = 1;
    else {
      let j = 0;
      while (x > (knots[j + 1] as number)) j++;
      const t = (x - (knots[j] as number)) / ((knots[j + 1] as number) - (knots[j] as number));
      h[i * k + j] = 1 - t;
      h[i * k + j + 1] = t;
    }
  });
  return h;
}

/**
 * The difference matrices of the grid rows of `M` (`[n, n + 1]`, the last column the state `q`):
 * `D2 ≈ ∂²/∂x²` and `D1 ≈ ∂/∂x` by the five-point central stencils
 * `(−u_{i−2} + 16u_{i−1} − 30u_i + 16u_{i+1} − u_{i+2})/12h²` and
 * `(u_{i−2} − 8u_{i−1} + 8u_{i+1} − u_{i+2})/12h` (`O(h⁴)`), the three-point ones next to the
 * boundaries, zero on the boundary rows; `shift` holds `−1` on the interior diagonal (the `−r u`
 * term) and `+1` at `(N−1, N)` (the boundary's `u_{N−1}′ = r q`).
 */
function differences(
  n: number,
  h: number,
): { d1: Float32Array; d2: Float32Array; shift: Float32Array } {
  const w = n + 1;
  const d1 = new Float32Array(n * w);
  const d2 = new Float32Array(n * w);
  const shift = new Float32Array(n * w);
  const put = (
    target: Float32Array,
    i: number,
    stencil: readonly number[],
    scale: number,
  ): void => {
    const half = (stencil.length - 1) / 2;
    stencil.forEach((c, k) => {
      target[i * w + i + k - half] = c / scale;
    });
  };
  for (let i = 1; i < n - 1; i++) {
    shift[i * w + i] = -1;
    if (i >= 2 && i <= n - 3) {
      put(d2, i, [-1, 16, -30, 16, -1], 12 * h * h);
      put(d1, i, [1, -8, 0, 8, -1], 12 * h);
    } else {
      put(d2, i, [1, -2, 1], h * h);
      put(d1, i, [-1, 0, 1], 2 * h);
    }
  }
  shift[(n - 1) * w + n] = 1;
  return { d1, d2, shift };
}

/**
 * The payoff's mean over the cell `[x − h/2, x + h/2]`, `(1/h) ∫ max(eʸ − 1, 0) dy`: averaging
 * the kink at the strike keeps the scheme's order from falling to that of a point-sampled kink.
 */
function cellAverage(x: number, h: number): number {
  const lo = Math.max(x - h / 2, 0);
  const hi = x + h / 2;
  return hi > lo ? (Math.exp(hi) - Math.exp(lo) - (hi - lo)) / h : 0;
}

/** `exp(A)` by its Taylor series, for `‖A‖ ≤ 1`. */
function expm(a: tf.Tensor2D): tf.Tensor2D {
  let term: tf.Tensor2D = tf.eye(a.shape[0]);
  let sum = term;
  for (let j = 1; j <= TAYLOR_TERMS; j++) {
    term = tf.div(tf.matMul(a, term), j);
    sum = tf.add(sum, term);
  }
  return sum;
}

/**
 * The `'black-scholes'` layer with `coefficients: 'local-volatility'`: the volatility is a
 * profile `σ(x)` in log-moneyness `x = ln(S/K)`, piecewise linear between `K` knots `x_k` (and
 * constant beyond the outer ones), with learnable values `σ_k = e^{logSigma_k}`; the rate `r = e^{logR}`
 * stays a constant. The call value in units of the strike, `u = V/K`, solves
 *
 * `u_τ = a(x) u_xx + b(x) u_x − r u`, `a = ½σ(x)²`, `b = r − a`, `u(x, 0) = max(eˣ − 1, 0)`,
 *
 * with `u = 0` at `−xMax` and `u = e^{xMax} − e^{−rτ}` at `xMax`. On `N = nodes` points `x_i`
 * spaced `h = 2·xMax/(N − 1)`, central differences with `a_i = ½σ(x_i)²` at every node give
 * `u_i′ = l_i u_{i−1} + d_i u_i + υ_i u_{i+1}`, `l_i = a_i/h² − b_i/2h`, `d_i = −2a_i/h² − r`,
 * `υ_i = a_i/h² + b_i/2h` (`O(h²)`); the upper boundary value is carried by an extra state
 * `q = e^{−rτ}` (`q′ = −r q`, `u_{N−1}′ = r q`), so the grid values `z = (u_0 … u_{N−1}, q)` solve
 * the linear system `z′ = M z` with constant `M`. It is integrated exactly up to float rounding:
 * with `Δ = 2^{−p}` the largest power of two with `Δ‖M‖_∞ ≤ 1`, `E = exp(ΔM)` by its Taylor
 * series and `E^{2^j}` by squaring; a quote at `τ = nΔ + δ` applies `E^{2^j}` for the binary
 * digits of `n` and the Taylor series of `exp(δM)` to its column. Its price is the grid values read
 * at `ξ = (x + xMax)/h` by cubic Lagrange interpolation on the four nearest nodes (`O(h⁴)`).
 * The cost is `O(N³ log(τ_max/Δ))` per batch; the scheme needs `l_i, υ_i > 0` at every node.
 *
 * Input `[batch, 2]`: `(ln(S/K), τ)`, `x` clamped to the grid and `τ ≥ 0`. Output `[batch, 1]`.
 * Parameters `logSigma: [K]` (every knot initialised at `sigma`) and `logR: [1]`.
 * docs: /guide/applications#local-volatility
 *
 * @param grid - The starting σ and r, the grid and the knots.
 * @param name - The layer's name.
 * @param inputShape - The input shape without the batch axis (`[2]`).
 * @returns The bound layer.
 * @example
 * ```json
 * { "type": "black-scholes", "coefficients": "local-volatility", "knots": [-0.3, 0, 0.3], "nodes": 61 }
 * ```
 */
export function localVolatilityLayer(
  grid: LocalVolatilityGrid,
  name: string,
  inputShape: readonly number[],
): Layer {
  const { sigma, r, xMax, nodes: n, knots } = grid;
  const h = (2 * xMax) / (n - 1);
  const xs = Array.from({ length: n }, (_, i) => -xMax + i * h);
  const hat = hatWeights(xs, knots);
  const { d1, d2, shift } = differences(n, h);
  const start = Float32Array.from([...xs.map((x) => cellAverage(x, h)), 1]);
  return {
    name,
    type: 'black-scholes',
    config: {
      type: 'black-scholes',
      name,
      coefficients: 'local-volatility',
      sigma,
      r,
      xMax,
      nodes: n,
      knots: [...knots],
    },
    inputShape,
    outputShape: [1],
    params: coefficientParams(knots.length, sigma, r),
    state: [],
    stochastic: false,
    apply(p, x) {
      const { logSigma, logR } = p as { logSigma: tf.Tensor; logR: tf.Tensor };
      const rate = Math.exp(logR.dataSync()[0] as number);
      const knotValues = Array.from(logSigma.dataSync(), Math.exp);
      // the scheme's conditions and the norm of M, from the node coefficients
      let norm = rate;
      for (let i = 1; i < n - 1; i++) {
        let s = 0;
        knotValues.forEach((v, k) => {
          s += (hat[i * knots.length + k] as number) * v;
        });
        const a = 0.5 * s * s;
        const peclet = (Math.abs(rate - a) * h) / (2 * a);
        if (!(peclet < 1)) {
          throw new ValueError(
            `${name}: σ(x) = ${s.toPrecision(4)} at x = ${(xs[i] as number).toFixed(3)}, r = ${rate.toPrecision(4)} on a grid of spacing h = ${h.toPrecision(3)} make central differences oscillate (|r − σ²/2|·h/σ² = ${peclet.toPrecision(3)} ≥ 1); use more nodes or start σ higher`,
          );
        }
        norm = Math.max(
          norm,
          (64 * a) / (12 * h * h) + (18 * Math.abs(rate - a)) / (12 * h) + rate,
        );
      }
      const longest = tf.max(tf.slice(x, [0, 1], [-1, 1]));
      const tauMax = Math.max(0, longest.dataSync()[0] as number);
      longest.dispose();
      const p2 = Math.ceil(Math.log2(norm));
      const dt = 2 ** -p2;
      const bits = Math.max(1, Math.ceil(Math.log2(Math.floor(tauMax / dt) + 1)));

      const sig = tf.matMul(
        tf.tensor2d(hat, [n, knots.length]),
        tf.reshape(tf.exp(logSigma), [knots.length, 1]),
      );
      const r = tf.exp(tf.reshape(logR, []));
      const a = tf.mul(0.5, tf.square(sig));
      const b = tf.sub(r, a);
      const rows = tf.addN([
        tf.mul(a, tf.tensor2d(d2, [n, n + 1])),
        tf.mul(b, tf.tensor2d(d1, [n, n + 1])),
        tf.mul(r, tf.tensor2d(shift, [n, n + 1])),
      ]);
      const last = tf.concat([tf.zeros([1, n]), tf.reshape(tf.neg(r), [1, 1])], 1);
      const m = tf.concat([rows, last], 0) as tf.Tensor2D;

      const [xIn, tauIn] = tf.split(x, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
      const tau = tf.reshape(tf.relu(tauIn), [1, -1]);
      const steps = tf.floor(tf.div(tau, dt));
      const delta = tf.sub(tau, tf.mul(steps, dt));
      const batch = tau.shape[1] as number;
      let z: tf.Tensor2D = tf.tile(tf.tensor2d(start, [n + 1, 1]), [1, batch]);
      let power = expm(tf.mul(m, dt) as tf.Tensor2D);
      for (let j = 0; j < bits; j++) {
        if (j > 0) power = tf.matMul(power, power);
        const bit = tf.mod(tf.floor(tf.div(steps, 2 ** j)), 2);
        z = tf.add(z, tf.mul(bit, tf.sub(tf.matMul(power, z), z)));
      }
      // exp(δM) z column by column, ‖δM‖ ≤ 1
      let term = z;
      for (let j = 1; j <= TAYLOR_TERMS; j++) {
        term = tf.mul(tf.matMul(m, term), tf.div(delta, j));
        z = tf.add(z, term);
      }
      const values = tf.transpose(tf.slice(z, [0, 0], [n, batch]));
      // cubic Lagrange weights on nodes i0 − 1 … i0 + 2
      const xi = tf.reshape(tf.clipByValue(tf.div(tf.add(xIn, xMax), h), 0, n - 1), [-1]);
      const i0 = tf.clipByValue(tf.floor(xi), 1, n - 3);
      const t = tf.sub(xi, i0);
      const tp = tf.add(t, 1);
      const tm = tf.sub(t, 1);
      const tmm = tf.sub(t, 2);
      const weights = [
        tf.div(tf.mul(tf.mul(t, tm), tmm), -6),
        tf.div(tf.mul(tf.mul(tp, tm), tmm), 2),
        tf.div(tf.mul(tf.mul(tp, t), tmm), -2),
        tf.div(tf.mul(tf.mul(tp, t), tm), 6),
      ];
      const read = tf.addN(
        weights.map((w, k) =>
          tf.mul(
            tf.reshape(w, [-1, 1]),
            tf.cast(tf.oneHot(tf.cast(tf.add(i0, k - 1), 'int32') as tf.Tensor1D, n), 'float32'),
          ),
        ),
      );
      return { y: tf.sum(tf.mul(read, values), 1, true) };
    },
  };
}

// The Black–Scholes layer: a network whose forward pass is a finite-difference scheme for the Black–Scholes PDE (central differences in log-moneyness, integrated exactly in time), with learnable σ and r.
import { ConfigError, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { checkKeys, readNumber, readOneOf } from './internal/config-values.js';
import { COMMON_KEYS, type LayerType, requireVector } from './internal/layer-type.js';
import type { Layer } from './layer.js';
import { coefficientParams, localVolatilityLayer, readKnots } from './local-volatility-scheme.js';

/**
 * The coefficient models of the `'black-scholes'` layer: `'constant'` (one learnable σ) or
 * `'local-volatility'` (a learnable profile σ(x) on knots in log-moneyness); r is a learnable
 * constant in both.
 *
 * @example
 * ```ts
 * BLACK_SCHOLES_COEFFICIENTS; // ['constant', 'local-volatility']
 * ```
 */
export const BLACK_SCHOLES_COEFFICIENTS = ['constant', 'local-volatility'] as const;

/** A coefficient model of the `'black-scholes'` layer (see {@link BLACK_SCHOLES_COEFFICIENTS}). */
export type BlackScholesCoefficients = (typeof BLACK_SCHOLES_COEFFICIENTS)[number];

/** The default knots of a local-volatility profile, in log-moneyness. */
const DEFAULT_KNOTS = [-0.2, 0, 0.2];

/**
 * A layer that prices European calls by solving the Black–Scholes PDE with a finite-difference
 * scheme whose coefficients are its parameters. In log-moneyness `x = ln(S/K)` and time to
 * maturity `τ`, the call value in units of the strike, `u = V/K`, solves
 *
 * `u_τ = a u_xx + b u_x − r u`, `a = ½σ²`, `b = r − ½σ²`, `u(x, 0) = max(eˣ − 1, 0)`,
 *
 * on `x ∈ [−xMax, xMax]` with `u = 0` at `−xMax` and `u = e^{xMax} − e^{−rτ}` at `xMax` (the deep
 * in-the-money value). Central differences on `nodes` points spaced `h = 2·xMax/(nodes − 1)` give
 * the method of lines `u′ = T u + f(τ)` on the `m = nodes − 2` interior nodes, `T` tridiagonal
 * Toeplitz with sub-, main and super-diagonal `l = a/h² − b/2h`, `d = −2a/h² − r`,
 * `υ = a/h² + b/2h` (consistent to `O(h²)`). It is integrated exactly in time: with
 * `ρ = √(l/υ)`, `T = P Q Λ Qᵀ P⁻¹`, `P = diag(ρʲ)`, `Q_{jk} = √(2/(m+1)) sin(jθ_k)`,
 * `θ_k = kπ/(m+1)`, `λ_k = d + 2√(lυ) cos θ_k`, so each mode is
 * `w_k(τ) = c_k e^{λ_k τ} + β_k ∫₀^τ e^{λ_k(τ−s)} (e^{xMax} − e^{−rs}) ds`, with `c = Qᵀ P⁻¹ u(·, 0)`
 * and `β_k = υ ρ^{−m} Q_{mk}` (the boundary's source), and `u(x, τ) = ρ^ξ Σ_k Q_k(ξ) w_k(τ)` at
 * `ξ = (x + xMax)/h`, the eigenvectors read at a fractional node. The forward pass is `O(batch·m)`
 * and differentiable in σ and r; the scheme needs `l > 0` (`|b| h < 2a`, no odd–even oscillation).
 *
 * Input `[batch, 2]`: `(ln(S/K), τ)`, `x` clamped to the grid and `τ ≥ 0`. Output `[batch, 1]`: the
 * call value `V/K`. Parameters `logSigma` and `logR`, each `[1]` (so `σ = e^{logSigma}` and
 * `r = e^{logR}` stay positive), initialised at the config's `sigma` and `r`.
 *
 * With `coefficients: 'local-volatility'` σ is instead a profile σ(x), piecewise linear on
 * `knots` in log-moneyness with `logSigma: [K]`, and the scheme uses σ(x_i) at every grid node
 * (the local-volatility scheme of this package).
 * docs: /math/applications#black-scholes, /guide/applications#black-scholes
 *
 * @example
 * ```json
 * { "type": "black-scholes", "sigma": 0.3, "r": 0.02, "nodes": 121 }
 * ```
 */
export interface BlackScholesLayerConfig {
  readonly type: 'black-scholes';
  /** Layer name (default `black-scholes_<index>`). */
  readonly name?: string;
  /** Initial volatility σ > 0; default 0.3. */
  readonly sigma?: number;
  /** Initial rate r > 0; default 0.02. */
  readonly r?: number;
  /** Half-width of the log-moneyness grid; default 1.5 (1 for a local-volatility profile). */
  readonly xMax?: number;
  /** Grid points in log-moneyness, boundaries included (≥ 5); default 121 (41 for a local-volatility profile). */
  readonly nodes?: number;
  /** The coefficient model; default `'constant'`. */
  readonly coefficients?: BlackScholesCoefficients;
  /** Knots of the local-volatility profile in log-moneyness; default `[-0.2, 0, 0.2]`. */
  readonly knots?: readonly number[];
}

const KEYS = ['sigma', 'r', 'xMax', 'nodes', 'coefficients', 'knots'];

/** The `'black-scholes'` layer type. */
export const blackScholesLayerType: LayerType = {
  type: 'black-scholes',
  keys: KEYS,
  build(raw, input, name, where): Layer {
    const config = checkKeys(raw, [...COMMON_KEYS, ...KEYS], where);
    const d = requireVector(input, where, 'a black-scholes layer');
    if (d !== 2) {
      throw new ConfigError(
        `${where}: a black-scholes layer takes [batch, 2] inputs (ln(S/K), τ), got features [${d}]`,
      );
    }
    const positive = { min: 0, exclusiveMin: true };
    const sigma = readNumber(config, 'sigma', where, positive, 0.3);
    const r = readNumber(config, 'r', where, positive, 0.02);
    const coefficients = readOneOf(
      config,
      'coefficients',
      where,
      BLACK_SCHOLES_COEFFICIENTS,
      'constant',
    );
    const local = coefficients === 'local-volatility';
    const xMax = readNumber(config, 'xMax', where, positive, local ? 1 : 1.5);
    const nodes = readNumber(config, 'nodes', where, { min: 5, integer: true }, local ? 41 : 121);
    if (local) {
      const knots = readKnots(config.knots ?? DEFAULT_KNOTS, xMax, where);
      return localVolatilityLayer({ sigma, r, xMax, nodes, knots }, name, input.shape);
    }
    if (config.knots !== undefined) {
      throw new ConfigError(
        `${where}.knots: only a local-volatility profile has knots; add "coefficients": "local-volatility" or drop knots`,
      );
    }
    const m = nodes - 2;
    const h = (2 * xMax) / (nodes - 1);
    const centre = (m + 1) / 2;
    const norm = Math.sqrt(2 / (m + 1));
    const theta = Float32Array.from({ length: m }, (_, k) => ((k + 1) * Math.PI) / (m + 1));
    // Q_{jk} = √(2/(m+1)) sin(jθ_k), symmetric; the payoff at the interior nodes; j − centre
    const q = new Float32Array(m * m);
    for (let j = 1; j <= m; j++) {
      for (let k = 1; k <= m; k++)
        q[(j - 1) * m + k - 1] = norm * Math.sin((j * k * Math.PI) / (m + 1));
    }
    const payoff = Float32Array.from({ length: m }, (_, i) =>
      Math.max(Math.exp(-xMax + (i + 1) * h) - 1, 0),
    );
    const offsets = Float32Array.from({ length: m }, (_, i) => i + 1 - centre);
    const lastRow = q.slice((m - 1) * m, m * m);
    return {
      name,
      type: 'black-scholes',
      config: { type: 'black-scholes', name, sigma, r, xMax, nodes },
      inputShape: input.shape,
      outputShape: [1],
      params: coefficientParams(1, sigma, r),
      state: [],
      stochastic: false,
      apply(p, x) {
        const { logSigma, logR } = p as { logSigma: tf.Tensor; logR: tf.Tensor };
        const s = Math.exp(logSigma.dataSync()[0] as number);
        const rate = Math.exp(logR.dataSync()[0] as number);
        const peclet = (Math.abs(rate - 0.5 * s * s) * h) / (s * s);
        if (!(peclet < 1)) {
          throw new ValueError(
            `${name}: σ = ${s.toPrecision(4)}, r = ${rate.toPrecision(4)} on a grid of spacing h = ${h.toPrecision(3)} make central differences oscillate (|r − σ²/2|·h/σ² = ${peclet.toPrecision(3)} ≥ 1); use more nodes or start σ higher`,
          );
        }
        const sig = tf.exp(tf.reshape(logSigma, []));
        const r = tf.exp(tf.reshape(logR, []));
        const a = tf.mul(0.5, tf.square(sig));
        const b = tf.sub(r, a);
        const lo = tf.sub(tf.div(a, h * h), tf.div(b, 2 * h));
        const up = tf.add(tf.div(a, h * h), tf.div(b, 2 * h));
        const diag = tf.sub(tf.mul(-2 / (h * h), a), r);
        const logRho = tf.mul(0.5, tf.sub(tf.log(lo), tf.log(up)));
        const lambda = tf.add(
          diag,
          tf.mul(tf.mul(2, tf.sqrt(tf.mul(lo, up))), tf.cos(tf.tensor1d(theta))),
        );
        const qm = tf.tensor2d(q, [m, m]);
        // c = Qᵀ P⁻¹ u₀ and β = υ ρ^{−m} Q_{m·}, with P scaled by ρ^{−centre} for range
        const scaled = tf.mul(
          tf.exp(tf.mul(tf.neg(logRho), tf.tensor1d(offsets))),
          tf.tensor1d(payoff),
        );
        const c = tf.reshape(tf.matMul(qm, tf.reshape(scaled, [m, 1]), true), [1, m]);
        const beta = tf.reshape(
          tf.mul(tf.mul(up, tf.exp(tf.mul(tf.neg(logRho), m - centre))), tf.tensor1d(lastRow)),
          [1, m],
        );
        const [xs, taus] = tf.split(x, 2, 1) as [tf.Tensor, tf.Tensor];
        const xi = tf.clipByValue(tf.div(tf.add(xs, xMax), h), 0, m + 1);
        const tau = tf.relu(taus);
        const lam = tf.reshape(lambda, [1, m]);
        const growth = tf.exp(tf.mul(tau, lam));
        // ∫₀^τ e^{λ(τ−s)} (e^{xMax} − e^{−rs}) ds
        const source = tf.sub(
          tf.mul(Math.exp(xMax), tf.div(tf.sub(growth, 1), lam)),
          tf.div(tf.sub(growth, tf.exp(tf.neg(tf.mul(r, tau)))), tf.add(lam, r)),
        );
        const modes = tf.add(tf.mul(c, growth), tf.mul(beta, source));
        const shapes = tf.mul(norm, tf.sin(tf.mul(xi, tf.reshape(tf.tensor1d(theta), [1, m]))));
        const sum = tf.sum(tf.mul(shapes, modes), 1, true);
        return { y: tf.mul(tf.exp(tf.mul(logRho, tf.sub(xi, centre))), sum) };
      },
    };
  },
};

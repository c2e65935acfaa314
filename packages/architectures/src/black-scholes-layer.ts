// The Black–Scholes layer: a network whose forward pass is a finite-difference scheme (explicit Euler in time, central differences in log-moneyness) for the Black–Scholes PDE, with learnable σ and r.
import { ConfigError, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { checkKeys, readNumber } from './internal/config-values.js';
import { COMMON_KEYS, type LayerType, requireVector } from './internal/layer-type.js';
import type { Layer } from './layer.js';

/**
 * A layer that prices European calls by solving the Black–Scholes PDE with a finite-difference
 * scheme whose coefficients are its parameters. In log-moneyness `x = ln(S/K)` and time to
 * maturity `τ`, the call value in units of the strike, `u = V/K`, solves
 *
 * `u_τ = ½σ² u_xx + (r − ½σ²) u_x − r u`, `u(x, 0) = max(eˣ − 1, 0)`,
 *
 * on `x ∈ [−xMax, xMax]` with `u = 0` at `−xMax` and `u_τ = r(eˣ − u)` at `xMax` (so that
 * `u → eˣ − e^{−rτ}`, the deep in-the-money value). The grid has `nodes` points `x_i` spaced
 * `h = 2·xMax/(nodes − 1)` and `levels · stride` explicit Euler steps `Δτ = maturity/(levels·stride)`
 * with central differences, `u^{n+1} = M u^n`, `M = I + Δτ (a D₂ + b D₁ − r I)`, `a = ½σ²`,
 * `b = r − a` (consistent to `O(Δτ + h²)`, stable for `σ²Δτ/h² ≤ 1`). The `stride`-th power of
 * `M` is formed by repeated squaring, so the forward pass costs `log₂(stride)` matrix products
 * and `levels` matrix–vector products; the solution at the times `τ_j = j·maturity/levels` is
 * interpolated bilinearly at the inputs.
 *
 * Input `[batch, 2]`: `(ln(S/K), τ)`, clamped to the grid (`|x| ≤ xMax`, `0 ≤ τ ≤ maturity`).
 * Output `[batch, 1]`: the call value `V/K`. Parameters `logSigma` and `logR`, each `[1]`
 * (so `σ = e^{logSigma}` and `r = e^{logR}` stay positive), initialised at the config's `sigma`
 * and `r`. docs: /guide/applications#black-scholes
 *
 * @example
 * ```json
 * { "type": "black-scholes", "sigma": 0.3, "r": 0.02, "nodes": 121, "levels": 16, "stride": 256 }
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
  /** Half-width of the log-moneyness grid; default 1.5. */
  readonly xMax?: number;
  /** Grid points in log-moneyness (≥ 5); default 121. */
  readonly nodes?: number;
  /** Longest time to maturity (years); default 1. */
  readonly maturity?: number;
  /** Time levels stored for interpolation; default 16. */
  readonly levels?: number;
  /** Euler steps between stored levels, a power of two; default 256. */
  readonly stride?: number;
}

const KEYS = ['sigma', 'r', 'xMax', 'nodes', 'maturity', 'levels', 'stride'];

/** The grid of a Black–Scholes layer, resolved. */
interface Grid {
  readonly xMax: number;
  readonly nodes: number;
  readonly maturity: number;
  readonly levels: number;
  readonly stride: number;
}

/**
 * The constant matrices of `M = C₀ + a C₁ + b C₂ + r C₃` on the state `(u_0, …, u_{n−1}, 1)`
 * (the trailing 1 carries the boundary's source term), row-major `[n+1, n+1]`.
 */
function schemeMatrices(grid: Grid): [Float32Array, Float32Array, Float32Array, Float32Array] {
  const n = grid.nodes;
  const m = n + 1;
  const h = (2 * grid.xMax) / (n - 1);
  const dt = grid.maturity / (grid.levels * grid.stride);
  const c0 = new Float32Array(m * m);
  const c1 = new Float32Array(m * m);
  const c2 = new Float32Array(m * m);
  const c3 = new Float32Array(m * m);
  for (let i = 0; i < m; i++) c0[i * m + i] = 1;
  for (let i = 1; i < n - 1; i++) {
    c1[i * m + i - 1] = dt / (h * h);
    c1[i * m + i] = (-2 * dt) / (h * h);
    c1[i * m + i + 1] = dt / (h * h);
    c2[i * m + i - 1] = -dt / (2 * h);
    c2[i * m + i + 1] = dt / (2 * h);
    c3[i * m + i] = -dt;
  }
  const last = n - 1;
  c3[last * m + last] = -dt;
  c3[last * m + n] = dt * Math.exp(grid.xMax);
  return [c0, c1, c2, c3];
}

/** The payoff `max(eˣ − 1, 0)` at the nodes, with the trailing 1, as a column `[n+1, 1]`. */
function payoff(grid: Grid): Float32Array {
  const n = grid.nodes;
  const h = (2 * grid.xMax) / (n - 1);
  const z = new Float32Array(n + 1);
  for (let i = 0; i < n; i++) z[i] = Math.max(Math.exp(-grid.xMax + i * h) - 1, 0);
  z[n] = 1;
  return z;
}

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
    const grid: Grid = {
      xMax: readNumber(config, 'xMax', where, positive, 1.5),
      nodes: readNumber(config, 'nodes', where, { min: 5, integer: true }, 121),
      maturity: readNumber(config, 'maturity', where, positive, 1),
      levels: readNumber(config, 'levels', where, { min: 1, integer: true }, 16),
      stride: readNumber(config, 'stride', where, { min: 1, integer: true }, 256),
    };
    const squarings = Math.log2(grid.stride);
    if (!Number.isInteger(squarings)) {
      throw new ConfigError(
        `${where}.stride: expected a power of two (the step matrix is squared log₂(stride) times), got ${grid.stride}`,
      );
    }
    const n = grid.nodes;
    const h = (2 * grid.xMax) / (n - 1);
    const dt = grid.maturity / (grid.levels * grid.stride);
    const [c0, c1, c2, c3] = schemeMatrices(grid);
    const z0 = payoff(grid);
    return {
      name,
      type: 'black-scholes',
      config: { type: 'black-scholes', name, sigma, r, ...grid },
      inputShape: input.shape,
      outputShape: [1],
      params: [
        {
          path: 'logSigma',
          shape: [1],
          role: 'bias',
          init: { kind: 'constant', value: Math.log(sigma) },
        },
        { path: 'logR', shape: [1], role: 'bias', init: { kind: 'constant', value: Math.log(r) } },
      ],
      state: [],
      stochastic: false,
      apply(p, x) {
        const { logSigma, logR } = p as { logSigma: tf.Tensor; logR: tf.Tensor };
        const s = Math.exp(logSigma.dataSync()[0] as number);
        const courant = (s * s * dt) / (h * h);
        if (!(courant <= 1)) {
          throw new ValueError(
            `${name}: σ = ${s.toPrecision(4)} makes the explicit scheme unstable (σ²Δτ/h² = ${courant.toPrecision(3)} > 1); raise stride or lower the learning rate`,
          );
        }
        const m = n + 1;
        const sig = tf.exp(tf.reshape(logSigma, []));
        const rate = tf.exp(tf.reshape(logR, []));
        const a = tf.mul(0.5, tf.square(sig));
        const b = tf.sub(rate, a);
        let step = tf.addN([
          tf.tensor2d(c0, [m, m]),
          tf.mul(a, tf.tensor2d(c1, [m, m])),
          tf.mul(b, tf.tensor2d(c2, [m, m])),
          tf.mul(rate, tf.tensor2d(c3, [m, m])),
        ]);
        for (let k = 0; k < squarings; k++) step = tf.matMul(step, step);
        let z: tf.Tensor = tf.tensor2d(z0, [m, 1]);
        const columns = [z];
        for (let j = 0; j < grid.levels; j++) {
          z = tf.matMul(step, z);
          columns.push(z);
        }
        // table[i, j] = u(x_i, τ_j), flattened row-major
        const table = tf.reshape(
          tf.slice(tf.concat(columns, 1), [0, 0], [n, grid.levels + 1]),
          [-1],
        );
        const cols = grid.levels + 1;
        const [xs, taus] = tf.split(x, 2, 1) as [tf.Tensor, tf.Tensor];
        const xi = tf.clipByValue(tf.div(tf.add(xs, grid.xMax), h), 0, n - 1);
        const tj = tf.clipByValue(tf.div(taus, grid.maturity / grid.levels), 0, grid.levels);
        const i0 = tf.minimum(tf.floor(xi), n - 2);
        const j0 = tf.minimum(tf.floor(tj), grid.levels - 1);
        const fx = tf.sub(xi, i0);
        const ft = tf.sub(tj, j0);
        const at = (di: number, dj: number): tf.Tensor =>
          tf.gather(
            table,
            tf.cast(
              tf.reshape(tf.add(tf.mul(tf.add(i0, di), cols), tf.add(j0, dj)), [-1]),
              'int32',
            ),
          );
        const one = (f: tf.Tensor): tf.Tensor => tf.sub(1, f);
        const fxv = tf.reshape(fx, [-1]);
        const ftv = tf.reshape(ft, [-1]);
        const y = tf.addN([
          tf.mul(tf.mul(one(fxv), one(ftv)), at(0, 0)),
          tf.mul(tf.mul(fxv, one(ftv)), at(1, 0)),
          tf.mul(tf.mul(one(fxv), ftv), at(0, 1)),
          tf.mul(tf.mul(fxv, ftv), at(1, 1)),
        ]);
        return { y: tf.reshape(y, [-1, 1]) };
      },
    };
  },
};

import type { TensorTree } from '@runge/tensor-ops';

/**
 * The right-hand side of `y'(t) = f(t, y, θ)`: a plain function of time, a state tree and the
 * parameters (or the controls interpolated to `t`). It must be pure in its arguments (it may
 * create tensors; the solver releases them).
 *
 * @example
 * ```ts
 * // ResNet dynamics f = σ(K y + b) on vectors y: [batch, d], K: [d, d]
 * const f: Dynamics<tf.Tensor, { K: tf.Tensor; b: tf.Tensor }> = (t, y, { K, b }) =>
 *   tf.relu(tf.add(tf.matMul(y, K), b));
 * ```
 */
export type Dynamics<Y extends TensorTree = TensorTree, P extends TensorTree = TensorTree> = (
  t: number,
  y: Y,
  params: P,
) => Y;

/**
 * A partitioned system for symplectic (leapfrog / Störmer–Verlet) integration with state
 * `{ q, p }`: `q' = dq(t, p, θ)`, `p' = dp(t, q, θ)`. Each derivative depends only on the other
 * half of the state, which makes the scheme explicit and exactly reversible.
 *
 * A second-order equation `q'' = g(t, q)` is `dq = (t, p) => p`, `dp = (t, q) => g(t, q)`.
 * The Hamiltonian network of Haber & Ruthotto uses `dq = Kᵀσ(K p + b)`, `dp = −Kᵀσ(K q + b)`.
 *
 * @example
 * ```ts
 * const oscillator: PartitionedDynamics<tf.Tensor, tf.Tensor, {}> = {
 *   dq: (t, p) => p,
 *   dp: (t, q) => tf.neg(q),
 * };
 * ```
 */
export interface PartitionedDynamics<
  Q extends TensorTree = TensorTree,
  Pm extends TensorTree = TensorTree,
  P extends TensorTree = TensorTree,
> {
  /** `q' = dq(t, p, θ)`. */
  readonly dq: (t: number, p: Pm, params: P) => Q;
  /** `p' = dp(t, q, θ)`. */
  readonly dp: (t: number, q: Q, params: P) => Pm;
}

/**
 * An explicit Runge–Kutta method as data: `k_i = f(t + c_i h, y + h Σ_{j<i} a_ij k_j)`,
 * `y_{n+1} = y_n + h Σ_i b_i k_i`. An embedded pair adds `bHat` (the weights of the lower-order
 * solution) whose difference from `b` estimates the local error.
 *
 * @example
 * ```ts
 * const heun: ButcherTableau = { name: 'heun', order: 2, a: [[], [1]], b: [0.5, 0.5], c: [0, 1] };
 * ```
 */
export interface ButcherTableau {
  /** A short name used in messages and benchmark output. */
  readonly name: string;
  /** Classical order `p` of the solution `b`. */
  readonly order: number;
  /** Strictly lower-triangular stage coefficients; row `i` has `i` entries. */
  readonly a: readonly (readonly number[])[];
  /** Solution weights (sum to 1). */
  readonly b: readonly number[];
  /** Stage times (`c_i = Σ_j a_ij`). */
  readonly c: readonly number[];
  /** Embedded solution weights for the error estimate (adaptive methods only). */
  readonly bHat?: readonly number[];
  /** Order of the embedded solution `bHat`. */
  readonly embeddedOrder?: number;
  /** First-same-as-last: the last stage equals the next step's first stage. */
  readonly fsal?: boolean;
}

/** Names of the built-in fixed-step methods. */
export type FixedStepMethodName = 'euler' | 'midpoint' | 'heun' | 'rk4';

/**
 * How to advance the state: a built-in explicit RK method, adaptive Dormand–Prince 5(4),
 * leapfrog / Störmer–Verlet for {@link PartitionedDynamics}, or a user's tableau.
 */
export type Method = FixedStepMethodName | 'dopri5' | 'leapfrog' | ButcherTableau;

/**
 * Time-dependent parameters given on their own grid (Onken et al.): every leaf of `values` has a
 * leading axis of length `M`, and the solver interpolates them to each stage time, so the number
 * of state steps `N` and of control points `M` are chosen independently.
 *
 * - `'constant'` (default): `M` pieces of equal length on `[t0, t1]`; on
 *   `[t0 + jT/M, t0 + (j+1)T/M)` the control is `values[j]` (a ResNet with one weight per step is
 *   `M = N`).
 * - `'linear'`: `M ≥ 2` nodes at `t0 + jT/(M − 1)`, linearly interpolated.
 *
 * Here `T = t1 − t0`, so the grid runs from `t0` to `t1`: integrating backwards (`t1 < t0`),
 * `values[0]` belongs to `t0`.
 *
 * @example
 * ```ts
 * // 8 steps, 4 weight sets: steps 2j and 2j+1 use K[j]
 * const controls: ControlGrid<{ K: tf.Tensor; b: tf.Tensor }> = {
 *   values: { K: tf.zeros([4, 16, 16]), b: tf.zeros([4, 16]) },
 * };
 * ```
 */
export interface ControlGrid<P extends TensorTree = TensorTree> {
  /** The controls at the grid points; each leaf has shape `[M, ...]`. */
  readonly values: P;
  /** Interpolation between grid points; default `'constant'`. */
  readonly interpolation?: 'constant' | 'linear';
}

/** Work counters of a solve. */
export interface SolveStats {
  /** Right-hand-side evaluations (forward pass only). */
  readonly nfe: number;
  /** Accepted steps. */
  readonly steps: number;
  /** Rejected steps (adaptive methods). */
  readonly rejected: number;
}

/** The result of a solve. The caller owns (and disposes) `y` and `ys`. */
export interface SolveResult<Y extends TensorTree = TensorTree> {
  /** The state at `t1`. */
  readonly y: Y;
  /** The states at the requested `saveAt` times (empty if none were requested). */
  readonly ys: readonly Y[];
  /** The times of `ys`. */
  readonly ts: readonly number[];
  /** Work counters. */
  readonly stats: SolveStats;
}

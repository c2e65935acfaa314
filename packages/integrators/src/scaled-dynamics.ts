// Dynamics that also evaluate c·f(t, y, θ) (and y + c·f) in one go, so that a step which uses an evaluation once need not scale it or add it afterwards.
import type { TensorTree } from '@runge/tensor-ops';
import type { Dynamics } from './types.js';

/**
 * `c · f(t, y, θ)` computed directly: for example `σ(cK y + cb)` for a ResNet layer with a
 * positively homogeneous `σ` (`c > 0`), where the scaling falls on the small weights instead of
 * the large state. It must equal `c · f(t, y, θ)` for every real `c` (falling back to the product
 * where no shortcut applies), and be pure like `f`.
 */
export type ScaledRhs<Y extends TensorTree = TensorTree, P extends TensorTree = TensorTree> = (
  t: number,
  y: Y,
  params: P,
  c: number,
) => Y;

/**
 * `y + c · f(t, y, θ)` computed directly: a forward Euler step of size `c` in one evaluation, for
 * example a residual block `Y + σ(cK Y + cb)` that a backend computes in one kernel. It must equal
 * `y + c · f(t, y, θ)` for every real `c`, and be pure like `f`.
 */
export type ResidualRhs<Y extends TensorTree = TensorTree, P extends TensorTree = TensorTree> = (
  t: number,
  y: Y,
  params: P,
  c: number,
) => Y;

/**
 * Dynamics `f` that carry their scaled evaluation `f.scaled(t, y, θ, c) = c · f(t, y, θ)` and,
 * optionally, their residual evaluation `f.residual(t, y, θ, c) = y + c · f(t, y, θ)`.
 */
export type ScaledDynamics<
  Y extends TensorTree = TensorTree,
  P extends TensorTree = TensorTree,
> = Dynamics<Y, P> & {
  readonly scaled: ScaledRhs<Y, P>;
  readonly residual?: ResidualRhs<Y, P>;
};

/**
 * Attaches a scaled evaluation to dynamics. The Runge–Kutta methods of `solve` then evaluate each
 * stage that enters the step once, `k_i` with the single coefficient `c` (`h` for forward Euler's
 * only stage, `h/2` and `h` for the midpoint method's), as `scaled(t, y, θ, c)` and add it
 * unscaled: `y_{n+1} = y_n + h f(y_n)` costs the evaluation and one addition. Stages used more
 * than once (RK4's, Heun's first) and adaptive steps use `f`. Results agree with `f`'s to
 * rounding; gradients flow through `scaled` as through `f`.
 *
 * With `residual` as well, a forward Euler step of `solve` is `residual(t, y, θ, h)`: the whole
 * step in one evaluation, with no addition left (a backend may fuse it into the convolution).
 *
 * @param f - The right-hand side `f(t, y, θ)`; it is not modified.
 * @param scaled - `(t, y, θ, c) ↦ c · f(t, y, θ)`.
 * @param residual - Optionally `(t, y, θ, c) ↦ y + c · f(t, y, θ)`.
 * @returns New dynamics that evaluate `f` and carry `scaled` (and `residual`).
 * @example
 * ```ts
 * // y' = relu(y K + b): c·f = relu(y (cK) + cb) for c > 0
 * const f = withScaled(
 *   (t, y, { K, b }) => tf.relu(tf.add(tf.matMul(y, K), b)),
 *   (t, y, { K, b }, c) =>
 *     c > 0 ? tf.relu(tf.add(tf.matMul(y, tf.mul(K, c)), tf.mul(b, c)))
 *           : tf.mul(tf.relu(tf.add(tf.matMul(y, K), b)), c),
 * );
 * solve({ f, y0, t0: 0, t1: 1, steps: 8, method: 'euler', params: { K, b } });
 * ```
 */
export function withScaled<Y extends TensorTree, P extends TensorTree>(
  f: Dynamics<Y, P>,
  scaled: ScaledRhs<Y, P>,
  residual?: ResidualRhs<Y, P>,
): ScaledDynamics<Y, P> {
  const g: Dynamics<Y, P> = (t, y, params) => f(t, y, params);
  return Object.assign(g, residual === undefined ? { scaled } : { scaled, residual });
}

/**
 * The scaled evaluation dynamics carry ({@link withScaled}), or `undefined`.
 *
 * @example
 * ```ts
 * scaledOf((t, y) => y); // undefined
 * ```
 */
export function scaledOf<Y extends TensorTree, P extends TensorTree>(
  f: Dynamics<Y, P>,
): ScaledRhs<Y, P> | undefined {
  const s = (f as Partial<ScaledDynamics<Y, P>>).scaled;
  return typeof s === 'function' ? s : undefined;
}

/**
 * The residual evaluation dynamics carry ({@link withScaled}'s third argument), or `undefined`.
 *
 * @example
 * ```ts
 * residualOf(withScaled(f, (t, y, θ, c) => tf.mul(f(t, y, θ), c))); // undefined
 * ```
 */
export function residualOf<Y extends TensorTree, P extends TensorTree>(
  f: Dynamics<Y, P>,
): ResidualRhs<Y, P> | undefined {
  const r = (f as Partial<ScaledDynamics<Y, P>>).residual;
  return typeof r === 'function' ? r : undefined;
}

// L-BFGS: the limited-memory BFGS quasi-Newton method with a strong-Wolfe line search, on a vector objective or a loss of a parameter tree.
import { assertNumber, type TensorTree } from '@runge/tensor-ops';
import type * as tf from '@tensorflow/tfjs-core';
import type { StrongWolfeOptions } from './line-search.js';
import { type DescentDirection, lineSearchDescent } from './line-search-descent.js';
import type { IterationRecord, MinimizeResult } from './minimize-result.js';
import type { Optimizer } from './optimizer.js';
import {
  paramVector,
  treeObjective,
  type VectorObjective,
  vectorObjective,
} from './param-vector.js';
import { axpy, dot, scaled } from './vector-math.js';

/** Options of {@link lbfgsMinimize} and {@link lbfgs}. */
export interface LbfgsOptions {
  /** Number `m` of curvature pairs `(s, y)` kept; default 10. */
  readonly memory?: number;
  /** Most iterations; default 100. */
  readonly maxIterations?: number;
  /** Stop when `‖∇f‖∞` is at most this; default 1e-6. */
  readonly gradientTolerance?: number;
  /** Options of the line search (`c1` 1e-4, `c2` 0.9 by default). */
  readonly lineSearch?: StrongWolfeOptions;
  /** Called after every accepted step. */
  readonly onIteration?: (record: IterationRecord) => void;
}

/**
 * Minimises `f: ℝⁿ → ℝ` by L-BFGS (Nocedal & Wright, Algorithm 7.5). The direction is
 * `p_k = −H_k ∇f(x_k)`, where `H_k` is the BFGS inverse-Hessian approximation built from the last
 * `m` pairs `s_i = x_{i+1} − x_i`, `y_i = ∇f(x_{i+1}) − ∇f(x_i)` on top of
 * `H⁰ = (sᵀy / yᵀy) I`, applied by the two-loop recursion in `O(mn)`. The step `α_k` satisfies
 * the strong Wolfe conditions (so `sᵀy > 0` and `H_k` stays positive definite); the first trial is
 * `α = 1` (`min(1, 1/‖∇f‖₁)` on the first iteration, before any curvature is known).
 *
 * Stops when `‖∇f‖∞ ≤ gradientTolerance`, after `maxIterations`, or when the line search finds no
 * decrease (the rounding floor of a float32 objective).
 *
 * docs: /guide/optimisers
 *
 * @param objective - `x ↦ (f(x), ∇f(x))`.
 * @param x0 - The start (not modified).
 * @param options - `memory`, `maxIterations`, `gradientTolerance`, `lineSearch`, `onIteration`.
 * @returns The last iterate, its value and gradient norm, the counts and why it stopped.
 * @example
 * ```ts
 * // Rosenbrock from (−1.2, 1)
 * const rosen = (x: Float64Array) => {
 *   const [a, b] = [x[0]!, x[1]!];
 *   return {
 *     value: 100 * (b - a * a) ** 2 + (1 - a) ** 2,
 *     grad: Float64Array.of(-400 * a * (b - a * a) - 2 * (1 - a), 200 * (b - a * a)),
 *   };
 * };
 * lbfgsMinimize(rosen, Float64Array.of(-1.2, 1)).x; // ≈ [1, 1]
 * ```
 */
export function lbfgsMinimize(
  objective: VectorObjective,
  x0: Float64Array,
  options: LbfgsOptions = {},
): MinimizeResult {
  const memory = assertNumber(options.memory ?? 10, 'memory', { min: 1, integer: true });
  const maxIterations = assertNumber(options.maxIterations ?? 100, 'maxIterations', {
    min: 0,
    integer: true,
  });
  const tolerance = assertNumber(options.gradientTolerance ?? 1e-6, 'gradientTolerance', {
    min: 0,
  });
  const pairs: { s: Float64Array; y: Float64Array; rho: number }[] = [];
  // two-loop recursion: direction = −H ∇f
  const direction = (_x: Float64Array, grad: Float64Array): DescentDirection => {
    const q = Float64Array.from(grad);
    const alphas: number[] = [];
    for (let i = pairs.length - 1; i >= 0; i--) {
      const { s, y, rho } = pairs[i] as (typeof pairs)[number];
      const a = rho * dot(s, q);
      alphas[i] = a;
      for (let j = 0; j < q.length; j++) q[j] = (q[j] as number) - a * (y[j] as number);
    }
    const last = pairs[pairs.length - 1];
    const gamma = last ? dot(last.s, last.y) / dot(last.y, last.y) : 1;
    const r = scaled(q, gamma);
    for (let i = 0; i < pairs.length; i++) {
      const { s, y, rho } = pairs[i] as (typeof pairs)[number];
      const b = rho * dot(y, r);
      const a = alphas[i] as number;
      for (let j = 0; j < r.length; j++) r[j] = (r[j] as number) + (a - b) * (s[j] as number);
    }
    let p = scaled(r, -1);
    if (!(dot(grad, p) < 0)) {
      // lost descent (rounding): restart from steepest descent
      pairs.length = 0;
      p = scaled(grad, -1);
    }
    let gNorm1 = 0;
    for (const g of grad) gNorm1 += Math.abs(g);
    const initialStep = pairs.length === 0 ? Math.min(1, 1 / gNorm1) : 1;
    return { direction: p, lineSearch: { initialStep, ...options.lineSearch } };
  };
  return lineSearchDescent(objective, x0, direction, {
    maxIterations,
    gradientTolerance: tolerance,
    onStep: ({ grad, direction: p, step, nextGrad }) => {
      const s = scaled(p, step);
      const y = axpy(nextGrad, -1, grad);
      const sy = dot(s, y);
      if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
        pairs.push({ s, y, rho: 1 / sy });
        if (pairs.length > memory) pairs.shift();
      }
    },
    onIteration: options.onIteration,
  });
}

/**
 * Minimises a scalar loss of a parameter tree by L-BFGS ({@link lbfgsMinimize}), the gradient by
 * TF.js autodiff: the tree is viewed as one float64 vector ({@link paramVector}), the loss is
 * evaluated in the tensors' precision (float32). Full-batch use: the loss should be a fixed
 * (deterministic) function of the parameters.
 *
 * docs: /guide/optimisers
 *
 * @param loss - The loss of a tree shaped like `params`.
 * @param params - The start (not modified or disposed).
 * @param options - See {@link LbfgsOptions}.
 * @returns The minimiser as new tensors shaped like `params` (the caller owns them) and the
 *   minimisation's report.
 * @example
 * ```ts
 * const { params: fitted, result } = lbfgs((p) => mse(tf.matMul(x, p.w), y), { w: tf.zeros([3, 1]) });
 * ```
 */
export function lbfgs<P extends TensorTree>(
  loss: (params: P) => tf.Scalar,
  params: P,
  options: LbfgsOptions = {},
): { params: P; result: MinimizeResult } {
  const view = paramVector(params);
  const result = lbfgsMinimize(vectorObjective(loss, view), view.toVector(params), options);
  return { params: view.toTree(result.x), result };
}

/**
 * L-BFGS as an {@link Optimizer} for `fit`: each update runs `maxIterations` (default 5)
 * iterations of {@link lbfgsMinimize} on the current batch's loss (through
 * `UpdateContext.valueAndGrad`), from the current parameters and with an empty memory, so every
 * batch is a deterministic problem of its own: use full batches or large ones (the
 * sample-average approximation). The learning rate is not used: the line search sets the step.
 *
 * docs: /guide/optimisers
 *
 * @param options - See {@link LbfgsOptions} (`maxIterations` per batch, default 5).
 * @returns The optimiser (stateless between batches).
 * @example
 * ```ts
 * classification({ apply, params, optimizer: lbfgsOptimizer({ maxIterations: 10 }) });
 * ```
 */
export function lbfgsOptimizer(options: LbfgsOptions = {}): Optimizer {
  const settings = { ...options, maxIterations: options.maxIterations ?? 5 };
  return {
    config: { type: 'lbfgs', iterations: settings.maxIterations, memory: options.memory ?? 10 },
    init: () => ({}),
    update(params, _grads, _state, ctx) {
      const view = paramVector(params);
      const result = lbfgsMinimize(
        treeObjective(ctx.valueAndGrad, view),
        view.toVector(params),
        settings,
      );
      return { params: view.toTree(result.x), state: {} };
    },
  };
}

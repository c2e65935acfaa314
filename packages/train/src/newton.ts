// Newton's method with Hessian–vector products by central differences of gradients, the Newton system solved by conjugate gradients (Newton–CG) and the step by a strong-Wolfe line search.
import { assertNumber, type TensorTree } from '@runge/tensor-ops';
import type * as tf from '@tensorflow/tfjs-core';
import { conjugateGradient } from './conjugate-gradient.js';
import type { StrongWolfeOptions } from './line-search.js';
import { lineSearchDescent } from './line-search-descent.js';
import type { IterationRecord, MinimizeResult } from './minimize-result.js';
import type { Optimizer } from './optimizer.js';
import {
  paramVector,
  treeObjective,
  type VectorObjective,
  vectorObjective,
} from './param-vector.js';
import { axpy, norm2, scaled } from './vector-math.js';

/** Options of {@link newtonMinimize} and {@link newton}. */
export interface NewtonOptions {
  /** Most Newton iterations; default 20. */
  readonly maxIterations?: number;
  /** Stop when `‖∇f‖∞` is at most this; default 1e-6. */
  readonly gradientTolerance?: number;
  /** Most CG iterations (Hessian–vector products) per Newton step; default 50. */
  readonly cgIterations?: number;
  /** CG stops at relative residual `‖H p + ∇f‖ ≤ cgTolerance ‖∇f‖`; default 1e-6. */
  readonly cgTolerance?: number;
  /**
   * Relative step `h` of the difference quotient `H v ≈ (∇f(x + ε v) − ∇f(x − ε v)) / 2ε`,
   * `ε = h (1 + ‖x‖) / ‖v‖`; default 1e-2 (float32 gradients carry rounding ≈ 6e-8 relative, so
   * the quotient's rounding error is ≈ 6e-8 / h while its truncation error is O(h²)).
   */
  readonly differenceStep?: number;
  /** Options of the line search (first trial: the full Newton step `α = 1`). */
  readonly lineSearch?: StrongWolfeOptions;
  /** Called after every accepted step. */
  readonly onIteration?: (record: IterationRecord) => void;
}

/**
 * The Hessian–vector product of `f` at `x` by central differences of its gradient,
 * `∇²f(x) v ≈ (∇f(x + ε v) − ∇f(x − ε v)) / 2ε` with `ε = h (1 + ‖x‖) / ‖v‖`: exact for
 * quadratics up to rounding, second-order accurate otherwise. Differences of first-order
 * gradients are used rather than second-order autodiff, which TF.js 4.22 gets wrong for tanh,
 * sigmoid and exp.
 *
 * @param objective - `x ↦ (f(x), ∇f(x))`.
 * @param x - The point.
 * @param v - The vector.
 * @param h - The relative step (see {@link NewtonOptions.differenceStep}).
 * @returns `∇²f(x) v` (zero for `v = 0`).
 * @example
 * ```ts
 * // f = x₀² x₁ at (1, 2): ∇²f = [[4, 2], [2, 0]], times (1, 0) = (4, 2)
 * hessianVectorProduct(f, Float64Array.of(1, 2), Float64Array.of(1, 0), 1e-2);
 * ```
 */
export function hessianVectorProduct(
  objective: VectorObjective,
  x: Float64Array,
  v: Float64Array,
  h: number,
): Float64Array {
  const vNorm = norm2(v);
  if (vNorm === 0) return new Float64Array(v.length);
  const eps = (h * (1 + norm2(x))) / vNorm;
  const plus = objective(axpy(x, eps, v)).grad;
  const minus = objective(axpy(x, -eps, v)).grad;
  return scaled(axpy(plus, -1, minus), 1 / (2 * eps));
}

/**
 * Minimises `f: ℝⁿ → ℝ` by Newton–CG (Nocedal & Wright, Algorithm 7.1): at each iterate the
 * Newton system `∇²f(x) p = −∇f(x)` is solved approximately by conjugate gradients with
 * Hessian–vector products by differences of gradients ({@link hessianVectorProduct}, two
 * gradients per product), stopping at negative curvature, and `x ← x + α p` with `α` from a
 * strong-Wolfe line search whose first trial is the full step `α = 1`. On a strictly convex
 * quadratic the first step lands on the minimiser (to the precision of the gradients). Meant
 * for small problems or full batches: each CG iteration costs two gradient evaluations.
 *
 * docs: /guide/optimisers
 *
 * @param objective - `x ↦ (f(x), ∇f(x))`.
 * @param x0 - The start (not modified).
 * @param options - See {@link NewtonOptions}.
 * @returns The last iterate, its value and gradient norm, the counts and why it stopped.
 * @example
 * ```ts
 * // f = ½ xᵀ A x − bᵀx: one step to A⁻¹ b
 * newtonMinimize(quadratic, new Float64Array(2), { maxIterations: 1 }).x;
 * ```
 */
export function newtonMinimize(
  objective: VectorObjective,
  x0: Float64Array,
  options: NewtonOptions = {},
): MinimizeResult {
  const maxIterations = assertNumber(options.maxIterations ?? 20, 'maxIterations', {
    min: 0,
    integer: true,
  });
  const tolerance = assertNumber(options.gradientTolerance ?? 1e-6, 'gradientTolerance', {
    min: 0,
  });
  const cgIterations = assertNumber(options.cgIterations ?? 50, 'cgIterations', {
    min: 1,
    integer: true,
  });
  const cgTolerance = assertNumber(options.cgTolerance ?? 1e-6, 'cgTolerance', { min: 0 });
  const h = assertNumber(options.differenceStep ?? 1e-2, 'differenceStep', {
    min: 0,
    exclusiveMin: true,
  });
  return lineSearchDescent(
    objective,
    x0,
    (x, grad) => {
      const cg = conjugateGradient(
        (v) => hessianVectorProduct(objective, x, v, h),
        scaled(grad, -1),
        { maxIterations: cgIterations, tolerance: cgTolerance },
      );
      return { direction: cg.x, evaluations: 2 * cg.iterations };
    },
    {
      maxIterations,
      gradientTolerance: tolerance,
      lineSearch: options.lineSearch,
      onIteration: options.onIteration,
    },
  );
}

/**
 * Minimises a scalar loss of a parameter tree by Newton–CG ({@link newtonMinimize}), gradients
 * by TF.js autodiff, the tree viewed as one float64 vector ({@link paramVector}).
 *
 * docs: /guide/optimisers
 *
 * @param loss - The loss of a tree shaped like `params` (a fixed, full-batch function).
 * @param params - The start (not modified or disposed).
 * @param options - See {@link NewtonOptions}.
 * @returns The minimiser as new tensors (the caller owns them) and the minimisation's report.
 * @example
 * ```ts
 * const { params: fitted } = newton((p) => loss(p), { w: tf.zeros([4]) }, { maxIterations: 5 });
 * ```
 */
export function newton<P extends TensorTree>(
  loss: (params: P) => tf.Scalar,
  params: P,
  options: NewtonOptions = {},
): { params: P; result: MinimizeResult } {
  const view = paramVector(params);
  const result = newtonMinimize(vectorObjective(loss, view), view.toVector(params), options);
  return { params: view.toTree(result.x), result };
}

/**
 * Newton–CG as an {@link Optimizer} for `fit`: each update runs `maxIterations` (default 1)
 * Newton–CG iterations ({@link newtonMinimize}) on the current batch's loss through
 * `UpdateContext.valueAndGrad`. For small models and full or large batches; the learning rate is
 * not used (the line search sets the step).
 *
 * docs: /guide/optimisers
 *
 * @param options - See {@link NewtonOptions} (`maxIterations` per batch, default 1).
 * @returns The optimiser (stateless).
 * @example
 * ```ts
 * regression({ apply, params, optimizer: newtonOptimizer({ cgIterations: 20 }) });
 * ```
 */
export function newtonOptimizer(options: NewtonOptions = {}): Optimizer {
  const settings = { ...options, maxIterations: options.maxIterations ?? 1 };
  return {
    config: {
      type: 'newton',
      iterations: settings.maxIterations,
      cgIterations: options.cgIterations ?? 50,
    },
    init: () => ({}),
    update(params, _grads, _state, ctx) {
      const view = paramVector(params);
      const result = newtonMinimize(
        treeObjective(ctx.valueAndGrad, view),
        view.toVector(params),
        settings,
      );
      return { params: view.toTree(result.x), state: {} };
    },
  };
}

// Gauss–Newton: CG on Jᵀ H_ℓ J p = −∇L with Jacobian–vector products by differences of the outputs and Jᵀw by autodiff, for squared-error and softmax cross-entropy outputs.
import { assertNumber, ConfigError, type TensorTree, treeFlatten } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { conjugateGradient } from './conjugate-gradient.js';
import type { StrongWolfeOptions } from './line-search.js';
import { lineSearchDescent } from './line-search-descent.js';
import type { IterationRecord, MinimizeResult } from './minimize-result.js';
import type { Optimizer } from './optimizer.js';
import { type OutputLoss, outputLoss } from './output-loss.js';
import { paramVector, vectorObjective } from './param-vector.js';
import { axpy, norm2, scaled } from './vector-math.js';

/** A least-squares-like problem: outputs `F(θ): [N, k]` of the parameters and a loss `ℓ` of them. */
export interface GaussNewtonProblem<P extends TensorTree> {
  /** The model's outputs on the (fixed) sample, a deterministic function of the parameters. */
  readonly outputs: (params: P) => tf.Tensor;
  /** The loss of the outputs ({@link outputLoss}). */
  readonly loss: OutputLoss;
}

/** Options of {@link gaussNewton}. */
export interface GaussNewtonOptions {
  /** Most Gauss–Newton iterations; default 10. */
  readonly maxIterations?: number;
  /** Stop when `‖∇L‖∞` is at most this; default 1e-6. */
  readonly gradientTolerance?: number;
  /** Most CG iterations per step; default 20. */
  readonly cgIterations?: number;
  /** CG's relative residual tolerance; default 1e-6. */
  readonly cgTolerance?: number;
  /** Levenberg–Marquardt damping `λ ≥ 0` added to the system, `(JᵀH J + λ I) p = −∇L`; default 0. */
  readonly damping?: number;
  /**
   * Relative step `h` of `J v ≈ (F(θ + ε v) − F(θ − ε v)) / 2ε`, `ε = h (1 + ‖θ‖) / ‖v‖`;
   * default 1e-2 (exact for a linear model up to rounding).
   */
  readonly differenceStep?: number;
  /** Options of the line search (first trial: the full step `α = 1`). */
  readonly lineSearch?: StrongWolfeOptions;
  /** Called after every accepted step. */
  readonly onIteration?: (record: IterationRecord) => void;
}

/**
 * Minimises `L(θ) = ℓ(F(θ))` by the Gauss–Newton method: the Hessian of `L` is replaced by the
 * positive semi-definite `G = Jᵀ ∇²ℓ J` (`J = ∂F/∂θ`, dropping the second derivatives of `F`),
 * and `G p = −∇L` is solved by conjugate gradients with matrix-free products
 * `G v = Jᵀ (∇²ℓ (J v))`: `J v` by central differences of the outputs, `∇²ℓ u` in closed form
 * ({@link OutputLoss.hessianProduct}), `Jᵀ w = ∇_θ ⟨F(θ), w⟩` by reverse-mode autodiff. The step
 * `α` comes from a strong-Wolfe line search starting at `α = 1`. Used on a large random sample
 * of the data, this is the stochastic (sample-average) Gauss–Newton method; for a model linear in
 * `θ` with squared error, `G` is the exact Hessian and one step solves the least-squares problem.
 *
 * docs: /guide/optimisers
 *
 * @param problem - The outputs and their loss.
 * @param params - The start (not modified or disposed).
 * @param options - See {@link GaussNewtonOptions}.
 * @returns The last iterate as new tensors (the caller owns them) and the minimisation's report.
 * @example
 * ```ts
 * const { params: fitted } = gaussNewton(
 *   { outputs: (p) => tf.add(tf.matMul(x, p.w), p.b), loss: outputLoss('squared-error', y) },
 *   { w: tf.zeros([3, 1]), b: tf.zeros([1]) },
 *   { maxIterations: 1 },
 * );
 * ```
 */
export function gaussNewton<P extends TensorTree>(
  problem: GaussNewtonProblem<P>,
  params: P,
  options: GaussNewtonOptions = {},
): { params: P; result: MinimizeResult } {
  const maxIterations = assertNumber(options.maxIterations ?? 10, 'maxIterations', {
    min: 0,
    integer: true,
  });
  const tolerance = assertNumber(options.gradientTolerance ?? 1e-6, 'gradientTolerance', {
    min: 0,
  });
  const cgIterations = assertNumber(options.cgIterations ?? 20, 'cgIterations', {
    min: 1,
    integer: true,
  });
  const cgTolerance = assertNumber(options.cgTolerance ?? 1e-6, 'cgTolerance', { min: 0 });
  const damping = assertNumber(options.damping ?? 0, 'damping', { min: 0 });
  const h = assertNumber(options.differenceStep ?? 1e-2, 'differenceStep', {
    min: 0,
    exclusiveMin: true,
  });
  const view = paramVector(params);
  const objective = vectorObjective((p: P) => problem.loss.value(problem.outputs(p)), view);
  const readVector = (tensors: readonly tf.Tensor[]): Float64Array => {
    const out = new Float64Array(view.size);
    let offset = 0;
    for (const t of tensors) {
      out.set(t.dataSync(), offset);
      offset += t.size;
    }
    return out;
  };
  /** `(Jᵀ ∇²ℓ J + λ I) v` at `x`, where the outputs are `y`. */
  const product = (x: Float64Array, y: tf.Tensor, v: Float64Array): Float64Array => {
    const vNorm = norm2(v);
    if (vNorm === 0) return new Float64Array(v.length);
    const eps = (h * (1 + norm2(x))) / vNorm;
    let result: Float64Array = new Float64Array(0);
    tf.tidy(() => {
      const plus = problem.outputs(view.toTree(axpy(x, eps, v)));
      const minus = problem.outputs(view.toTree(axpy(x, -eps, v)));
      const jv = tf.div(tf.sub(plus, minus), 2 * eps);
      const w = problem.loss.hessianProduct(y, jv);
      const { leaves, unflatten } = treeFlatten(view.toTree(x));
      const grads = tf.grads((...xs: tf.Tensor[]) =>
        tf.sum(tf.mul(problem.outputs(unflatten(xs)), w)),
      )(leaves);
      result = readVector(grads);
    });
    return damping > 0 ? axpy(result, damping, v) : result;
  };

  const result = lineSearchDescent(
    objective,
    view.toVector(params),
    (x, grad) => {
      const y = tf.tidy(() => problem.outputs(view.toTree(x)));
      let cg: ReturnType<typeof conjugateGradient>;
      try {
        cg = conjugateGradient((v) => product(x, y, v), scaled(grad, -1), {
          maxIterations: cgIterations,
          tolerance: cgTolerance,
        });
      } finally {
        y.dispose();
      }
      return { direction: cg.x, evaluations: 2 * cg.iterations };
    },
    {
      maxIterations,
      gradientTolerance: tolerance,
      lineSearch: options.lineSearch,
      onIteration: options.onIteration,
    },
  );
  return { params: view.toTree(result.x), result };
}

/**
 * Stochastic Gauss–Newton as an {@link Optimizer} for `fit`: each update runs `maxIterations`
 * (default 1) {@link gaussNewton} iterations on the current batch, whose outputs, targets and
 * loss come from `UpdateContext.supervised` (set by the supervised problems: classification with
 * softmax cross-entropy, regression with squared error). With large batches this is the
 * sample-average Gauss–Newton method. The learning rate is not used (the line search sets the
 * step).
 *
 * docs: /guide/optimisers
 *
 * @param options - See {@link GaussNewtonOptions} (`maxIterations` per batch, default 1).
 * @returns The optimiser (stateless).
 * @throws {@link @runge/tensor-ops!ConfigError} at an update without `ctx.supervised`.
 * @example
 * ```ts
 * classification({ apply, params, optimizer: gaussNewtonOptimizer({ cgIterations: 10, damping: 1e-3 }) });
 * ```
 */
export function gaussNewtonOptimizer(options: GaussNewtonOptions = {}): Optimizer {
  const settings = { ...options, maxIterations: options.maxIterations ?? 1 };
  return {
    config: {
      type: 'gauss-newton',
      iterations: settings.maxIterations,
      cgIterations: options.cgIterations ?? 20,
      damping: options.damping ?? 0,
    },
    init: () => ({}),
    update(params, _grads, _state, ctx) {
      const sup = ctx.supervised;
      if (!sup) {
        throw new ConfigError(
          'gauss-newton: the update needs the outputs and targets of a supervised problem (classification or regression with its default loss)',
        );
      }
      const { params: next } = gaussNewton(
        { outputs: sup.outputs, loss: outputLoss(sup.loss, sup.targets) },
        params,
        settings,
      );
      return { params: next, state: {} };
    },
  };
}

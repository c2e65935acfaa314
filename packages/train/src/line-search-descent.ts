// The descent loop shared by the line-search minimisers (L-BFGS, Newton–CG, Gauss–Newton): a direction, a strong-Wolfe step along it, until the gradient is small.
import { type LinePoint, type StrongWolfeOptions, strongWolfeLineSearch } from './line-search.js';
import type { IterationRecord, MinimizeResult, MinimizeStop } from './minimize-result.js';
import type { VectorObjective } from './param-vector.js';
import { axpy, dot, normInf, scaled } from './vector-math.js';

/** The search direction a minimiser proposes at `x_k`, with what computing it cost. */
export interface DescentDirection {
  /** The proposed `p_k`; replaced by `−∇f(x_k)` when `∇f(x_k)ᵀp_k` is not negative. */
  readonly direction: Float64Array;
  /** Evaluations of `f` and `∇f` spent computing it (e.g. two per Hessian–vector product); default 0. */
  readonly evaluations?: number;
  /** Options of this iteration's line search; default the loop's `lineSearch`. */
  readonly lineSearch?: StrongWolfeOptions;
}

/** An accepted step `x_{k+1} = x_k + α_k p_k` with the gradients at both ends. */
export interface DescentStep {
  /** `x_k`. */
  readonly x: Float64Array;
  /** `∇f(x_k)`. */
  readonly grad: Float64Array;
  /** `p_k`. */
  readonly direction: Float64Array;
  /** `α_k`. */
  readonly step: number;
  /** `∇f(x_{k+1})`. */
  readonly nextGrad: Float64Array;
}

/** Settings of {@link lineSearchDescent} (already validated by the minimiser). */
export interface LineSearchDescentOptions {
  /** Most iterations. */
  readonly maxIterations: number;
  /** Stop when `‖∇f‖∞` is at most this. */
  readonly gradientTolerance: number;
  /** Options of the line search of every iteration whose direction names none. */
  readonly lineSearch?: StrongWolfeOptions;
  /** Called with every accepted step, before `onIteration` (L-BFGS keeps its curvature pair here). */
  readonly onStep?: (step: DescentStep) => void;
  /** Called after every accepted step. */
  readonly onIteration?: (record: IterationRecord) => void;
}

/**
 * Minimises `f: ℝⁿ → ℝ` by the line-search descent iteration `x_{k+1} = x_k + α_k p_k`
 * (Nocedal & Wright, Chapter 3): `p_k` comes from the minimiser's `direction` rule, falling back to
 * steepest descent `−∇f(x_k)` whenever `∇f(x_k)ᵀp_k ≥ 0` (or is NaN), and `α_k` from
 * {@link strongWolfeLineSearch} on `φ(α) = f(x_k + α p_k)`, `φ′(α) = ∇f(x_k + α p_k)ᵀp_k`.
 * Stops with `'converged'` when `‖∇f(x_k)‖∞ ≤ gradientTolerance`, `'max-iterations'` after
 * `maxIterations` steps, or `'line-search'` when the search finds no decrease (`α = 0`, typically
 * the float32 rounding floor). Evaluations count the start, every trial of `φ` and what each
 * direction reports.
 *
 * docs: /guide/optimisers
 *
 * @param objective - `x ↦ (f(x), ∇f(x))`, `x` and `∇f` of length `n`.
 * @param x0 - The start, length `n` (not modified).
 * @param direction - `(x_k, ∇f(x_k)) ↦ p_k` (length `n`), with the evaluations it spent.
 * @param options - The stopping rule, the line-search options and the callbacks.
 * @returns The last iterate, its value and gradient norm, the counts and why it stopped.
 * @example
 * ```ts
 * // steepest descent on f = ½‖x‖²: the first step α = 1 lands on 0
 * const f = (x: Float64Array) => ({ value: 0.5 * dot(x, x), grad: Float64Array.from(x) });
 * lineSearchDescent(f, Float64Array.of(3, 4), (_x, g) => ({ direction: scaled(g, -1) }), {
 *   maxIterations: 10,
 *   gradientTolerance: 1e-9,
 * }).x; // [0, 0]
 * ```
 */
export function lineSearchDescent(
  objective: VectorObjective,
  x0: Float64Array,
  direction: (x: Float64Array, grad: Float64Array) => DescentDirection,
  options: LineSearchDescentOptions,
): MinimizeResult {
  let x: Float64Array = Float64Array.from(x0);
  let { value, grad } = objective(x);
  let evaluations = 1;
  let iterations = 0;
  let reason: MinimizeStop = 'max-iterations';
  while (true) {
    if (normInf(grad) <= options.gradientTolerance) {
      reason = 'converged';
      break;
    }
    if (iterations >= options.maxIterations) break;
    const here = x;
    const proposal = direction(here, grad);
    evaluations += proposal.evaluations ?? 0;
    let p = proposal.direction;
    let slope = dot(grad, p);
    if (!(slope < 0)) {
      p = scaled(grad, -1);
      slope = dot(grad, p);
    }
    const phi = (step: number): LinePoint & { grad: Float64Array } => {
      const e = objective(axpy(here, step, p));
      return { step, value: e.value, slope: dot(e.grad, p), grad: e.grad };
    };
    const search = strongWolfeLineSearch(
      phi,
      { step: 0, value, slope },
      proposal.lineSearch ?? options.lineSearch,
    );
    evaluations += search.evaluations;
    const point = search.point as LinePoint & { grad?: Float64Array };
    if (point.step === 0 || point.grad === undefined) {
      reason = 'line-search';
      break;
    }
    options.onStep?.({ x: here, grad, direction: p, step: point.step, nextGrad: point.grad });
    options.onIteration?.({
      iteration: iterations,
      value: point.value,
      gradNorm: normInf(point.grad),
      step: point.step,
      x: here,
      direction: p,
      evaluations,
    });
    x = axpy(here, point.step, p);
    value = point.value;
    grad = point.grad;
    iterations++;
  }
  return { x, value, gradNorm: normInf(grad), iterations, evaluations, reason };
}

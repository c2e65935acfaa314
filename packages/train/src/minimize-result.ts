// What the second-order optimisers (L-BFGS, Newton–CG, Gauss–Newton) report about a minimisation: the iterates' records and why it stopped.

/** One accepted iteration `x_{k+1} = x_k + α_k p_k` of a minimiser. */
export interface IterationRecord {
  /** 0-based iteration `k`. */
  readonly iteration: number;
  /** `f(x_{k+1})`. */
  readonly value: number;
  /** `‖∇f(x_{k+1})‖∞`. */
  readonly gradNorm: number;
  /** The accepted step `α_k`. */
  readonly step: number;
  /** The iterate before the step, `x_k` (float64). */
  readonly x: Float64Array;
  /** The search direction `p_k`. */
  readonly direction: Float64Array;
  /** Evaluations of `f` and `∇f` so far. */
  readonly evaluations: number;
}

/** Why a minimiser stopped. */
export type MinimizeStop = 'converged' | 'max-iterations' | 'line-search';

/** Result of a vector minimiser. */
export interface MinimizeResult {
  /** The last iterate. */
  readonly x: Float64Array;
  /** `f(x)`. */
  readonly value: number;
  /** `‖∇f(x)‖∞`. */
  readonly gradNorm: number;
  /** Iterations taken. */
  readonly iterations: number;
  /** Evaluations of `f` and `∇f` (each line-search trial and each gradient of a Hessian–vector product counts one). */
  readonly evaluations: number;
  /**
   * `'converged'` (`‖∇f‖∞` below the tolerance), `'max-iterations'`, or `'line-search'` (no step
   * decreased `f` any more, typically the float32 rounding floor).
   */
  readonly reason: MinimizeStop;
}

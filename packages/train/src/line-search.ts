// A line search along a descent direction that returns a step satisfying the strong Wolfe conditions (Nocedal & Wright, Algorithms 3.5 and 3.6, with cubic interpolation).
import { assertNumber, ValueError } from '@runge/tensor-ops';

/** The restriction `φ(α) = f(x + α p)` of an objective to a line, and its slope `φ′(α) = ∇f(x + α p)ᵀp`. */
export interface LinePoint {
  /** The step `α`. */
  readonly step: number;
  /** `φ(α)`. */
  readonly value: number;
  /** `φ′(α)`. */
  readonly slope: number;
}

/** Options of {@link strongWolfeLineSearch}. */
export interface StrongWolfeOptions {
  /** Sufficient-decrease constant `c₁ ∈ (0, 1)`; default 1e-4. */
  readonly c1?: number;
  /** Curvature constant `c₂ ∈ (c₁, 1)`; default 0.9 (quasi-Newton), 0.1 suits nonlinear CG. */
  readonly c2?: number;
  /** First trial step; default 1. */
  readonly initialStep?: number;
  /** Largest step tried; default 1e10. */
  readonly maxStep?: number;
  /** Most evaluations of `φ`; default 25. */
  readonly maxEvaluations?: number;
}

/** Result of {@link strongWolfeLineSearch}. */
export interface LineSearchResult<T extends LinePoint> {
  /** The accepted point (the best point with sufficient decrease when `satisfied` is false). */
  readonly point: T;
  /** Whether `point` satisfies both strong Wolfe conditions. */
  readonly satisfied: boolean;
  /** Evaluations of `φ` spent. */
  readonly evaluations: number;
}

/** The minimiser of the cubic through (a, fa, ga) and (b, fb, gb), or NaN when it has none. */
function cubicMinimizer(a: LinePoint, b: LinePoint): number {
  const d1 = a.slope + b.slope - (3 * (a.value - b.value)) / (a.step - b.step);
  const disc = d1 * d1 - a.slope * b.slope;
  if (!(disc >= 0)) return Number.NaN;
  const d2 = Math.sign(b.step - a.step) * Math.sqrt(disc);
  return b.step - ((b.step - a.step) * (b.slope + d2 - d1)) / (b.slope - a.slope + 2 * d2);
}

/**
 * Finds a step `α > 0` along a descent direction satisfying the strong Wolfe conditions
 *
 * - sufficient decrease: `φ(α) ≤ φ(0) + c₁ α φ′(0)`,
 * - curvature: `|φ′(α)| ≤ c₂ |φ′(0)|`,
 *
 * with `0 < c₁ < c₂ < 1` (Nocedal & Wright, *Numerical Optimization*, Algorithm 3.5): steps grow
 * (×2) until they bracket an acceptable interval, which `zoom` (Algorithm 3.6) shrinks by
 * safeguarded cubic interpolation. With an exact quadratic `φ` and `initialStep` at its
 * minimiser, the first trial is accepted. When the evaluation budget runs out (e.g. when float32
 * rounding hides any further decrease), the best point found with sufficient decrease is returned
 * with `satisfied: false` (or the start, `α = 0`, if there is none).
 *
 * docs: /guide/optimisers
 *
 * @param phi - `α ↦ φ(α)` with its slope; may carry more (the gradient) in the returned point.
 * @param start - `φ(0)` and `φ′(0)` (the slope must be negative: a descent direction).
 * @param options - `c1`, `c2`, `initialStep`, `maxStep`, `maxEvaluations`.
 * @returns The accepted point, whether it satisfies both conditions, and the evaluations spent.
 * @throws {@link @runge/tensor-ops!ValueError} when `φ′(0) ≥ 0` or the constants are out of range.
 * @example
 * ```ts
 * // φ(α) = (α − 2)², φ′(0) = −4: the cubic step lands on α = 2
 * const phi = (a: number) => ({ step: a, value: (a - 2) ** 2, slope: 2 * (a - 2) });
 * const { point } = strongWolfeLineSearch(phi, phi(0)); // point.step ≈ 2 after one zoom
 * ```
 */
export function strongWolfeLineSearch<T extends LinePoint>(
  phi: (step: number) => T,
  start: LinePoint,
  options: StrongWolfeOptions = {},
): LineSearchResult<T | LinePoint> {
  const c1 = assertNumber(options.c1 ?? 1e-4, 'c1', {
    min: 0,
    max: 1,
    exclusiveMin: true,
    exclusiveMax: true,
  });
  const c2 = assertNumber(options.c2 ?? 0.9, 'c2', {
    min: c1,
    max: 1,
    exclusiveMin: true,
    exclusiveMax: true,
  });
  const maxStep = assertNumber(options.maxStep ?? 1e10, 'maxStep', { min: 0, exclusiveMin: true });
  const maxEvaluations = assertNumber(options.maxEvaluations ?? 25, 'maxEvaluations', {
    min: 1,
    integer: true,
  });
  let step = Math.min(
    assertNumber(options.initialStep ?? 1, 'initialStep', { min: 0, exclusiveMin: true }),
    maxStep,
  );
  const { value: f0, slope: g0 } = start;
  if (!(g0 < 0)) {
    throw new ValueError(
      `strongWolfeLineSearch: the slope at the start is ${g0}, not negative; pass a descent direction (e.g. minus the gradient)`,
    );
  }
  const origin: LinePoint = { step: 0, value: f0, slope: g0 };
  let evaluations = 0;
  const decreases = (p: LinePoint): boolean => p.value <= f0 + c1 * p.step * g0;
  const curvatureHolds = (p: LinePoint): boolean => Math.abs(p.slope) <= -c2 * g0;
  let best: T | LinePoint = origin;
  const note = (p: T): void => {
    if (Number.isFinite(p.value) && decreases(p) && p.value < best.value) best = p;
  };

  const zoom = (loIn: T | LinePoint, hiIn: T | LinePoint): LineSearchResult<T | LinePoint> => {
    let lo = loIn;
    let hi = hiIn;
    while (evaluations < maxEvaluations) {
      const left = Math.min(lo.step, hi.step);
      const width = Math.abs(hi.step - lo.step);
      let trial = Number.isFinite(hi.value) ? cubicMinimizer(lo, hi) : Number.NaN;
      // safeguard: stay in the inner 80 % of the bracket, else bisect
      if (!(trial >= left + 0.1 * width && trial <= left + 0.9 * width)) {
        trial = (lo.step + hi.step) / 2;
      }
      const p = phi(trial);
      evaluations++;
      note(p);
      if (!(Number.isFinite(p.value) && decreases(p)) || p.value >= lo.value) {
        hi = p;
      } else {
        if (curvatureHolds(p)) return { point: p, satisfied: true, evaluations };
        if (p.slope * (hi.step - lo.step) >= 0) hi = lo;
        lo = p;
      }
      if (width < 1e-12 * Math.max(1, lo.step)) break;
    }
    return { point: best, satisfied: false, evaluations };
  };

  let prev: T | LinePoint = origin;
  while (evaluations < maxEvaluations) {
    const p = phi(step);
    evaluations++;
    note(p);
    if (!(Number.isFinite(p.value) && decreases(p)) || (prev !== origin && p.value >= prev.value)) {
      return zoom(prev, p);
    }
    if (curvatureHolds(p)) return { point: p, satisfied: true, evaluations };
    if (p.slope >= 0) return zoom(p, prev);
    if (step >= maxStep) break;
    prev = p;
    step = Math.min(2 * step, maxStep);
  }
  return { point: best, satisfied: false, evaluations };
}

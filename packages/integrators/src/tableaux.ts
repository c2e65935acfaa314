import { ValueError } from '@runge/tensor-ops';
import type { ButcherTableau, FixedStepMethodName } from './types.js';

/**
 * Forward Euler, order 1: `y_{n+1} = y_n + h f(t_n, y_n)` (one stage). A ResNet with one weight
 * set per layer is this method applied to `Y' = f(Y, θ(t))`.
 *
 * @example
 * ```ts
 * solve({ f, y0, steps: 8, method: EULER }); // same as method: 'euler'
 * ```
 */
export const EULER: ButcherTableau = Object.freeze({
  name: 'euler',
  order: 1,
  a: [[]],
  b: [1],
  c: [0],
});

/**
 * Explicit midpoint rule, order 2: `k_1 = f(t, y)`, `k_2 = f(t + h/2, y + h/2 k_1)`,
 * `y_{n+1} = y_n + h k_2`.
 *
 * @example
 * ```ts
 * solve({ f, y0, steps: 16, method: 'midpoint' });
 * ```
 */
export const MIDPOINT: ButcherTableau = Object.freeze({
  name: 'midpoint',
  order: 2,
  a: [[], [1 / 2]],
  b: [0, 1],
  c: [0, 1 / 2],
});

/**
 * Heun's method (explicit trapezoidal rule), order 2: `k_1 = f(t, y)`, `k_2 = f(t + h, y + h k_1)`,
 * `y_{n+1} = y_n + h/2 (k_1 + k_2)`.
 *
 * @example
 * ```ts
 * solve({ f, y0, steps: 16, method: 'heun' });
 * ```
 */
export const HEUN: ButcherTableau = Object.freeze({
  name: 'heun',
  order: 2,
  a: [[], [1]],
  b: [1 / 2, 1 / 2],
  c: [0, 1],
});

/**
 * The classical fourth-order Runge–Kutta method: stages at `c = (0, ½, ½, 1)`, weights
 * `b = (1, 2, 2, 1)/6`.
 *
 * @example
 * ```ts
 * solve({ f, y0, steps: 10, method: 'rk4' });
 * ```
 */
export const RK4: ButcherTableau = Object.freeze({
  name: 'rk4',
  order: 4,
  a: [[], [1 / 2], [0, 1 / 2], [0, 0, 1]],
  b: [1 / 6, 1 / 3, 1 / 3, 1 / 6],
  c: [0, 1 / 2, 1 / 2, 1],
});

/**
 * Dormand–Prince 5(4) (Dormand & Prince 1980): seven stages, the fifth-order solution `b`
 * propagated (local extrapolation) and the embedded fourth-order `bHat` for the error estimate
 * `e = h Σ_i (b_i − b̂_i) k_i`. First-same-as-last: the seventh stage is `f(t_{n+1}, y_{n+1})`,
 * the next step's first stage, so an accepted step costs six evaluations.
 *
 * @example
 * ```ts
 * solve({ f, y0, method: 'dopri5', adaptive: { rtol: 1e-5, atol: 1e-7 } });
 * ```
 */
export const DOPRI5: ButcherTableau = Object.freeze({
  name: 'dopri5',
  order: 5,
  embeddedOrder: 4,
  fsal: true,
  a: [
    [],
    [1 / 5],
    [3 / 40, 9 / 40],
    [44 / 45, -56 / 15, 32 / 9],
    [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
    [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
    [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
  ],
  b: [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0],
  bHat: [5179 / 57600, 0, 7571 / 16695, 393 / 640, -92097 / 339200, 187 / 2100, 1 / 40],
  c: [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1],
});

/**
 * The built-in fixed-step tableaux by name.
 *
 * @example
 * ```ts
 * FIXED_STEP_TABLEAUX.rk4.order; // 4
 * ```
 */
export const FIXED_STEP_TABLEAUX: Readonly<Record<FixedStepMethodName, ButcherTableau>> =
  Object.freeze({ euler: EULER, midpoint: MIDPOINT, heun: HEUN, rk4: RK4 });

const TOL = 1e-12;

function dotProduct(u: readonly number[], v: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < u.length; i++) s += (u[i] as number) * (v[i] as number);
  return s;
}

/** `A v` for a strictly lower-triangular `A` given row by row. */
function lowerMatVec(a: readonly (readonly number[])[], v: readonly number[]): number[] {
  return a.map((row) => dotProduct(row, v));
}

/** One order condition: the weights, the vector they are applied to, and its exact value. */
interface OrderCondition {
  readonly order: number;
  readonly label: string;
  readonly vector: number[];
  readonly exact: number;
}

/**
 * The order conditions (Butcher's rooted trees) up to order 5 for an explicit tableau: order `p`
 * holds iff `bᵀ Φ(τ) = 1/γ(τ)` for every rooted tree τ with at most `p` nodes.
 */
function orderConditions(
  a: readonly (readonly number[])[],
  c: readonly number[],
): OrderCondition[] {
  const s = c.length;
  const one = Array.from({ length: s }, () => 1);
  const pow = (k: number): number[] => c.map((ci) => ci ** k);
  const times = (u: readonly number[], v: readonly number[]): number[] =>
    u.map((ui, i) => ui * (v[i] as number));
  const A = (v: readonly number[]): number[] => lowerMatVec(a, v);
  const ac = A(c);
  const ac2 = A(pow(2));
  const aac = A(ac);
  return [
    { order: 1, label: 'Σ b_i = 1', vector: one, exact: 1 },
    { order: 2, label: 'Σ b_i c_i = 1/2', vector: c.slice(), exact: 1 / 2 },
    { order: 3, label: 'Σ b_i c_i² = 1/3', vector: pow(2), exact: 1 / 3 },
    { order: 3, label: 'Σ b_i a_ij c_j = 1/6', vector: ac, exact: 1 / 6 },
    { order: 4, label: 'Σ b_i c_i³ = 1/4', vector: pow(3), exact: 1 / 4 },
    { order: 4, label: 'Σ b_i c_i a_ij c_j = 1/8', vector: times(c, ac), exact: 1 / 8 },
    { order: 4, label: 'Σ b_i a_ij c_j² = 1/12', vector: ac2, exact: 1 / 12 },
    { order: 4, label: 'Σ b_i a_ij a_jk c_k = 1/24', vector: aac, exact: 1 / 24 },
    { order: 5, label: 'Σ b_i c_i⁴ = 1/5', vector: pow(4), exact: 1 / 5 },
    { order: 5, label: 'Σ b_i c_i² (Ac)_i = 1/10', vector: times(pow(2), ac), exact: 1 / 10 },
    { order: 5, label: 'Σ b_i c_i (Ac²)_i = 1/15', vector: times(c, ac2), exact: 1 / 15 },
    { order: 5, label: 'Σ b_i c_i (AAc)_i = 1/30', vector: times(c, aac), exact: 1 / 30 },
    { order: 5, label: 'Σ b_i (Ac)_i² = 1/20', vector: times(ac, ac), exact: 1 / 20 },
    { order: 5, label: 'Σ b_i (Ac³)_i = 1/20', vector: A(pow(3)), exact: 1 / 20 },
    { order: 5, label: 'Σ b_i (A(c·Ac))_i = 1/40', vector: A(times(c, ac)), exact: 1 / 40 },
    { order: 5, label: 'Σ b_i (AAc²)_i = 1/60', vector: A(ac2), exact: 1 / 60 },
    { order: 5, label: 'Σ b_i (AAAc)_i = 1/120', vector: A(aac), exact: 1 / 120 },
  ];
}

/**
 * The residuals `bᵀ Φ(τ) − 1/γ(τ)` of the Runge–Kutta order conditions (all rooted trees with at
 * most `maxOrder ≤ 5` nodes) for weights `weights` (default `b`). A tableau has order `p` iff
 * every residual of order `≤ p` vanishes.
 *
 * @param tableau - An explicit tableau (`a`, `c` are used; `b` unless `weights` is given).
 * @param maxOrder - The highest order to check, 1..5 (default 5).
 * @param weights - Weights to test instead of `b` (e.g. `bHat`).
 * @returns One entry per condition: `order`, `label` (the formula) and `residual`.
 * @example
 * ```ts
 * orderConditionResiduals(RK4, 4).every((r) => Math.abs(r.residual) < 1e-14); // true
 * ```
 */
export function orderConditionResiduals(
  tableau: Pick<ButcherTableau, 'a' | 'b' | 'c'>,
  maxOrder = 5,
  weights: readonly number[] = tableau.b,
): { order: number; label: string; residual: number }[] {
  return orderConditions(tableau.a, tableau.c)
    .filter((cond) => cond.order <= maxOrder)
    .map((cond) => ({
      order: cond.order,
      label: cond.label,
      residual: dotProduct(weights, cond.vector) - cond.exact,
    }));
}

function isFiniteArray(x: unknown): x is number[] {
  return Array.isArray(x) && x.every((v) => typeof v === 'number' && Number.isFinite(v));
}

/**
 * Checks a user's Butcher tableau and returns it in normal form (row `i` of `a` with exactly `i`
 * entries). Checked: a name, a positive integer order, `a` strictly lower triangular (rows of a
 * full square matrix are accepted when the entries on and above the diagonal are zero), `b`, `c`
 * (and `bHat`) of length `s`, all finite, `c_i = Σ_j a_ij`, `Σ b_i = 1` (and `Σ b̂_i = 1`), the
 * order conditions up to `min(order, 5)` (and `embeddedOrder` for `bHat`), and for `fsal` that the
 * last row of `a` equals `b` with `c_s = 1`.
 *
 * @param tableau - The tableau to check.
 * @param name - The argument's name, used in messages (default `'method'`).
 * @returns The normalised tableau.
 * @throws {@link @runge/tensor-ops!ValueError} naming the first violated condition and what to fix.
 * @example
 * ```ts
 * const ralston = validateTableau({
 *   name: 'ralston', order: 2, a: [[], [2 / 3]], b: [1 / 4, 3 / 4], c: [0, 2 / 3],
 * });
 * ```
 */
export function validateTableau(tableau: unknown, name = 'method'): ButcherTableau {
  if (typeof tableau !== 'object' || tableau === null) {
    throw new ValueError(
      `${name}: expected a method name or a ButcherTableau object, got ${String(tableau)}`,
    );
  }
  const t = tableau as Partial<ButcherTableau>;
  const label = typeof t.name === 'string' && t.name !== '' ? t.name : undefined;
  if (label === undefined) throw new ValueError(`${name}: the tableau needs a non-empty 'name'`);
  const where = `${name} (tableau '${label}')`;
  if (typeof t.order !== 'number' || !Number.isInteger(t.order) || t.order < 1) {
    throw new ValueError(`${where}: 'order' must be a positive integer, got ${String(t.order)}`);
  }
  if (!isFiniteArray(t.b) || t.b.length === 0) {
    throw new ValueError(`${where}: 'b' must be a non-empty array of finite numbers`);
  }
  const s = t.b.length;
  if (!isFiniteArray(t.c) || t.c.length !== s) {
    throw new ValueError(
      `${where}: 'c' must be ${s} finite numbers (one per stage, like b), got ${JSON.stringify(t.c)}`,
    );
  }
  if (!Array.isArray(t.a) || t.a.length !== s) {
    throw new ValueError(
      `${where}: 'a' must have ${s} rows (one per stage), got ${Array.isArray(t.a) ? t.a.length : typeof t.a}`,
    );
  }
  const a: number[][] = t.a.map((row, i) => {
    if (!isFiniteArray(row))
      throw new ValueError(`${where}: row ${i} of 'a' must be an array of finite numbers`);
    if (row.length === i) return row.slice();
    if (row.length === s) {
      const upper = row.slice(i).findIndex((v) => v !== 0);
      if (upper >= 0) {
        throw new ValueError(
          `${where}: a[${i}][${i + upper}] = ${row[i + upper]} is on or above the diagonal; only explicit methods (strictly lower-triangular a) are supported`,
        );
      }
      return row.slice(0, i);
    }
    throw new ValueError(
      `${where}: row ${i} of 'a' must have ${i} entries (strictly lower triangular), got ${row.length}`,
    );
  });
  a.forEach((row, i) => {
    const sum = row.reduce((x, y) => x + y, 0);
    const ci = t.c?.[i] as number;
    if (Math.abs(sum - ci) > TOL * Math.max(1, Math.abs(ci))) {
      throw new ValueError(
        `${where}: c[${i}] = ${ci} but Σ_j a[${i}][j] = ${sum}; the stage times must be the row sums of a`,
      );
    }
  });
  const sumB = t.b.reduce((x, y) => x + y, 0);
  if (Math.abs(sumB - 1) > TOL)
    throw new ValueError(`${where}: Σ b_i = ${sumB}; the weights must sum to 1 (consistency)`);
  const normal: ButcherTableau = { name: label, order: t.order, a, b: t.b.slice(), c: t.c.slice() };
  checkOrder(normal, t.order, t.b, 'b', where);
  let result: ButcherTableau = normal;
  if (t.bHat !== undefined) {
    if (!isFiniteArray(t.bHat) || t.bHat.length !== s) {
      throw new ValueError(`${where}: 'bHat' must be ${s} finite numbers (one per stage)`);
    }
    const sumHat = t.bHat.reduce((x, y) => x + y, 0);
    if (Math.abs(sumHat - 1) > TOL)
      throw new ValueError(`${where}: Σ bHat_i = ${sumHat}; the embedded weights must sum to 1`);
    const eo = t.embeddedOrder;
    if (typeof eo !== 'number' || !Number.isInteger(eo) || eo < 1) {
      throw new ValueError(
        `${where}: a tableau with 'bHat' needs 'embeddedOrder', a positive integer`,
      );
    }
    checkOrder(normal, eo, t.bHat, 'bHat', where);
    result = { ...result, bHat: t.bHat.slice(), embeddedOrder: eo };
  } else if (t.embeddedOrder !== undefined) {
    throw new ValueError(`${where}: 'embeddedOrder' given without 'bHat'`);
  }
  if (t.fsal === true) {
    const last = a[s - 1] as number[];
    const same =
      last.length === s - 1 &&
      last.every((v, j) => Math.abs(v - (t.b?.[j] as number)) <= TOL) &&
      (t.b[s - 1] as number) === 0;
    if (!same || Math.abs((t.c[s - 1] as number) - 1) > TOL) {
      throw new ValueError(
        `${where}: 'fsal' needs the last row of a equal to b (with b_s = 0) and c_s = 1`,
      );
    }
    result = { ...result, fsal: true };
  } else if (t.fsal !== undefined && t.fsal !== false) {
    throw new ValueError(`${where}: 'fsal' must be a boolean`);
  }
  return Object.freeze(result);
}

function checkOrder(
  tableau: ButcherTableau,
  order: number,
  weights: readonly number[],
  which: string,
  where: string,
): void {
  const bad = orderConditionResiduals(tableau, Math.min(order, 5), weights).find(
    (r) => Math.abs(r.residual) > 1e-10,
  );
  if (bad) {
    throw new ValueError(
      `${where}: claims order ${order} for '${which}' but fails the order-${bad.order} condition ${bad.label} (residual ${bad.residual.toExponential(3)}); fix the coefficients or lower the order`,
    );
  }
}

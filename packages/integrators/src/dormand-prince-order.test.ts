// Observed order of Dormand–Prince 5(4): the fixed-step fifth-order solution converges like h⁵
// and the embedded error estimate of one step scales like h⁵ and equals minus the true local
// error of the fourth-order solution, on problems whose error expansions stop after one term,
// so the predicted errors are exact and large enough to stand far above float32 round-off.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { type ButcherTableau, DOPRI5, explicitRkStep, type SolveStats, solve } from './index.js';

/*
 * Why these problems. DOPRI5's error constants are small (~1e-4), so on a generic smooth
 * problem its global error is in the asymptotic h⁵ regime only once it is below ~1e-7 relative,
 * which is float32 round-off. Two kinds of problem avoid that:
 *
 * - y′ = J y with J the n×n shift (J e_{i+1} = e_i, Jⁿ = 0): exp(hJ) and the stability
 *   polynomial R(hJ) = Σ_{k≤5} (hJ)ᵏ/k! + bᵀA⁵𝟙 (hJ)⁶ are finite sums, so every error is one
 *   term. For n = 7 one step errs by (bᵀA⁵𝟙 − 1/720) h⁶ J⁶ and, the powers of J commuting and
 *   J¹² = 0, N steps err by exactly N times that: T h⁵ (1/600 − 1/720) e₁ = T h⁵/3600 e₁.
 * - y₁′ = y₂, y₂′ = tᵐ: a step of weights w errs in y₁ by Σ_k C(m, k) tᵐ⁻ᵏ h^{k+2}
 *   (wᵀA cᵏ − 1/((k+1)(k+2))), in y₂ by Σ_k C(m, k) tᵐ⁻ᵏ h^{k+1} (wᵀcᵏ − 1/(k+1)); every
 *   condition of the method's order holds, so only the k = m term of y₁ is left, constant in t.
 */

const T = 2;

/** The n×n shift as a right-hand side on rows [1, n]: (J y)_i = y_{i+1}, (J y)_n = 0. */
function shift(n: number) {
  return (_t: number, y: tf.Tensor): tf.Tensor =>
    tf.concat([tf.slice(y, [0, 1], [1, n - 1]), tf.zeros([1, 1])], 1);
}

/** y₁′ = y₂, y₂′ = tᵐ on rows [1, 2]. */
function power(m: number) {
  return (t: number, y: tf.Tensor): tf.Tensor =>
    tf.concat([tf.slice(y, [0, 1], [1, 1]), tf.fill([1, 1], t ** m)], 1);
}

/** e_n as a row [1, n]: the start of the one-step checks, where y₁ = hⁿ⁻¹/(n − 1)! is large enough. */
function lastUnit(n: number): tf.Tensor {
  return tf.tensor2d([Array.from({ length: n }, (_, i) => (i === n - 1 ? 1 : 0))]);
}

// Products of the tableau (float64, from the coefficients of Dormand & Prince 1980).
function times(v: readonly number[]): number[] {
  return DOPRI5.a.map((row) => row.reduce((s, aij, j) => s + aij * (v[j] as number), 0));
}
function dot(w: readonly number[], v: readonly number[]): number {
  return w.reduce((s, wi, i) => s + wi * (v[i] as number), 0);
}
/** wᵀ A^p c^k. */
function weight(w: readonly number[], p: number, k: number): number {
  let v = DOPRI5.c.map((ci) => ci ** k);
  for (let i = 0; i < p; i++) v = times(v);
  return dot(w, v);
}
const bHat = DOPRI5.bHat as readonly number[];

/** The embedded fourth-order solution as a tableau of its own. */
const EMBEDDED: ButcherTableau = {
  name: 'dopri5-embedded',
  order: 4,
  a: DOPRI5.a,
  b: bHat,
  c: DOPRI5.c,
};

function factorial(k: number): number {
  return k <= 1 ? 1 : k * factorial(k - 1);
}

function slope(e1: number, h1: number, e2: number, h2: number): number {
  return Math.log(e1 / e2) / Math.log(h1 / h2);
}

describe('Dormand–Prince 5(4): the fifth-order solution with fixed steps', () => {
  it('the tableau products behind the predictions are the coefficients of the stability polynomials', () => {
    // R(z) = Σ_{k≤5} zᵏ/k! + z⁶/600 for b and R̂(z) = Σ_{k≤4} zᵏ/k! + 1097 z⁵/120000 +
    // 161 z⁶/120000 + z⁷/24000 for b̂: the coefficient of zᵏ⁺¹ is wᵀAᵏ𝟙
    expect(weight(DOPRI5.b, 5, 0)).toBeCloseTo(1 / 600, 15);
    expect(weight(bHat, 4, 0)).toBeCloseTo(1097 / 120000, 15);
    expect(weight(bHat, 5, 0)).toBeCloseTo(161 / 120000, 15);
    expect(weight(bHat, 6, 0)).toBeCloseTo(1 / 24000, 15);
  });

  /** Slopes of log error against log h between consecutive step counts, on [t0, t0 + T]. */
  function slopes(ns: readonly number[], errors: readonly number[]): number[] {
    return ns
      .slice(1)
      .map((n, i) =>
        slope(errors[i] as number, T / (ns[i] as number), errors[i + 1] as number, T / n),
      );
  }

  it('y′ = J y (7×7 shift): error T h⁵/3600, observed order 5', () => {
    // y(0) = exp(−J) e₇, so y_i(t) = (t − 1)^{7−i}/(7−i)! stays ≤ 1 on [0, 2] and y₁ ≤ 1/720.
    // The error is ≥ 2.3e-6 for n ≤ 6; the round-off reaching y₁ (a few hundred operations, each
    // ≤ 2⁻²⁴ of values ≤ 1, damped by powers of h ≤ 1) stays below 2e-8, under 1% of it.
    const start = Array.from({ length: 7 }, (_, i) => (-1) ** (6 - i) / factorial(6 - i));
    const ns = [2, 3, 4, 6];
    const errors = ns.map((n) =>
      tf.tidy(() => {
        const y0 = tf.tensor2d([start]);
        // the exact solution from the float32 initial values: y₁(T) = Σ_k y0_{1+k} Tᵏ/k!
        const exact = Array.from(y0.dataSync()).reduce(
          (s, v, k) => s + (v * T ** k) / factorial(k),
          0,
        );
        const { y } = solve({ f: shift(7), y0, t1: T, method: 'dopri5', steps: n });
        return (y.dataSync()[0] as number) - exact;
      }),
    );
    ns.forEach((n, i) => {
      const predicted = (T * (T / n) ** 5) / 3600;
      expect(Math.abs((errors[i] as number) / predicted - 1), `n = ${n}`).toBeLessThan(0.02);
    });
    for (const s of slopes(ns, errors)) expect(Math.abs(s - 5)).toBeLessThan(0.2);
  });

  it('y₁′ = y₂, y₂′ = t⁴ (non-autonomous): error T h⁵ (bᵀA c⁴ − 1/30), observed order 5', () => {
    const residual = weight(DOPRI5.b, 1, 4) - 1 / 30; // = 1/5400, an order-6 condition DOPRI5 misses
    expect(Math.abs(residual)).toBeGreaterThan(1e-4);
    // On [−1, 1] from y(−1) = (1/30, −1/5): y₁ = t⁶/30, y₂ = t⁵/5, both ≤ 1/5 in size. The
    // error is ≥ 1.1e-5 for n ≤ 4; round-off (a few hundred operations, each ≤ 2⁻²⁴ of values
    // ≤ 1) stays below 1e-7, under 1% of it.
    const t0 = -1;
    const ns = [1, 2, 3, 4];
    const errors = ns.map((n) =>
      tf.tidy(() => {
        const y0 = tf.tensor2d([[1 / 30, -1 / 5]]);
        const [a = 0, b = 0] = Array.from(y0.dataSync());
        // exact from the float32 initial values: y₂ = b + (t⁵ − t0⁵)/5, y₁ = a + ∫ y₂
        const exact1 = a + (b - t0 ** 5 / 5) * T + ((t0 + T) ** 6 - t0 ** 6) / 30;
        const exact2 = b + ((t0 + T) ** 5 - t0 ** 5) / 5;
        const { y } = solve({ f: power(4), y0, t0, t1: t0 + T, method: 'dopri5', steps: n });
        const [y1 = 0, y2 = 0] = Array.from(y.dataSync());
        // y₂ is integrated exactly (bᵀcᵏ = 1/(k + 1) for k ≤ 4): round-off only
        expect(Math.abs(y2 - exact2)).toBeLessThan(1e-6);
        return y1 - exact1;
      }),
    );
    ns.forEach((n, i) => {
      const predicted = T * (T / n) ** 5 * residual;
      expect(Math.abs((errors[i] as number) / predicted - 1), `n = ${n}`).toBeLessThan(0.02);
    });
    for (const s of slopes(ns, errors)) expect(Math.abs(s - 5)).toBeLessThan(0.2);
  });
});

describe('Dormand–Prince 5(4): the embedded error estimate of one step', () => {
  const hs = [1, 0.5, 0.25, 0.125];

  /** One step of size h from t = 0: the estimate y₅ − y₄ and the true error of y₄ in y₁. */
  function oneStep(
    f: (t: number, y: tf.Tensor) => tf.Tensor,
    y0: () => tf.Tensor,
    exact: (h: number) => number,
    h: number,
  ): { estimate: number; error4: number } {
    return tf.tidy(() => {
      const y = y0();
      const y5 = explicitRkStep({ f, method: DOPRI5, y, h }).dataSync()[0] as number;
      const y4 = explicitRkStep({ f, method: EMBEDDED, y, h }).dataSync()[0] as number;
      return { estimate: y5 - y4, error4: y4 - exact(h) };
    });
  }

  const cases = [
    {
      // J⁶ = 0: y₅ = exp(hJ) y₀ exactly, y₄ errs by (b̂ᵀA⁴𝟙 − 1/120) h⁵ = 97/120000 h⁵ in y₁
      name: 'y′ = J y (6×6 shift)',
      f: shift(6),
      y0: () => lastUnit(6),
      exact: (h: number) => h ** 5 / 120,
      constant: weight(bHat, 4, 0) - 1 / 120,
      size: 6,
    },
    {
      // y₅ exact (bᵀA c³ = 1/20, y₂′ has no fourth derivative), y₄ errs by (b̂ᵀA c³ − 1/20) h⁵
      name: 'y₁′ = y₂, y₂′ = t³',
      f: power(3),
      y0: () => tf.zeros([1, 2]),
      exact: (h: number) => h ** 5 / 20,
      constant: weight(bHat, 1, 3) - 1 / 20,
      size: 2,
    },
  ];

  it.each(cases)('$name: the estimate is −(true error of y₄) = −C h⁵, order 5', (c) => {
    expect(Math.abs(c.constant)).toBeGreaterThan(1e-4);
    const steps = hs.map((h) => oneStep(c.f, c.y0, c.exact, h));
    steps.forEach(({ estimate, error4 }, i) => {
      const h = hs[i] as number;
      // the estimate is ≥ 1% of y₁ here, so float32 round-off (≲ 1e-6 of y₁) is < 1e-3 of it
      expect(Math.abs(error4 / (c.constant * h ** 5) - 1), `h = ${h}`).toBeLessThan(1e-2);
      expect(Math.abs(estimate / -error4 - 1), `h = ${h}`).toBeLessThan(1e-2);
    });
    for (let i = 1; i < hs.length; i++) {
      const s = slope(
        Math.abs(steps[i - 1]?.estimate as number),
        hs[i - 1] as number,
        Math.abs(steps[i]?.estimate as number),
        hs[i] as number,
      );
      expect(Math.abs(s - 5)).toBeLessThan(0.2);
    }
  });

  it.each(cases)(
    '$name: the adaptive solver accepts the step exactly when the estimate meets atol',
    (c) => {
      // With rtol negligible the error norm of a step is RMS_i(e_i / atol) = |C| h⁵ / (atol √n)
      // (only y₁ errs); a step is accepted when it is ≤ 1.
      for (const h of [1, 0.5, 0.25]) {
        const threshold = (Math.abs(c.constant) * h ** 5) / Math.sqrt(c.size);
        const run = (atol: number): SolveStats => {
          let stats: SolveStats | undefined;
          tf.tidy(() => {
            stats = solve({
              f: c.f,
              y0: c.y0(),
              t1: h,
              method: 'dopri5',
              adaptive: { firstStep: h, rtol: 1e-20, atol },
            }).stats;
          });
          return stats as SolveStats;
        };
        expect(run(1.05 * threshold), `h = ${h}`).toMatchObject({ steps: 1, rejected: 0 });
        expect(run(0.95 * threshold).rejected, `h = ${h}`).toBeGreaterThanOrEqual(1);
      }
    },
  );
});

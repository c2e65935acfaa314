import { ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { type BlackScholesParams, blackScholesCall, blackScholesPut } from './black-scholes.js';

type P = BlackScholesParams<number>;

const CASES: P[] = [
  { S: 100, K: 100, T: 1, sigma: 0.2, r: 0.05 }, // at the money
  { S: 120, K: 100, T: 0.25, sigma: 0.3, r: 0.02 }, // in the money, short
  { S: 80, K: 100, T: 2, sigma: 0.15, r: 0.08 }, // out of the money, long
  { S: 42, K: 40, T: 0.5, sigma: 0.2, r: 0.1 },
  { S: 100, K: 95, T: 0.1, sigma: 0.6, r: -0.01 }, // negative rate, high volatility
];

const call = (p: P): number => blackScholesCall(p).price;
const put = (p: P): number => blackScholesPut(p).price;

/** Central first and second differences of f in one parameter, with relative step `rel`. */
function differences(f: (p: P) => number, p: P, key: keyof P, rel: number) {
  const h = rel * Math.max(Math.abs(p[key]), 1e-2);
  const up = f({ ...p, [key]: p[key] + h });
  const down = f({ ...p, [key]: p[key] - h });
  return { first: (up - down) / (2 * h), second: (up - 2 * f(p) + down) / (h * h) };
}

describe('Black–Scholes closed form (numbers)', () => {
  it("matches Hull's textbook example: S=42, K=40, T=0.5, σ=0.2, r=0.1 → call 4.76, put 0.81", () => {
    const p = { S: 42, K: 40, T: 0.5, sigma: 0.2, r: 0.1 };
    expect(call(p)).toBeCloseTo(4.76, 2);
    expect(put(p)).toBeCloseTo(0.81, 2);
  });

  it.each(CASES)('put–call parity C − P = S − K e^{−rT} holds to round-off (%o)', (p) => {
    const c = blackScholesCall(p);
    const q = blackScholesPut(p);
    const scale = Math.max(p.S, p.K);
    const discountK = p.K * Math.exp(-p.r * p.T);
    expect(Math.abs(c.price - q.price - (p.S - discountK))).toBeLessThan(1e-13 * scale);
    // Differentiating the parity: Δ_C − Δ_P = 1, equal Γ and vega, θ_C − θ_P = rKe^{−rT}, ρ_C − ρ_P = TKe^{−rT}.
    expect(Math.abs(c.delta - q.delta - 1)).toBeLessThan(1e-15);
    expect(c.gamma).toBe(q.gamma);
    expect(c.vega).toBe(q.vega);
    expect(Math.abs(c.theta - q.theta - p.r * discountK)).toBeLessThan(1e-13 * scale);
    expect(Math.abs(c.rho - q.rho - p.T * discountK)).toBeLessThan(1e-13 * scale);
  });

  it.each(CASES)('Greeks equal central finite differences of the price (%o)', (p) => {
    for (const [f, greeks] of [
      [call, blackScholesCall(p)],
      [put, blackScholesPut(p)],
    ] as const) {
      const dS = differences(f, p, 'S', 1e-4);
      const dSS = differences(f, p, 'S', 2e-4);
      const scale = Math.max(p.S, p.K);
      expect(Math.abs(greeks.delta - dS.first)).toBeLessThan(1e-7);
      expect(Math.abs(greeks.gamma - dSS.second)).toBeLessThan(1e-6 * Math.max(greeks.gamma, 1e-3));
      expect(Math.abs(greeks.vega - differences(f, p, 'sigma', 1e-4).first)).toBeLessThan(
        1e-6 * scale,
      );
      expect(Math.abs(greeks.theta - differences(f, p, 'T', 1e-4).first)).toBeLessThan(
        1e-6 * scale,
      );
      expect(Math.abs(greeks.rho - differences(f, p, 'r', 1e-4).first)).toBeLessThan(1e-6 * scale);
    }
  });

  it.each(CASES)(
    'satisfies the PDE V_t + ½σ²S²V_SS + rSV_S − rV = 0 with V_t = −∂V/∂T (finite differences) (%o)',
    (p) => {
      for (const f of [call, put]) {
        const V = f(p);
        const VS = differences(f, p, 'S', 1e-4).first;
        const VSS = differences(f, p, 'S', 2e-4).second;
        const Vt = -differences(f, p, 'T', 1e-4).first;
        const residual = Vt + 0.5 * p.sigma ** 2 * p.S ** 2 * VSS + p.r * p.S * VS - p.r * V;
        expect(Math.abs(residual)).toBeLessThan(1e-5 * Math.max(V, 1e-2));
      }
    },
  );

  it.each(CASES)('its analytic Greeks satisfy the PDE to round-off (%o)', (p) => {
    for (const g of [blackScholesCall(p), blackScholesPut(p)]) {
      const residual =
        -g.theta + 0.5 * p.sigma ** 2 * p.S ** 2 * g.gamma + p.r * p.S * g.delta - p.r * g.price;
      expect(Math.abs(residual)).toBeLessThan(1e-12 * Math.max(p.S, p.K));
    }
  });

  it('approaches its limits: deep in the money ≈ S − Ke^{−rT}, T → 0 gives max(S − K, 0)', () => {
    const deep = { S: 300, K: 100, T: 1, sigma: 0.2, r: 0.05 };
    const c = blackScholesCall(deep);
    expect(Math.abs(c.price - (300 - 100 * Math.exp(-0.05)))).toBeLessThan(1e-6);
    expect(1 - c.delta).toBeLessThan(1e-8);
    expect(blackScholesCall({ ...deep, S: 20 }).price).toBeLessThan(1e-12);
    for (const [S, K] of [
      [110, 100],
      [90, 100],
    ] as const) {
      const errors = [1e-2, 1e-4, 1e-6, 1e-10].map((T) =>
        Math.abs(call({ S, K, T, sigma: 0.3, r: 0.05 }) - Math.max(S - K, 0)),
      );
      // The error shrinks with T and is negligible at T = 1e-10.
      for (let i = 1; i < errors.length; i++)
        expect(errors[i]!).toBeLessThanOrEqual(errors[i - 1]!);
      expect(errors[errors.length - 1]!).toBeLessThan(1e-8);
    }
    // At the money the value decays like S σ √(T / 2π).
    const T = 1e-8;
    const atm = call({ S: 100, K: 100, T, sigma: 0.3, r: 0 });
    expect(Math.abs(atm / (100 * 0.3 * Math.sqrt(T / (2 * Math.PI))) - 1)).toBeLessThan(1e-6);
  });

  it('keeps deep out-of-the-money puts accurate in relative terms', () => {
    // P = K e^{−rT} Φ(−d₂) − S Φ(−d₁); for S ≫ K the value is tiny but positive and must shrink
    // monotonically as S grows, which cancellation in C − S + Ke^{−rT} would destroy.
    const values = [300, 350, 400].map((S) => put({ S, K: 100, T: 0.5, sigma: 0.2, r: 0.01 }));
    for (const v of values) expect(v).toBeGreaterThan(0);
    expect(values[1]!).toBeLessThan(values[0]!);
    expect(values[2]!).toBeLessThan(values[1]!);
  });

  it('rejects non-positive S, K, T, σ and non-finite r', () => {
    const p = CASES[0] as P;
    for (const key of ['S', 'K', 'T', 'sigma'] as const) {
      expect(() => blackScholesCall({ ...p, [key]: 0 })).toThrow(ValueError);
    }
    expect(() => blackScholesPut({ ...p, r: Number.NaN })).toThrow(ValueError);
  });
});

describe('Black–Scholes closed form (tensors)', () => {
  it('agrees with the float64 path element-wise and broadcasts', () => {
    const S = tf.tensor2d([[80], [100], [120]]); // [3, 1]
    const K = tf.tensor1d([90, 100, 110, 130]); // [4] → broadcast [3, 4]
    const T = 0.75;
    const sigma = tf.scalar(0.25);
    const r = 0.03;
    for (const fn of [blackScholesCall, blackScholesPut]) {
      const out = fn({ S, K, T, sigma, r });
      for (const key of ['price', 'delta', 'gamma', 'vega', 'theta', 'rho'] as const) {
        expect(out[key].shape).toEqual([3, 4]);
        const values = out[key].arraySync() as number[][];
        [80, 100, 120].forEach((s, i) => {
          [90, 100, 110, 130].forEach((k, j) => {
            const ref = fn({ S: s, K: k, T, sigma: 0.25, r })[key];
            expect(Math.abs((values[i]?.[j] as number) - ref)).toBeLessThan(
              2e-5 * Math.max(Math.abs(ref), 1) + 1e-6 * s,
            );
          });
        });
      }
      tf.dispose(Object.values(out));
    }
    tf.dispose([S, K, sigma]);
  });
});

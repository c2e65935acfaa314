import { ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { erf, erfc, normalCdf } from './normal-cdf.js';

/** Composite Simpson rule for ∫ₐᵇ f with `m` (even) intervals: an independent reference. */
function simpson(f: (t: number) => number, a: number, b: number, m = 20000): number {
  const h = (b - a) / m;
  let sum = f(a) + f(b);
  for (let i = 1; i < m; i++) sum += (i % 2 === 1 ? 4 : 2) * f(a + i * h);
  return (sum * h) / 3;
}

const gauss = (t: number): number => (2 / Math.sqrt(Math.PI)) * Math.exp(-t * t);
/** erf by quadrature over [0, x]. */
const erfByQuadrature = (x: number): number => simpson(gauss, 0, x);
/** erfc by quadrature over [x, x + 9]; the rest of the tail is below e^{-81} relative. */
const erfcByQuadrature = (x: number): number => simpson(gauss, x, x + 9);

function relativeError(a: number, b: number): number {
  return Math.abs(a - b) / Math.abs(b);
}

describe('erf / erfc / Φ on numbers (float64)', () => {
  it('erf matches quadrature of the Gaussian on [0, 3.5] to 1e-12', () => {
    for (let x = 0.05; x <= 3.5; x += 0.15) {
      expect(relativeError(erf(x), erfByQuadrature(x))).toBeLessThan(1e-12);
    }
  });

  it('erfc matches quadrature in relative terms far into the tail (x up to 9)', () => {
    for (let x = 0; x <= 9; x += 0.25) {
      expect(relativeError(erfc(x), erfcByQuadrature(x))).toBeLessThan(1e-10);
    }
  });

  it('is continuous across the switch between series and continued fraction', () => {
    // 1.5 uses the series, the next double above it the continued fraction; erfc itself changes
    // by ~1e-15 (relative) over that gap.
    const below = erfc(1.5);
    const above = erfc(1.5000000000000002);
    expect(relativeError(below, above)).toBeLessThan(1e-12);
  });

  it('satisfies the symmetries erf(−x) = −erf(x), erf + erfc = 1, Φ(x) + Φ(−x) = 1', () => {
    for (const x of [0, 0.3, 1.5, 1.7, 2.5, 3.2, 6]) {
      expect(erf(-x) + erf(x)).toBe(0);
      expect(Math.abs(erf(x) + erfc(x) - 1)).toBeLessThan(2e-16);
      expect(Math.abs(normalCdf(x) + normalCdf(-x) - 1)).toBeLessThan(2e-16);
    }
  });

  it('gives the standard normal quantiles and special values', () => {
    expect(normalCdf(0)).toBe(0.5);
    // Φ⁻¹(0.975), Φ⁻¹(0.95), Φ⁻¹(0.99), Φ⁻¹(0.001) to 16 digits.
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
    expect(normalCdf(1.6448536269514722)).toBeCloseTo(0.95, 14);
    expect(normalCdf(2.3263478740408408)).toBeCloseTo(0.99, 14);
    expect(relativeError(normalCdf(-3.090232306167813), 0.001)).toBeLessThan(1e-12);
    expect(erf(Number.POSITIVE_INFINITY)).toBe(1);
    expect(erfc(Number.NEGATIVE_INFINITY)).toBe(2);
    expect(Number.isNaN(normalCdf(Number.NaN))).toBe(true);
  });

  it('rejects arguments that are neither numbers nor tensors', () => {
    expect(() => normalCdf('1' as unknown as number)).toThrow(ValueError);
  });
});

describe('erf / erfc / Φ on tensors (float32)', () => {
  it('agrees with the float64 path: erfc to 2e-6 relative, erf to 2e-7 absolute', () => {
    const xs = Array.from({ length: 121 }, (_, i) => -6 + i * 0.1);
    const x = tf.tensor1d(xs);
    const e = erfc(x);
    const f = erf(x);
    const ev = e.dataSync();
    const fv = f.dataSync();
    xs.forEach((xi, i) => {
      const x32 = Math.fround(xi);
      expect(relativeError(ev[i] as number, erfc(x32))).toBeLessThan(2e-6);
      expect(Math.abs((fv[i] as number) - erf(x32))).toBeLessThan(2e-7);
    });
    expect(e.dtype).toBe('float32');
    tf.dispose([x, e, f]);
  });

  it('keeps Φ accurate in relative terms in the left tail', () => {
    const xs = [-8, -6, -4, -2, 0, 2, 4];
    const x = tf.tensor1d(xs);
    const p = normalCdf(x);
    const pv = p.dataSync();
    xs.forEach((xi, i) => {
      expect(relativeError(pv[i] as number, normalCdf(xi))).toBeLessThan(5e-6);
    });
    expect(p.shape).toEqual([xs.length]);
    tf.dispose([x, p]);
  });
});

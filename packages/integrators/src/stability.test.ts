import { describe, expect, it } from 'vitest';
import { seeded } from '../test/helpers.js';
import { isStable, maxStableStep, stabilityRegion } from './stability.js';
import { type Complex, stabilityFunction } from './stability-function.js';
import { DOPRI5 } from './tableaux.js';

const add = (a: Complex, b: Complex): Complex => ({ re: a.re + b.re, im: a.im + b.im });
const mul = (a: Complex, b: Complex): Complex => ({
  re: a.re * b.re - a.im * b.im,
  im: a.re * b.im + a.im * b.re,
});
const modulus = (a: Complex): number => Math.hypot(a.re, a.im);

/** Σ_k c_k z^k (Horner). */
function poly(coeffs: readonly number[], z: Complex): Complex {
  let acc: Complex = { re: 0, im: 0 };
  for (let k = coeffs.length - 1; k >= 0; k--)
    acc = add(mul(acc, z), { re: coeffs[k] as number, im: 0 });
  return acc;
}

const factorial = (k: number): number => (k <= 1 ? 1 : k * factorial(k - 1));
const taylor = (degree: number): number[] =>
  Array.from({ length: degree + 1 }, (_, k) => 1 / factorial(k));

function samplePoints(n: number): Complex[] {
  const r = seeded(7);
  return Array.from({ length: n }, () => ({ re: 3 * r(), im: 3 * r() }));
}

function expectClose(a: Complex, b: Complex, tol: number): void {
  expect(modulus({ re: a.re - b.re, im: a.im - b.im })).toBeLessThan(tol * Math.max(1, modulus(b)));
}

describe('stabilityFunction', () => {
  it("forward Euler's is 1 + z", () => {
    const R = stabilityFunction('euler');
    for (const z of samplePoints(50)) expectClose(R(z), { re: 1 + z.re, im: z.im }, 1e-14);
  });

  it("midpoint's and Heun's are the degree-2 Taylor polynomial of e^z", () => {
    for (const m of ['midpoint', 'heun'] as const) {
      const R = stabilityFunction(m);
      for (const z of samplePoints(50)) expectClose(R(z), poly(taylor(2), z), 1e-13);
    }
  });

  it("RK4's is the degree-4 Taylor polynomial of e^z", () => {
    const R = stabilityFunction('rk4');
    for (const z of samplePoints(200)) expectClose(R(z), poly(taylor(4), z), 1e-13);
  });

  it("dopri5's is Σ_{k≤5} z^k/k! + z^6/600 (order 5 plus bᵀA⁵𝟙 = 1/600)", () => {
    const R = stabilityFunction('dopri5');
    const coeffs = [...taylor(5), 1 / 600];
    for (const z of samplePoints(200)) expectClose(R(z), poly(coeffs, z), 1e-13);
  });

  it('dopri5 on the imaginary axis: |R(iy)|² = 1 − y⁶/1800 + O(y⁷), so small imaginary hλ are stable', () => {
    // R(iy) = e^{iy} − (iy)^6 (1/720 − 1/600) + O(y^7) = e^{iy} − y^6/3600 + …
    const R = stabilityFunction(DOPRI5);
    for (const y of [0.05, 0.1, 0.2]) {
      const deviation = modulus(R({ re: 0, im: y })) ** 2 - 1;
      expect(deviation).toBeLessThan(0);
      expect(Math.abs(deviation / (-(y ** 6) / 1800) - 1)).toBeLessThan(0.1);
    }
  });
});

describe('isStable and stabilityRegion', () => {
  it("forward Euler's region is the disk |1 + z| ≤ 1", () => {
    for (const z of samplePoints(200))
      expect(isStable('euler', z)).toBe(modulus({ re: 1 + z.re, im: z.im }) <= 1);
    expect(isStable('euler', { re: 0, im: 0.01 })).toBe(false);
  });

  it('samples |R| on the grid, consistent with isStable', () => {
    const region = stabilityRegion('rk4', {
      reRange: [-3, 1],
      imRange: [-3, 3],
      resolution: [21, 31],
    });
    expect(region.re).toHaveLength(21);
    expect(region.im).toHaveLength(31);
    expect(region.re[0]).toBe(-3);
    expect(region.im[30]).toBe(3);
    region.im.forEach((y, i) => {
      region.re.forEach((x, j) => {
        const m = (region.modulus[i] as number[])[j] as number;
        expect(m).toBeCloseTo(modulus(poly(taylor(4), { re: x, im: y })), 12);
        expect(m <= 1 + 1e-12).toBe(isStable('rk4', { re: x, im: y }));
      });
    });
  });

  it('rejects empty ranges', () => {
    expect(() => stabilityRegion('rk4', { reRange: [1, 1] })).toThrow(/reRange\[1\]/);
  });

  it('leapfrog has no R(z), and its region is the interval [−2i, 2i]: growth 1 there, above 1 elsewhere', () => {
    expect(() => stabilityFunction('leapfrog')).toThrow(/use amplification\('leapfrog'\)/);
    const grid = stabilityRegion('leapfrog', {
      reRange: [-1, 1],
      imRange: [-3, 3],
      resolution: [21, 61],
    });
    grid.im.forEach((y, i) => {
      grid.re.forEach((x, j) => {
        const inside = Math.abs(x) < 1e-12 && Math.abs(y) <= 2 + 1e-12;
        const m = (grid.modulus[i] as number[])[j] as number;
        if (inside) expect(m).toBeCloseTo(1, 12);
        else expect(m).toBeGreaterThan(1);
        expect(isStable('leapfrog', { re: x, im: y })).toBe(inside);
      });
    });
    expect(
      maxStableStep('leapfrog', [
        { re: 0, im: 4 },
        { re: 0, im: -1 },
      ]),
    ).toBeCloseTo(0.5, 12);
    expect(maxStableStep('leapfrog', [{ re: -1, im: 0 }])).toBe(0);
  });
});

describe('maxStableStep', () => {
  it('forward Euler on negative real eigenvalues: h = 2/|λ|max', () => {
    expect(
      maxStableStep('euler', [
        { re: -10, im: 0 },
        { re: -1, im: 0 },
      ]),
    ).toBeCloseTo(0.2, 12);
  });

  it('forward Euler with imaginary eigenvalues (antisymmetric dynamics): no stable step', () => {
    expect(maxStableStep('euler', [{ re: 0, im: 1 }])).toBe(0);
  });

  it('RK4 on the imaginary axis: |R(iy)|² = 1 − y⁶/72 + y⁸/576, so h|ω| ≤ 2√2', () => {
    expect(maxStableStep('rk4', [{ re: 0, im: 2 }])).toBeCloseTo(Math.SQRT2, 10);
  });

  it('RK4 on the negative real axis: h|λ| is the real root of x³ − 4x² + 12x − 24 (R(−x) = 1)', () => {
    const x = maxStableStep('rk4', [{ re: -1, im: 0 }]);
    expect(x ** 3 - 4 * x ** 2 + 12 * x - 24).toBeCloseTo(0, 8);
    expect(x).toBeGreaterThan(2.7);
  });

  it('takes the first exit along a ray that leaves the region and re-enters it', () => {
    // Just right of the imaginary axis RK4 is unstable near 0 (|e^{hλ}| > 1) but stable further
    // out, where its region bulges into Re z > 0: the first exit is at h = 0.
    const lambda = { re: 0.05, im: 1 };
    expect(isStable('rk4', { re: 2.5 * lambda.re, im: 2.5 * lambda.im })).toBe(true);
    expect(isStable('rk4', { re: 0.5 * lambda.re, im: 0.5 * lambda.im })).toBe(false);
    expect(maxStableStep('rk4', [lambda])).toBe(0);
  });

  it('is Infinity for a zero spectrum', () => {
    expect(maxStableStep('heun', [{ re: 0, im: 0 }])).toBe(Number.POSITIVE_INFINITY);
  });
});

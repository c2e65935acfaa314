// Tests of the disk and intervals inside each method's stability region, against the stability polynomials written out by hand.
import { describe, expect, it } from 'vitest';
import { stabilityExtents } from './stability-extents.js';

type C = { re: number; im: number };
const modulus = (z: C): number => Math.hypot(z.re, z.im);
/** |Σ z^k / k!| for k ≤ degree: the stability polynomial of an explicit method of that order with as many stages. */
function taylorModulus(degree: number, z: C): number {
  let term: C = { re: 1, im: 0 };
  let sum: C = { re: 1, im: 0 };
  for (let k = 1; k <= degree; k++) {
    term = {
      re: (term.re * z.re - term.im * z.im) / k,
      im: (term.re * z.im + term.im * z.re) / k,
    };
    sum = { re: sum.re + term.re, im: sum.im + term.im };
  }
  return modulus(sum);
}

/** Points of the closed disk |z + r| ≤ r on a polar grid. */
function diskPoints(r: number): C[] {
  const out: C[] = [];
  for (let i = 1; i <= 20; i++) {
    for (let k = 0; k < 72; k++) {
      const rho = (r * i) / 20;
      const t = (2 * Math.PI * k) / 72;
      out.push({ re: -r + rho * Math.cos(t), im: rho * Math.sin(t) });
    }
  }
  return out;
}

describe('stabilityExtents', () => {
  it('forward Euler: the disk |z + 1| ≤ 1 is its region, [−2, 0] its real interval, nothing of the imaginary axis', () => {
    const e = stabilityExtents('euler');
    expect(e.disk).toBeCloseTo(1, 4);
    expect(e.real).toBeCloseTo(2, 8);
    expect(e.imaginary).toBe(0);
  });

  it('Heun and midpoint (R = 1 + z + z²/2): |R| = |cos θ| on |z + 1| = 1, so the disk radius is 1; real interval [−2, 0]', () => {
    for (const method of ['heun', 'midpoint'] as const) {
      const e = stabilityExtents(method);
      expect(e.disk).toBeCloseTo(1, 4);
      expect(e.real).toBeCloseTo(2, 8);
      expect(e.imaginary).toBe(0);
    }
  });

  it('RK4: imaginary interval 2√2, real interval 2.7853 (root of 1 − a + a²/2 − a³/6 + a⁴/24 = 1), a disk inside its polynomial region and no larger one', () => {
    const e = stabilityExtents('rk4');
    expect(e.imaginary).toBeCloseTo(2 * Math.SQRT2, 6);
    expect(e.real).toBeCloseTo(2.785293563, 6);
    // Every point of the disk is stable for the degree-4 Taylor polynomial…
    for (const z of diskPoints(e.disk)) expect(taylorModulus(4, z)).toBeLessThanOrEqual(1 + 1e-9);
    // …and 1 % more leaves the region somewhere on the circle.
    const bigger = diskPoints(e.disk * 1.01);
    expect(Math.max(...bigger.map((z) => taylorModulus(4, z)))).toBeGreaterThan(1);
    // It holds Euler's disk.
    expect(e.disk).toBeGreaterThan(1);
  });

  it('leapfrog: the segment [−2i, 2i] and no disk or real interval', () => {
    const e = stabilityExtents('leapfrog');
    expect(e.imaginary).toBeCloseTo(2, 8);
    expect(e.disk).toBe(0);
    expect(e.real).toBe(0);
  });
});

// What a spectrum hλ says about stability: growth, points outside the region, round-off near 0 and the imaginary axis.
import { ValueError } from '@runge/tensor-ops';
import { describe, expect, it } from 'vitest';
import { type Complex, stabilityFunction } from './stability-function.js';
import { stabilityNumbers } from './stability-numbers.js';

const abs = (z: Complex): number => Math.hypot(z.re, z.im);

describe('stabilityNumbers', () => {
  it('a known spectrum {−1, −3, ±2i} with h = 1/2: Euler takes ±i out of the disk (|R| = √2), RK4 keeps all', () => {
    const spectrum = [
      { re: -1, im: 0 },
      { re: -3, im: 0 },
      { re: 0, im: 2 },
      { re: 0, im: -2 },
    ];
    const euler = stabilityNumbers('euler', 0.5, spectrum);
    expect(euler.maxAbs).toBeCloseTo(1.5, 12);
    expect(euler.maxRe).toBeCloseTo(0, 12);
    expect(euler.maxGrowth).toBeCloseTo(Math.SQRT2, 12);
    expect(euler).toMatchObject({ count: 4, outside: 2, outsideDecaying: 2, stable: false });
    const rk4 = stabilityNumbers('rk4', 0.5, spectrum);
    const R = stabilityFunction('rk4');
    expect(rk4.maxGrowth).toBeCloseTo(
      Math.max(abs(R({ re: 0, im: 1 })), abs(R({ re: -1.5, im: 0 }))),
      12,
    );
    expect(rk4).toMatchObject({ outside: 0, stable: true });
  });

  it('an eigenvalue with Re λ > 0 is outside for every explicit method and counted as growth of the ODE', () => {
    const n = stabilityNumbers('rk4', 0.1, [
      { re: 0.5, im: 0 },
      { re: -1, im: 0 },
    ]);
    expect(n.maxGrowth).toBeGreaterThan(1);
    expect(n).toMatchObject({ outside: 1, outsideDecaying: 0, stable: false });
  });

  it('takes round-off-sized eigenvalues as 0 but keeps the leapfrog interval sharp', () => {
    const split = [
      { re: 1e-6, im: 0 },
      { re: -1e-6, im: 0 },
      { re: 0, im: 3 },
      { re: 0, im: -3 },
    ];
    expect(stabilityNumbers('leapfrog', 0.5, split)).toMatchObject({ outside: 0, stable: true });
    expect(stabilityNumbers('leapfrog', 0.7, split)).toMatchObject({ outside: 2, stable: false });
    // a genuine real pair is not round-off
    const real = [...split, { re: 0.3, im: 0 }, { re: -0.3, im: 0 }];
    expect(stabilityNumbers('leapfrog', 0.5, real)).toMatchObject({ outside: 2, stable: false });
  });

  it('takes round-off-sized real parts of imaginary eigenvalues as 0, not larger ones', () => {
    // h = 1, max|hλ| = 1.5: the radius is 1.5·2⁻¹² ≈ 3.7e-4
    const nearAxis = [
      { re: 2e-4, im: 1.5 },
      { re: 2e-4, im: -1.5 },
    ];
    const leapfrog = stabilityNumbers('leapfrog', 1, nearAxis);
    expect(leapfrog).toMatchObject({ outside: 0, stable: true, maxRe: 0 });
    expect(leapfrog.maxGrowth).toBeCloseTo(1, 12);
    // Euler is unstable on the whole imaginary axis: |1 + 1.5i| = √3.25
    expect(stabilityNumbers('euler', 1, nearAxis).maxGrowth).toBeCloseTo(Math.sqrt(3.25), 12);
    // a real part 30 times the radius is the dynamics', not round-off: leapfrog grows
    const offAxis = [
      { re: 0.01, im: 1.5 },
      { re: 0.01, im: -1.5 },
    ];
    expect(stabilityNumbers('leapfrog', 1, offAxis)).toMatchObject({ stable: false });
  });

  it('rejects a bad step or an empty spectrum', () => {
    expect(() => stabilityNumbers('euler', 0, [{ re: -1, im: 0 }])).toThrow(ValueError);
    expect(() => stabilityNumbers('euler', 0.1, [])).toThrow(ValueError);
  });
});

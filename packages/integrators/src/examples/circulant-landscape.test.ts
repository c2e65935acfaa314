import { describe, expect, it } from 'vitest';
import { circulantLandscape } from './circulant-landscape.js';

const grid = { theta1: [0, 2, 21], theta2: [0, 2, 21] } as const;

/** Σ |differences| between neighbours along both axes. */
function totalVariation(values: number[][]): number {
  let tv = 0;
  values.forEach((row, i) => {
    row.forEach((v, j) => {
      if (i + 1 < values.length) tv += Math.abs(((values[i + 1] as number[])[j] as number) - v);
      if (j + 1 < row.length) tv += Math.abs((row[j + 1] as number) - v);
    });
  });
  return tv;
}

const median = (xs: number[]): number => {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

describe("circulantLandscape (the stability guide's circulant example)", () => {
  const fine = circulantLandscape({ N: 200, grid, seed: 3 });
  const medium = circulantLandscape({ N: 100, grid, seed: 3 });
  const coarse = circulantLandscape({ N: 5, grid, seed: 3 });
  // θ = (1, 1) is grid point (10, 10).
  const at = (l: typeof fine): number => (l.values[10] as number[])[10] as number;

  it('returns the grid axes and one value per grid point', () => {
    expect(fine.theta1).toHaveLength(21);
    expect(fine.theta1[10]).toBe(1);
    expect(fine.values).toHaveLength(21);
    expect(
      fine.values.every(
        (row) => row.length === 21 && row.every((v) => Number.isFinite(v) && v >= 0),
      ),
    ).toBe(true);
  });

  it('the objective vanishes at the target θ = (1, 1) for N = 200 (the target itself)', () => {
    expect(at(fine)).toBeLessThan(1e-8 * median(fine.values.flat()));
  });

  it('N = 100 is close to the ODE: small at θ = (1, 1), and its landscape close to N = 200', () => {
    // Forward Euler converges at order 1: Y_N − Y_200 ≈ c (1/N − 1/200), so the objective at
    // θ = (1, 1) is 9 times smaller for N = 100 than for N = 50.
    const half = circulantLandscape({
      N: 50,
      grid: { theta1: [1, 1, 1], theta2: [1, 1, 1] },
      seed: 3,
    });
    const ratio = ((half.values[0] as number[])[0] as number) / at(medium);
    expect(ratio).toBeGreaterThan(6);
    expect(ratio).toBeLessThan(12);
    expect(at(medium)).toBeLessThan(0.05 * median(medium.values.flat()));
    const diff = medium.values
      .flat()
      .map((v, i) => Math.abs(v - (fine.values.flat()[i] as number)));
    expect(Math.max(...diff)).toBeLessThan(0.1 * Math.max(...fine.values.flat()));
  });

  it('N = 5 leaves the stability region (h = 2): its landscape is rougher than N = 100', () => {
    // h λ = 2 (−1.5(θ1 + θ2) ± i √3/2 (θ1 − θ2)) leaves |1 + z| ≤ 1 for most of the grid.
    expect(totalVariation(coarse.values)).toBeGreaterThan(1.5 * totalVariation(medium.values));
    expect(at(coarse)).toBeGreaterThan(100 * at(medium));
  });
});

// The roughness of a sampled landscape: second differences over the range, exact for a paraboloid and zero for a plane.
import { describe, expect, it } from 'vitest';
import { landscapeRoughness as roughness } from './circulant-landscape.js';

describe('landscapeRoughness', () => {
  it('is |Δ²f| / range: 2h² / span for the paraboloid x² + y² sampled with spacing h', () => {
    const h = 0.25;
    const xs = Array.from({ length: 9 }, (_, i) => -1 + i * h);
    const values = xs.map((x) => xs.map((y) => x * x + y * y));
    // every second difference along either axis is exactly 2h²; the range is 2 − 0
    expect(roughness(values)).toBeCloseTo((2 * h * h) / 2, 12);
    // a plane has no curvature
    expect(roughness(xs.map((x) => xs.map((y) => 3 * x - y)))).toBeCloseTo(0, 12);
  });
});

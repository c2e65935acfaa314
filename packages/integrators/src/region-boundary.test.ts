// The traced boundary of a stability region: points on |R(z)| = 1, joined into closed curves.
import { describe, expect, it } from 'vitest';
import { chainSegments, regionBoundary } from './region-boundary.js';

describe('stability region boundary', () => {
  it("euler's traced boundary lies on the circle |1 + z| = 1 and closes", () => {
    const segments = regionBoundary(
      'euler',
      { reMin: -2.5, reMax: 0.5, imMin: -1.5, imMax: 1.5 },
      121,
    );
    expect(segments.length).toBeGreaterThan(50);
    for (const s of segments) {
      expect(Math.abs(Math.hypot(1 + s.x, s.y) - 1)).toBeLessThan(1e-3);
      expect(Math.abs(Math.hypot(1 + s.x2, s.y2) - 1)).toBeLessThan(1e-3);
    }
    const lines = chainSegments(segments);
    expect(lines).toHaveLength(1);
    const line = lines[0] as [number, number][];
    expect(line[0]).toEqual(line[line.length - 1]);
  });
});

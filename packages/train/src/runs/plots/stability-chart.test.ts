// The stability plot: every method's region boundary and every block's points, in a rendered SVG.
import { describe, expect, it } from 'vitest';
import { renderSvg } from './render-svg.js';
import { plotBox, stabilitySpec } from './stability-chart.js';

describe('stabilitySpec', () => {
  it('draws both regions and both blocks, on axes of equal scale containing every point', async () => {
    const points = [
      { block: 'first', re: -0.4, im: 0.2 },
      { block: 'second', re: 0, im: 1.5 },
      { block: 'second', re: 0, im: -3.1 },
    ];
    const box = plotBox(['euler', 'leapfrog'], points);
    for (const p of points) {
      expect(p.re).toBeGreaterThan(box.reMin);
      expect(p.re).toBeLessThan(box.reMax);
      expect(p.im).toBeGreaterThan(box.imMin);
      expect(p.im).toBeLessThan(box.imMax);
    }
    // 520 × 420 pixels with one unit the same length on both axes
    expect((box.reMax - box.reMin) / 520).toBeCloseTo((box.imMax - box.imMin) / 420, 12);
    // Euler's disk |1 + z| ≤ 1 reaches −2 on the real axis
    expect(box.reMin).toBeLessThan(-2);
    const svg = await renderSvg(
      stabilitySpec({ title: 'two blocks', methods: ['euler', 'leapfrog'], points }),
    );
    expect(svg).toMatch(/^<svg/);
    for (const label of ['euler: |R(hλ)| = 1', 'leapfrog: hλ ∈ [−2i, 2i]', 'first', 'second']) {
      expect(svg).toContain(label);
    }
  });
});

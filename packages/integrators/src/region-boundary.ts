// The boundary of a method's stability region as curves, for plots: a box around it, the level set |R| = 1 by marching squares, joined into polylines.
import { resolveMethod } from './methods.js';
import { stabilityRegion } from './stability.js';
import type { ButcherTableau, Method } from './types.js';

/** A rectangle of the complex plane. */
export interface Box {
  readonly reMin: number;
  readonly reMax: number;
  readonly imMin: number;
  readonly imMax: number;
}

/**
 * A box around the method's stability region near the origin: the leapfrog segment
 * `[−2i, 2i]`, or the bounding box of the grid points of `[−8, 2] × [−8, 8]` where `|R| ≤ 1`
 * (every explicit RK method of at most 7 stages has its region there), with a margin.
 */
export function regionBox(method: Method | ButcherTableau): Box {
  if (resolveMethod(method).kind === 'leapfrog')
    return { reMin: -0.6, reMax: 0.6, imMin: -2.4, imMax: 2.4 };
  const grid = stabilityRegion(method, {
    reRange: [-8, 2],
    imRange: [-8, 8],
    resolution: [201, 321],
  });
  // The origin is on the boundary of every consistent method's region.
  let [reMin, reMax, imMin, imMax] = [0, 0, 0, 0];
  grid.modulus.forEach((row, i) => {
    row.forEach((m, j) => {
      if (m > 1) return;
      const re = grid.re[j] as number;
      const im = grid.im[i] as number;
      reMin = Math.min(reMin, re);
      reMax = Math.max(reMax, re);
      imMin = Math.min(imMin, im);
      imMax = Math.max(imMax, im);
    });
  });
  const box = { reMin, reMax, imMin, imMax };
  return {
    reMin: box.reMin - 0.3,
    reMax: box.reMax + 0.3,
    imMin: box.imMin - 0.3,
    imMax: box.imMax + 0.3,
  };
}

/** A straight piece of a region's boundary, from `(x, y)` to `(x2, y2)` (real, imaginary). */
export interface Segment {
  readonly x: number;
  readonly y: number;
  readonly x2: number;
  readonly y2: number;
}

/**
 * The boundary of the stability region inside `box` as line segments: for leapfrog the segment
 * `[−2i, 2i]` itself, for a Runge–Kutta method the level set `|R(z)| = 1` traced by marching
 * squares on a `resolution × resolution` grid (each cell whose corners straddle 1 contributes
 * the pieces between the linearly interpolated crossings of its edges).
 *
 * @param method - The integrator.
 * @param box - The part of the complex plane to trace.
 * @param resolution - Grid points per axis; default 241.
 * @returns The segments.
 */
export function regionBoundary(
  method: Method | ButcherTableau,
  box: Box,
  resolution = 241,
): Segment[] {
  if (resolveMethod(method).kind === 'leapfrog') {
    return [{ x: 0, y: Math.max(-2, box.imMin), x2: 0, y2: Math.min(2, box.imMax) }];
  }
  const grid = stabilityRegion(method, {
    reRange: [box.reMin, box.reMax],
    imRange: [box.imMin, box.imMax],
    resolution,
  });
  const { re, im } = grid;
  // The level sits a hair above 1 so that grid points exactly on the boundary (|R| = 1 at
  // z = 0, −1 ± i, … for Euler) count as inside instead of making zero-length pieces.
  const v = grid.modulus.map((row) => row.map((m) => m - (1 + 1e-9)));
  const segments: Segment[] = [];
  for (let i = 0; i + 1 < im.length; i++) {
    for (let j = 0; j + 1 < re.length; j++) {
      // Edges counter-clockwise, each as its two grid points in grid order, so that the two
      // cells sharing an edge compute bit-identical crossings (the polylines join on them).
      const edges: [number, number, number, number][] = [
        [i, j, i, j + 1],
        [i, j + 1, i + 1, j + 1],
        [i + 1, j, i + 1, j + 1],
        [i, j, i + 1, j],
      ];
      const crossings: [number, number][] = [];
      for (const [i0, j0, i1, j1] of edges) {
        const a = (v[i0] as number[])[j0] as number;
        const b = (v[i1] as number[])[j1] as number;
        if (a <= 0 === b <= 0) continue;
        const s = a / (a - b);
        const x0 = re[j0] as number;
        const y0 = im[i0] as number;
        crossings.push([x0 + s * ((re[j1] as number) - x0), y0 + s * ((im[i1] as number) - y0)]);
      }
      for (let c = 0; c + 1 < crossings.length; c += 2) {
        const [x, y] = crossings[c] as [number, number];
        const [x2, y2] = crossings[c + 1] as [number, number];
        if (x !== x2 || y !== y2) segments.push({ x, y, x2, y2 });
      }
    }
  }
  return segments;
}

/**
 * Joins segments that share end points into polylines (closed curves end where they start), so
 * a traced boundary draws as a few paths instead of hundreds of separate lines. End points
 * match when they agree to 1e-9 (cells sharing an edge of {@link regionBoundary} give identical
 * crossings).
 *
 * @param segments - Pieces as {@link regionBoundary} returns them.
 * @returns The polylines, each a list of points `[re, im]`.
 */
export function chainSegments(segments: readonly Segment[]): [number, number][][] {
  const key = (x: number, y: number): string => `${x.toFixed(9)},${y.toFixed(9)}`;
  const ends = new Map<string, number[]>();
  segments.forEach((s, i) => {
    for (const k of [key(s.x, s.y), key(s.x2, s.y2)]) ends.set(k, [...(ends.get(k) ?? []), i]);
  });
  const used = new Uint8Array(segments.length);
  const other = (i: number, k: string): [number, number] => {
    const s = segments[i] as Segment;
    return key(s.x, s.y) === k ? [s.x2, s.y2] : [s.x, s.y];
  };
  /** Walks from point `p` along unused segments, appending points to `line`. */
  const walk = (line: [number, number][]): void => {
    for (;;) {
      const [x, y] = line[line.length - 1] as [number, number];
      const k = key(x, y);
      const next = (ends.get(k) ?? []).find((i) => used[i] === 0);
      if (next === undefined) return;
      used[next] = 1;
      line.push(other(next, k));
    }
  };
  const lines: [number, number][][] = [];
  segments.forEach((s, i) => {
    if (used[i] === 1) return;
    used[i] = 1;
    const forward: [number, number][] = [
      [s.x, s.y],
      [s.x2, s.y2],
    ];
    walk(forward);
    // An open curve may extend behind the first segment too.
    const backward: [number, number][] = [[s.x, s.y]];
    walk(backward);
    lines.push([...backward.slice(1).reverse(), ...forward]);
  });
  return lines;
}

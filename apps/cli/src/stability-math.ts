import { type Complex, stabilityFunction, stabilityRegion } from '@runge/integrators';
import { ValueError } from '@runge/tensor-ops';

/**
 * `|R(hλ)|` above 1 by at most this much still counts as stable: the eigenvalues come from
 * float32 Jacobian products, so points on the boundary (λ = 0 of dead ReLU units, the imaginary
 * axis for leapfrog) land a round-off away from it.
 */
export const STABILITY_TOLERANCE = 1e-5;

/** Whether a method is the partitioned leapfrog (Störmer–Verlet) scheme rather than a tableau. */
export function isLeapfrog(method: string): boolean {
  return method === 'leapfrog';
}

function csqrt(z: Complex): Complex {
  const r = Math.hypot(z.re, z.im);
  const re = Math.sqrt((r + z.re) / 2);
  const im = Math.sqrt(Math.max(0, (r - z.re) / 2));
  return { re, im: z.im < 0 ? -im : im };
}

/**
 * The growth factor of one leapfrog step on a linear mode with Jacobian eigenvalue `λ`, as a
 * function of `z = hλ`: the step matrix has determinant 1 and trace `2 + z²`, so its eigenvalues
 * are the roots of `μ² − (2 + z²)μ + 1 = 0` and the factor is `max |μ|`. It is 1 exactly on the
 * segment `z ∈ [−2i, 2i]` of the imaginary axis (the leapfrog stability interval) and above 1
 * everywhere else (the roots multiply to 1).
 *
 * @param z - `hλ`.
 * @returns `max |μ|` over the two roots.
 */
export function leapfrogGrowth(z: Complex): number {
  const z2 = { re: z.re * z.re - z.im * z.im, im: 2 * z.re * z.im };
  const a = { re: 1 + z2.re / 2, im: z2.im / 2 };
  const d = csqrt({ re: a.re * a.re - a.im * a.im - 1, im: 2 * a.re * a.im });
  const m1 = Math.hypot(a.re + d.re, a.im + d.im);
  const m2 = Math.hypot(a.re - d.re, a.im - d.im);
  return Math.max(m1, m2);
}

/**
 * `z ↦ |R(z)|` for a block's integrator: the modulus of the stability function
 * `R(z) = 1 + z bᵀ(I − zA)⁻¹𝟙` of a Runge–Kutta method (forward Euler: `|1 + z|`), or for
 * leapfrog the growth factor {@link leapfrogGrowth}. A step `h` is stable on the mode `λ` when
 * `|R(hλ)| ≤ 1`.
 *
 * @param method - `'euler'`, `'midpoint'`, `'heun'`, `'rk4'`, `'dopri5'` or `'leapfrog'`.
 * @returns The modulus as a function of `z = hλ`.
 * @throws {@link ValueError} for an unknown method.
 */
export function growthFactor(method: string): (z: Complex) => number {
  if (isLeapfrog(method)) return leapfrogGrowth;
  const R = stabilityFunction(method as Parameters<typeof stabilityFunction>[0]);
  return (z) => {
    const r = R(z);
    return Math.hypot(r.re, r.im);
  };
}

/**
 * Eigenvalues within this fraction of `max |hλ|` of the origin count as 0: `√u` with
 * `u = 2⁻²⁴` the float32 unit round-off. The Jacobian is built from float32 products, and a
 * repeated (defective) eigenvalue 0 — dead ReLU units, the `p = 0` half of a Hamiltonian state —
 * splits under an error of size `u‖J‖` into a pair `±√u·‖J‖`, which would otherwise show as
 * spurious growth `1 + O(√u)`.
 */
export const ZERO_RADIUS = 2 ** -12;

/** What one set of scaled eigenvalues `hλ` says about stability. */
export interface StabilityNumbers {
  /** Number of eigenvalues. */
  readonly count: number;
  /** `max |hλ|`. */
  readonly maxAbs: number;
  /** `max Re(hλ)` (after taking round-off-sized `hλ` as 0, see {@link ZERO_RADIUS}). */
  readonly maxRe: number;
  /** `max |R(hλ)|` (after taking round-off-sized `hλ` as 0). */
  readonly maxGrowth: number;
  /** How many `hλ` have `|R(hλ)| > 1 + tolerance`. */
  readonly outside: number;
  /**
   * How many of the `outside` points have `Re(hλ) ≤ 0` (up to round-off, {@link ZERO_RADIUS}
   * `· max |hλ|`): there the ODE itself does not amplify the mode, so the growth is the
   * integrator's (the step is too large for it). The other outside points have `Re λ > 0`, a
   * mode the continuous dynamics already amplifies.
   */
  readonly outsideDecaying: number;
  /** Every `hλ` lies in the stability region (`outside === 0`). */
  readonly stable: boolean;
}

/**
 * Scales eigenvalues `λ` by the step `h` and evaluates the integrator's `|R(hλ)|` on them.
 * Points closer to 0 than {@link ZERO_RADIUS}` · max |hλ|` are float32 round-off of a zero
 * eigenvalue and are evaluated at 0 (where `|R| = 1` for every consistent method); real parts
 * that small are round-off of an imaginary eigenvalue (antisymmetric and Hamiltonian blocks)
 * and are taken as 0.
 *
 * @param method - The integrator (see {@link growthFactor}).
 * @param h - The step.
 * @param eigenvalues - Eigenvalues `λ` of the Jacobian.
 * @param tolerance - Slack on `|R| ≤ 1`; default {@link STABILITY_TOLERANCE}.
 * @returns `max |hλ|`, `max Re(hλ)`, `max |R(hλ)|` and how many `hλ` lie outside the region.
 * @throws {@link ValueError} for an unknown method, a non-positive step or an empty spectrum.
 */
export function stabilityNumbers(
  method: string,
  h: number,
  eigenvalues: readonly Complex[],
  tolerance = STABILITY_TOLERANCE,
): StabilityNumbers {
  if (!(h > 0) || !Number.isFinite(h))
    throw new ValueError(`h: expected a positive step, got ${h}`);
  if (eigenvalues.length === 0) throw new ValueError('eigenvalues: expected at least one');
  const growth = growthFactor(method);
  const scaled = eigenvalues.map((lambda) => ({ re: h * lambda.re, im: h * lambda.im }));
  const maxAbs = Math.max(...scaled.map((z) => Math.hypot(z.re, z.im)));
  const radius = ZERO_RADIUS * maxAbs;
  let maxRe = Number.NEGATIVE_INFINITY;
  let maxGrowth = 0;
  let outside = 0;
  let outsideDecaying = 0;
  for (const raw of scaled) {
    // Round-off of the same size moves an imaginary eigenvalue off the axis: a real part within
    // the radius is taken as 0 (a zero eigenvalue as 0 altogether).
    const z =
      Math.hypot(raw.re, raw.im) <= radius
        ? { re: 0, im: 0 }
        : Math.abs(raw.re) <= radius
          ? { re: 0, im: raw.im }
          : raw;
    const g = growth(z);
    maxRe = Math.max(maxRe, z.re);
    maxGrowth = Math.max(maxGrowth, g);
    if (!(g <= 1 + tolerance)) {
      outside++;
      // Real parts of round-off size belong to imaginary eigenvalues (antisymmetric blocks).
      if (z.re <= radius) outsideDecaying++;
    }
  }
  return {
    count: eigenvalues.length,
    maxAbs,
    maxRe,
    maxGrowth,
    outside,
    outsideDecaying,
    stable: outside === 0,
  };
}

/** Combines the numbers of several sets (e.g. every step of a block). */
export function combineNumbers(parts: readonly StabilityNumbers[]): StabilityNumbers {
  if (parts.length === 0) throw new ValueError('combineNumbers: expected at least one part');
  const outside = parts.reduce((n, p) => n + p.outside, 0);
  return {
    count: parts.reduce((n, p) => n + p.count, 0),
    maxAbs: Math.max(...parts.map((p) => p.maxAbs)),
    maxRe: Math.max(...parts.map((p) => p.maxRe)),
    maxGrowth: Math.max(...parts.map((p) => p.maxGrowth)),
    outside,
    outsideDecaying: parts.reduce((n, p) => n + p.outsideDecaying, 0),
    stable: outside === 0,
  };
}

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
export function regionBox(method: string): Box {
  if (isLeapfrog(method)) return { reMin: -0.6, reMax: 0.6, imMin: -2.4, imMax: 2.4 };
  const grid = stabilityRegion(method as Parameters<typeof stabilityRegion>[0], {
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
export function regionBoundary(method: string, box: Box, resolution = 241): Segment[] {
  if (isLeapfrog(method)) {
    return [{ x: 0, y: Math.max(-2, box.imMin), x2: 0, y2: Math.min(2, box.imMax) }];
  }
  const grid = stabilityRegion(method as Parameters<typeof stabilityRegion>[0], {
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

/** One line of the stability table. */
export interface StabilityRow {
  readonly block: string;
  readonly dynamics: string;
  readonly method: string;
  /** The step index `j`, or `'all'` for a block's summary line. */
  readonly step: number | 'all';
  /** The time `t_j` (absent on summary lines). */
  readonly t?: number;
  readonly h: number;
  readonly numbers: StabilityNumbers;
}

/** Aligns columns: each column padded to its widest cell, two spaces between columns. */
export function alignColumns(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] as number)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** A number with `digits` significant digits, plain notation unless very large or small. */
export function formatNumber(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e5 || a < 1e-4) return x.toExponential(digits - 1);
  return x.toPrecision(digits);
}

/**
 * The stability table: one line per block and step (and a summary line `all` per block) with
 * the block, its dynamics and integrator, the step `j` and time `t_j`, `h`, `max |hλ|`,
 * `max Re(hλ)`, `max |R(hλ)|` and whether every `hλ` lies in the region (`no (k/n outside)`
 * otherwise).
 *
 * @param rows - The lines.
 * @returns The table as text (no trailing newline).
 */
export function formatStabilityTable(rows: readonly StabilityRow[]): string {
  const header = [
    'block',
    'dynamics',
    'integrator',
    'step',
    't',
    'h',
    'max|hλ|',
    'max Re(hλ)',
    'max|R(hλ)|',
    'stable',
  ];
  const lines = rows.map((r) => [
    r.block,
    r.dynamics,
    r.method,
    String(r.step),
    r.t === undefined ? '' : formatNumber(r.t),
    formatNumber(r.h),
    formatNumber(r.numbers.maxAbs),
    formatNumber(r.numbers.maxRe),
    formatNumber(r.numbers.maxGrowth, 6),
    r.numbers.stable ? 'yes' : `no (${r.numbers.outside}/${r.numbers.count} outside)`,
  ]);
  return alignColumns([header, ...lines]);
}

/**
 * Parses `--steps-at`: `all`, or a comma list of step indices `j` (0-based) and the words
 * `first`, `middle` (`⌊N/2⌋`), `last` (`N − 1`), for a block of `N` steps. Indices are sorted
 * and deduplicated. Without a value: every step when `N ≤ 16`, else first, middle and last.
 *
 * @param spec - The option's value, or `undefined`.
 * @param steps - The block's `N`.
 * @returns The step indices.
 * @throws {@link ValueError} for an unknown word or an index outside `0 … N − 1`.
 */
export function stepsAt(spec: string | undefined, steps: number): number[] {
  const all = Array.from({ length: steps }, (_, j) => j);
  if (spec === undefined) return steps <= 16 ? all : stepsAt('first,middle,last', steps);
  const out = new Set<number>();
  for (const raw of spec.split(',')) {
    const token = raw.trim();
    if (token === 'all') for (const j of all) out.add(j);
    else if (token === 'first') out.add(0);
    else if (token === 'middle') out.add(Math.floor(steps / 2));
    else if (token === 'last') out.add(steps - 1);
    else {
      const j = Number(token);
      if (token === '' || !Number.isInteger(j) || j < 0 || j >= steps) {
        throw new ValueError(
          `--steps-at: '${token}' is not a step of a block with ${steps} steps; give 'all', or a comma list of indices 0…${steps - 1} and 'first', 'middle', 'last'`,
        );
      }
      out.add(j);
    }
  }
  return [...out].sort((a, b) => a - b);
}

// W3 (docs: /guide/benchmarks#w3): right-hand-side evaluations and wall time per achieved accuracy, RK4
// against Dormand–Prince 5(4), on a smooth and a stiff-ish linear problem with known solution
// (a batch of states y' = A y, A = Q B Qᵀ with Q orthogonal and B block diagonal).
import { solve } from '@runge/integrators';
import { Rng, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';

/** Options of {@link runW3}. */
export interface W3Options {
  /** States integrated at once; default 1024. */
  readonly batch?: number;
  /** State dimension (even); default 64. */
  readonly dim?: number;
  /** Seed of the problem and the initial states; default 3. */
  readonly seed?: number;
  /** Timed solves per configuration (the median is reported); default 3. */
  readonly repeats?: number;
  /** Receives each record as soon as it is measured (e.g. to print it as a JSON line). */
  readonly emit?: (record: W3Record) => void;
}

/**
 * One W3 line: a single solve (`kind: 'solve'`; `rel_error` is absent when the solve blew up),
 * or (`kind: 'summary'`) the cheapest solve of each method reaching an accuracy target (a
 * method's fields are absent when none of its solves reached it).
 */
export type W3Record = Readonly<Record<string, string | number | boolean>>;

type Mat = number[][];

interface Problem {
  readonly name: 'smooth' | 'stiff';
  readonly horizon: number;
  /** `Aᵀ`, for the row convention `y' = y Aᵀ`. */
  readonly aT: Mat;
  /** `e^{T A}`, the exact propagator over the horizon. */
  readonly propagator: Mat;
  readonly description: string;
}

function transpose(a: Mat): Mat {
  return (a[0] as number[]).map((_, j) => a.map((row) => row[j] as number));
}

function matMul(a: Mat, b: Mat): Mat {
  const n = b.length;
  const m = (b[0] as number[]).length;
  return a.map((row) => {
    const out = new Array<number>(m).fill(0);
    for (let k = 0; k < n; k++) {
      const r = row[k] as number;
      if (r === 0) continue;
      const bk = b[k] as number[];
      for (let j = 0; j < m; j++) out[j] = (out[j] as number) + r * (bk[j] as number);
    }
    return out;
  });
}

/** A random orthogonal matrix: modified Gram–Schmidt on Gaussian columns (float64). */
function orthogonal(n: number, rng: Rng): Mat {
  const cols: number[][] = [];
  for (let j = 0; j < n; j++) {
    const v = Array.from({ length: n }, () => rng.nextNormal());
    for (const u of cols) {
      const d = v.reduce((s, x, i) => s + x * (u[i] as number), 0);
      for (let i = 0; i < n; i++) v[i] = (v[i] as number) - d * (u[i] as number);
    }
    const norm = Math.hypot(...v);
    cols.push(v.map((x) => x / norm));
  }
  return transpose(cols);
}

/**
 * `A = Q B Qᵀ` with `B` made of 2×2 blocks: rotations with slight damping, eigenvalues
 * `a ± iω` (`a ∈ [−0.3, 0]`, `ω ∈ [0.5, 2]`), and for the stiff-ish problem four blocks of fast
 * real decay (eigenvalues down to −200). `e^{TA} = Q e^{TB} Qᵀ` is exact block by block.
 */
function makeProblem(name: Problem['name'], dim: number, rng: Rng): Problem {
  const horizon = name === 'smooth' ? 5 : 2;
  const Q = orthogonal(dim, rng);
  const B: Mat = Array.from({ length: dim }, () => new Array<number>(dim).fill(0));
  const E: Mat = Array.from({ length: dim }, () => new Array<number>(dim).fill(0));
  const fast = [
    [-20, -10],
    [-50, -35],
    [-100, -80],
    [-200, -150],
  ];
  for (let k = 0; k < dim / 2; k++) {
    const i = 2 * k;
    const j = i + 1;
    const row = (r: number) => B[r] as number[];
    const erow = (r: number) => E[r] as number[];
    const stiffBlock = name === 'stiff' ? fast[k] : undefined;
    if (stiffBlock !== undefined) {
      const [l1, l2] = stiffBlock as [number, number];
      row(i)[i] = l1;
      row(j)[j] = l2;
      erow(i)[i] = Math.exp(l1 * horizon);
      erow(j)[j] = Math.exp(l2 * horizon);
    } else {
      const a = -0.3 * rng.nextFloat();
      const w = 0.5 + 1.5 * rng.nextFloat();
      row(i)[i] = a;
      row(i)[j] = -w;
      row(j)[i] = w;
      row(j)[j] = a;
      const g = Math.exp(a * horizon);
      erow(i)[i] = g * Math.cos(w * horizon);
      erow(i)[j] = -g * Math.sin(w * horizon);
      erow(j)[i] = g * Math.sin(w * horizon);
      erow(j)[j] = g * Math.cos(w * horizon);
    }
  }
  const Qt = transpose(Q);
  const A = matMul(matMul(Q, B), Qt);
  const propagator = matMul(matMul(Q, E), Qt);
  return {
    name,
    horizon,
    aT: transpose(A),
    propagator,
    description:
      name === 'smooth'
        ? `y' = A y, eigenvalues a ± iω (a in [-0.3, 0], ω in [0.5, 2]), T = ${horizon}`
        : `as smooth plus 8 fast real eigenvalues down to -200 (stiffness ratio 100), T = ${horizon}`,
  };
}

/** `‖Y − Y0 Eᵀ‖_F / ‖Y0 Eᵀ‖_F` in float64. */
function relativeError(
  y: Float32Array,
  y0: Float32Array,
  batch: number,
  dim: number,
  E: Mat,
): number {
  let num = 0;
  let den = 0;
  for (let b = 0; b < batch; b++) {
    const off = b * dim;
    for (let i = 0; i < dim; i++) {
      const Ei = E[i] as number[];
      let exact = 0;
      for (let k = 0; k < dim; k++) exact += (Ei[k] as number) * (y0[off + k] as number);
      const d = (y[off + i] as number) - exact;
      num += d * d;
      den += exact * exact;
    }
  }
  return Math.sqrt(num / den);
}

const round3 = (x: number): number => (Number.isFinite(x) ? Number(x.toPrecision(3)) : x);

/**
 * Runs W3 on the current backend (choose it first, e.g. with `initBackend`): for each problem,
 * RK4 at several step counts and Dormand–Prince at several tolerances on a batch of `batch`
 * states of dimension `dim`, recording right-hand-side evaluations, accepted/rejected steps,
 * median wall time of `repeats` solves (each including reading the result) and the relative error against the exact
 * solution `y(T) = e^{TA} y0` (float64). Then, for accuracy targets 1e-3, 1e-4 and 1e-5, a
 * summary line per problem with the cheapest solve of each method reaching it and the ratios
 * RK4/Dormand–Prince of evaluations and time. On the stiff-ish problem RK4 with too few steps
 * leaves its stability region (`stable: false`, error ≥ 1). About 15 s on wasm at the default
 * sizes; use a smaller `batch` on the cpu backend.
 *
 * Wire it into the bench runner as workload `W3` (`--only W3`): call `runW3({ emit })` with an
 * `emit` that adds the runner's common fields (`workload`, backend, threads) and prints the line.
 *
 * @param options - `batch`, `dim`, `seed`, `emit`.
 * @returns Every record, in the order emitted.
 * @example
 * ```ts
 * await initBackend({ backend: 'wasm' });
 * runW3({ emit: (r) => console.log(JSON.stringify({ workload: 'W3', ...r })) });
 * ```
 */
export function runW3(options: W3Options = {}): W3Record[] {
  const batch = options.batch ?? 1024;
  const dim = options.dim ?? 64;
  if (!Number.isInteger(batch) || batch < 1)
    throw new ValueError(`W3 batch: expected a positive integer, got ${batch}`);
  if (!Number.isInteger(dim) || dim < 2 || dim % 2 !== 0)
    throw new ValueError(`W3 dim: expected an even integer ≥ 2, got ${dim}`);
  const repeats = options.repeats ?? 3;
  if (!Number.isInteger(repeats) || repeats < 1)
    throw new ValueError(`W3 repeats: expected a positive integer, got ${repeats}`);
  const rng = Rng.fromSeed(options.seed ?? 3);
  const records: W3Record[] = [];
  const emit = (record: W3Record): void => {
    records.push(record);
    options.emit?.(record);
  };
  const y0 = rng.normal([batch, dim]);
  const y0Values = y0.dataSync() as Float32Array;
  try {
    for (const name of ['smooth', 'stiff'] as const) {
      const problem = makeProblem(name, dim, rng);
      const At = tf.tensor2d(problem.aT.flat(), [dim, dim]);
      const f = (_t: number, y: tf.Tensor, p: { At: tf.Tensor }): tf.Tensor => tf.matMul(y, p.At);
      const runs: { method: string; setting: string; options: object }[] = [
        // RK4 is stable on the stiff problem for h·200 ≤ 2.785, i.e. from 144 steps on.
        ...(name === 'smooth' ? [16, 32, 64, 128, 256] : [64, 128, 160, 256, 512]).map((steps) => ({
          method: 'rk4',
          setting: `steps=${steps}`,
          options: { method: 'rk4', steps },
        })),
        ...(name === 'smooth' ? [1e-3, 1e-4, 1e-5, 1e-6] : [1e-3, 1e-4, 1e-5]).map((rtol) => ({
          method: 'dopri5',
          setting: `rtol=${rtol}`,
          options: { method: 'dopri5', adaptive: { rtol, atol: rtol * 1e-2 } },
        })),
      ];
      const solveOnce = (opts: object) => {
        const times: number[] = [];
        let values: Float32Array = new Float32Array(0);
        let stats = { nfe: 0, steps: 0, rejected: 0 };
        for (let k = 0; k < repeats; k++) {
          const start = performance.now();
          const r = solve({ f, y0, params: { At }, t1: problem.horizon, ...opts });
          values = r.y.dataSync() as Float32Array;
          times.push(performance.now() - start);
          r.y.dispose();
          stats = r.stats;
        }
        const ms = times.sort((a, b) => a - b)[Math.floor(times.length / 2)] as number;
        return { values, ms, stats };
      };
      try {
        // Warm-up: kernel set-up and first-use costs stay out of the timings.
        solveOnce({ method: 'rk4', steps: 4 });
        solveOnce({ method: 'dopri5', adaptive: { rtol: 1e-2 } });
        const measured: {
          method: string;
          setting: string;
          nfe: number;
          ms: number;
          error: number;
        }[] = [];
        for (const run of runs) {
          const { values, ms, stats } = solveOnce(run.options);
          const error = relativeError(values, y0Values, batch, dim, problem.propagator);
          const stable = Number.isFinite(error) && error < 1;
          measured.push({
            method: run.method,
            setting: run.setting,
            nfe: stats.nfe,
            ms,
            error: stable ? error : Number.POSITIVE_INFINITY,
          });
          emit({
            kind: 'solve',
            problem: name,
            description: problem.description,
            batch,
            dim,
            method: run.method,
            setting: run.setting,
            nfe: stats.nfe,
            steps: stats.steps,
            rejected: stats.rejected,
            wall_ms: round3(ms),
            repeats,
            ms_per_nfe: round3(ms / stats.nfe),
            ...(Number.isFinite(error) ? { rel_error: round3(error) } : {}),
            stable,
          });
        }
        for (const target of [1e-3, 1e-4, 1e-5]) {
          const best = (method: string) =>
            measured
              .filter((m) => m.method === method && m.error <= target)
              .sort((a, b) => a.nfe - b.nfe)[0];
          const rk = best('rk4');
          const dp = best('dopri5');
          emit({
            kind: 'summary',
            problem: name,
            target_rel_error: target,
            ...(rk ? { rk4_setting: rk.setting, rk4_nfe: rk.nfe, rk4_wall_ms: round3(rk.ms) } : {}),
            ...(dp
              ? { dopri5_setting: dp.setting, dopri5_nfe: dp.nfe, dopri5_wall_ms: round3(dp.ms) }
              : {}),
            ...(rk && dp
              ? {
                  nfe_ratio_rk4_over_dopri5: round3(rk.nfe / dp.nfe),
                  time_ratio_rk4_over_dopri5: round3(rk.ms / dp.ms),
                }
              : {}),
          });
        }
      } finally {
        At.dispose();
      }
    }
  } finally {
    y0.dispose();
  }
  return records;
}

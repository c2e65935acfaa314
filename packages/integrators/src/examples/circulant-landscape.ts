import { assertNumber, Rng, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { solve } from '../solve.js';

/** An axis of the θ grid: `[min, max, points]`. */
export type GridAxis = readonly [number, number, number];

/** Options of {@link circulantLandscape}. */
export interface CirculantLandscapeOptions {
  /** Number of forward Euler steps on `[0, 10]` (step `10/N`). */
  readonly N: number;
  /** The grid of `θ = (θ1, θ2)` values. */
  readonly grid: { readonly theta1: GridAxis; readonly theta2: GridAxis };
  /** Seed of `Y_0 ~ N(0, 1)`; default 0. */
  readonly seed?: number;
  /** Columns of `Y_0` (a batch of 3-vectors); default 10. */
  readonly samples?: number;
  /** Steps of the reference solution `C`; default 200. */
  readonly targetSteps?: number;
  /** The θ of the reference solution; default `[1, 1]`. */
  readonly targetTheta?: readonly [number, number];
}

/** The objective on the θ grid. */
export interface CirculantLandscape {
  /** Grid values of θ1. */
  readonly theta1: number[];
  /** Grid values of θ2. */
  readonly theta2: number[];
  /** `values[i][j] = ½‖Y_N(θ1[i], θ2[j]) − C‖²_F`. */
  readonly values: number[][];
  /** The number of steps used. */
  readonly N: number;
  /** The step `h = 10/N`. */
  readonly h: number;
  /** The smallest value on the grid. */
  readonly minimum: number;
  /** Where it lies, `[θ1, θ2]`. */
  readonly argmin: readonly [number, number];
  /** How rough the landscape is: see {@link landscapeRoughness}. */
  readonly roughness: number;
}

/**
 * Roughness of a landscape sampled on a grid: the mean of `|Δ²f|` (second differences along both
 * axes) divided by the range `max f − min f`. A smooth bowl sampled finely gives a value near 0;
 * ridges, kinks and oscillation give larger values.
 *
 * @param values - `values[i][j]` on the grid.
 * @returns The roughness (0 for a constant landscape).
 * @example
 * ```ts
 * landscapeRoughness([[0, 1, 4], [1, 2, 5], [4, 5, 8]]); // a quadratic bowl: small
 * ```
 */
export function landscapeRoughness(values: readonly (readonly number[])[]): number {
  const flat = values.flat();
  const span = Math.max(...flat) - Math.min(...flat);
  if (!(span > 0)) return 0;
  let sum = 0;
  let count = 0;
  const rows = values.length;
  const cols = values[0]?.length ?? 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = values[i]?.[j] as number;
      if (i > 0 && i < rows - 1) {
        sum += Math.abs((values[i - 1]?.[j] as number) - 2 * v + (values[i + 1]?.[j] as number));
        count++;
      }
      if (j > 0 && j < cols - 1) {
        sum += Math.abs((values[i]?.[j - 1] as number) - 2 * v + (values[i]?.[j + 1] as number));
        count++;
      }
    }
  }
  return count > 0 ? sum / count / span : 0;
}

function axis(a: GridAxis, name: string): number[] {
  const [lo, hi, n] = a;
  assertNumber(lo, `${name}[0]`);
  assertNumber(hi, `${name}[1]`, { min: lo });
  assertNumber(n, `${name}[2]`, { integer: true, min: 1 });
  return Array.from({ length: n }, (_, i) => (n === 1 ? lo : lo + ((hi - lo) * i) / (n - 1)));
}

/**
 * `K(θ)` for a batch of θ: the 3×3 circulant `[[−θ1−θ2, θ1, θ2], [θ2, −θ1−θ2, θ1], [θ1, θ2, −θ1−θ2]]`
 * is `θ1 (P − I) + θ2 (P² − I)` with `P` the cyclic shift, shape `[G, 3, 3]`.
 */
function circulants(theta1: readonly number[], theta2: readonly number[]): tf.Tensor3D {
  return tf.tidy(() => {
    const shift = tf.tensor2d([
      [-1, 1, 0],
      [0, -1, 1],
      [1, 0, -1],
    ]);
    const shift2 = tf.tensor2d([
      [-1, 0, 1],
      [1, -1, 0],
      [0, 1, -1],
    ]);
    const a = tf.reshape(tf.tensor1d(theta1 as number[]), [-1, 1, 1]);
    const b = tf.reshape(tf.tensor1d(theta2 as number[]), [-1, 1, 1]);
    return tf.add(tf.mul(a, shift), tf.mul(b, shift2)) as tf.Tensor3D;
  });
}

/** The network `Y_{j+1} = Y_j + h tanh(K Y_j)` as dynamics for a batch of `K`: `[G, 3, 3]`, `Y`: `[G, 3, S]`. */
const dynamics = (_t: number, y: tf.Tensor, p: { K: tf.Tensor }): tf.Tensor =>
  tf.tanh(tf.matMul(p.K, y));

/**
 * The worked example of the stability maths (docs: /math/stability#circulant-example): the tanh network `Y_{j+1} = Y_j + (10/N) tanh(K(θ) Y_j)` (forward
 * Euler for `Y' = tanh(K(θ) Y)` on `[0, 10]`) with the 3×3 circulant `K(θ)`, `Y_0 ~ N(0, 1)` of
 * shape `[3, samples]` (seeded), and the objective `½‖Y_N(θ) − C‖²_F` with `C` the `targetSteps`
 * solution at `targetTheta`. The whole θ grid is evaluated as one batched computation
 * (`[G, 3, samples]` states, `G` grid points). `K(θ)` has eigenvalues `0` and
 * `−1.5(θ1 + θ2) ± i(√3/2)(θ1 − θ2)`: with few steps `h·λ` leaves forward Euler's stability disk
 * and the landscape becomes rough; with many it is the smooth landscape of the ODE.
 *
 * @param options - `N`, `grid`, `seed`, `samples`, `targetSteps`, `targetTheta`.
 * @returns The grid axes and the objective values.
 * @throws {@link @runge/tensor-ops!ValueError} for invalid sizes.
 * @example
 * ```ts
 * const rough = circulantLandscape({ N: 5, grid: { theta1: [-2, 4, 61], theta2: [-2, 4, 61] } });
 * const smooth = circulantLandscape({ N: 100, grid: { theta1: [-2, 4, 61], theta2: [-2, 4, 61] } });
 * ```
 */
export function circulantLandscape(options: CirculantLandscapeOptions): CirculantLandscape {
  const N = assertNumber(options.N, 'N', { integer: true, min: 1 });
  if (typeof options.grid !== 'object' || options.grid === null) {
    throw new ValueError('grid: expected { theta1: [min, max, n], theta2: [min, max, n] }');
  }
  const theta1 = axis(options.grid.theta1, 'grid.theta1');
  const theta2 = axis(options.grid.theta2, 'grid.theta2');
  const samples = assertNumber(options.samples ?? 10, 'samples', { integer: true, min: 1 });
  const targetSteps = assertNumber(options.targetSteps ?? 200, 'targetSteps', {
    integer: true,
    min: 1,
  });
  const [tt1, tt2] = options.targetTheta ?? [1, 1];
  const seed = assertNumber(options.seed ?? 0, 'seed', { integer: true });
  const g1: number[] = [];
  const g2: number[] = [];
  for (const a of theta1) {
    for (const b of theta2) {
      g1.push(a);
      g2.push(b);
    }
  }
  const objective = tf.tidy(() => {
    const y0 = Rng.fromSeed(seed).normal([1, 3, samples]);
    const Kc = circulants([tt1], [tt2]);
    const target = solve({
      f: dynamics,
      y0,
      params: { K: Kc },
      t1: 10,
      steps: targetSteps,
      method: 'euler',
    }).y;
    const K = circulants(g1, g2);
    const Y0 = tf.tile(y0, [g1.length, 1, 1]);
    const Y = solve({ f: dynamics, y0: Y0, params: { K }, t1: 10, steps: N, method: 'euler' }).y;
    return tf.mul(tf.sum(tf.square(tf.sub(Y, target)), [1, 2]), 0.5);
  });
  const flat = objective.dataSync();
  objective.dispose();
  const values = theta1.map((_, i) => theta2.map((__, j) => flat[i * theta2.length + j] as number));
  let at = 0;
  for (let k = 1; k < flat.length; k++) if ((flat[k] as number) < (flat[at] as number)) at = k;
  return {
    theta1,
    theta2,
    values,
    N,
    h: 10 / N,
    minimum: flat[at] as number,
    argmin: [
      theta1[Math.floor(at / theta2.length)] as number,
      theta2[at % theta2.length] as number,
    ],
    roughness: landscapeRoughness(values),
  };
}

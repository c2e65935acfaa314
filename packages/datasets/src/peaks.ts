import { assertNumber, type Rng } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { createDataset, type Dataset } from './dataset.js';

/** Side of the grid of cell centres on which the class thresholds are computed. */
const THRESHOLD_GRID = 500;
const thresholdCache = new Map<number, Float64Array>();

/**
 * MATLAB's `peaks` surface:
 * `p(x, y) = 3(1 − x)² e^{−x² − (y+1)²} − 10(x/5 − x³ − y⁵) e^{−x² − y²} − ⅓ e^{−(x+1)² − y²}`.
 * On `[−3, 3]²` it ranges from about −6.55 (near `(0.228, −1.626)`) to about 8.11 (near
 * `(−0.009, 1.581)`).
 *
 * @param x - First coordinate.
 * @param y - Second coordinate.
 * @returns `p(x, y)`.
 * @example
 * ```ts
 * peaksFunction(0, 0); // 8 / (3e) ≈ 0.981
 * ```
 */
export function peaksFunction(x: number, y: number): number {
  return (
    3 * (1 - x) ** 2 * Math.exp(-x * x - (y + 1) ** 2) -
    10 * (x / 5 - x ** 3 - y ** 5) * Math.exp(-x * x - y * y) -
    Math.exp(-((x + 1) ** 2) - y * y) / 3
  );
}

/**
 * The class thresholds `t_1 < … < t_{k−1}`: the `c/k`-quantiles of `p` over the `G × G` cell
 * centres `−3 + (i + ½)·6/G` of `[−3, 3]²` (`G = 500`), i.e. `t_c` = the sorted grid values at
 * index `⌊c·G²/k⌋`.
 */
function peaksThresholds(k: number): Float64Array {
  const cached = thresholdCache.get(k);
  if (cached) return cached;
  const g = THRESHOLD_GRID;
  const values = new Float64Array(g * g);
  for (let i = 0; i < g; i++) {
    const x = -3 + ((i + 0.5) * 6) / g;
    for (let j = 0; j < g; j++) values[i * g + j] = peaksFunction(x, -3 + ((j + 0.5) * 6) / g);
  }
  values.sort();
  const thresholds = Float64Array.from({ length: k - 1 }, (_, c) => {
    return values[Math.floor(((c + 1) * g * g) / k)] as number;
  });
  thresholdCache.set(k, thresholds);
  return thresholds;
}

/**
 * The class of a point of the peaks set: the number of thresholds `t_c ≤ p(x, y)`, so class 0
 * holds the lowest values and class `k − 1` the highest.
 *
 * @internal
 */
export function peaksClass(x: number, y: number, thresholds: Float64Array): number {
  const v = peaksFunction(x, y);
  let c = 0;
  while (c < thresholds.length && v >= (thresholds[c] as number)) c++;
  return c;
}

/**
 * The peaks classification set (Meganet's classic 2-D example): points drawn uniformly from
 * `[−3, 3]²` and labelled by the level sets of {@link peaksFunction}.
 *
 * Exact rule: with `k` classes, the thresholds `t_1 < … < t_{k−1}` are the `c/k`-quantiles of `p`
 * on the 500 × 500 grid of cell centres of `[−3, 3]²` (`t_c` = the sorted grid values at index
 * `⌊c · 500² / k⌋`), and a point's label is the number of thresholds `t_c ≤ p(x, y)`. Each class
 * therefore covers `1/k` of the square's area (up to the grid's resolution), so classes are
 * balanced in expectation, and the labelling is a fixed function of the point, the same for
 * every sample and seed.
 *
 * @param options - `n` points (integer ≥ 1), `numClasses` `k` (integer ≥ 2, default 5), `rng`.
 * @returns `x: [n, 2]` float32 points, `y: [n]` int32 labels in `0 … k−1`; a new dataset owned by
 *   the caller (dispose with {@link disposeDataset}).
 * @throws {@link @runge/tensor-ops!ValueError} when `n` or `numClasses` is out of range.
 * @example
 * ```ts
 * const train = peaks({ n: 5000, numClasses: 5, rng: Rng.fromSeed(1) });
 * ```
 */
export function peaks(options: { n: number; numClasses?: number; rng: Rng }): Dataset {
  const n = assertNumber(options.n, 'n', { min: 1, integer: true });
  const k = assertNumber(options.numClasses ?? 5, 'numClasses', {
    min: 2,
    max: 1000,
    integer: true,
  });
  const thresholds = peaksThresholds(k);
  const points = new Float32Array(2 * n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const x = -3 + 6 * options.rng.nextFloat();
    const y = -3 + 6 * options.rng.nextFloat();
    points[2 * i] = x;
    points[2 * i + 1] = y;
    labels[i] = peaksClass(x, y, thresholds);
  }
  return createDataset({
    x: tf.tensor2d(points, [n, 2], 'float32'),
    y: tf.tensor1d(labels, 'int32'),
    numClasses: k,
    name: 'peaks',
  });
}

/**
 * The peaks regression set: points drawn uniformly from `[−3, 3]²` with the value of
 * {@link peaksFunction} as the target, `y = p(x₁, x₂)` (from about −6.55 to 8.11). The same points
 * as {@link peaks} draws for the same generator, so the two sets are the classification and the
 * regression view of one sample.
 *
 * @param options - `n` points (integer ≥ 1), `rng`.
 * @returns `x: [n, 2]` points and `y: [n, 1]` values, float32; a new dataset owned by the caller.
 * @throws {@link @runge/tensor-ops!ValueError} when `n` is not a positive integer.
 * @example
 * ```ts
 * const surface = peaksRegression({ n: 2000, rng: Rng.fromSeed(1) });
 * surface.y.shape; // [2000, 1]
 * ```
 */
export function peaksRegression(options: { n: number; rng: Rng }): Dataset {
  const n = assertNumber(options.n, 'n', { min: 1, integer: true });
  const points = new Float32Array(2 * n);
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const x = -3 + 6 * options.rng.nextFloat();
    const y = -3 + 6 * options.rng.nextFloat();
    points[2 * i] = x;
    points[2 * i + 1] = y;
    values[i] = peaksFunction(x, y);
  }
  return createDataset({
    x: tf.tensor2d(points, [n, 2], 'float32'),
    y: tf.tensor2d(values, [n, 1], 'float32'),
    name: 'peaks-surface',
  });
}

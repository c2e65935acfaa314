import { assertNumber, assertTensor, formatShape, ShapeError, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';

/** Options of {@link convergenceStudy}. */
export interface ConvergenceStudyOptions {
  /**
   * The model's outputs on fixed inputs when run with `steps` steps (controls interpolated to that
   * many steps). The study disposes the returned tensor.
   */
  readonly evaluate: (steps: number) => tf.Tensor;
  /** The coarsest number of steps `N`. */
  readonly steps: number;
  /** How many resolutions `N, 2N, 4N, …` (at least 3); default 3. */
  readonly levels?: number;
  /** Optional accuracy of an output (e.g. against labels), reported per resolution. */
  readonly accuracy?: (output: tf.Tensor) => number;
}

/** What {@link convergenceStudy} measured. */
export interface ConvergenceStudyResult {
  /** `N, 2N, 4N, …`. */
  readonly steps: number[];
  /** `‖y_{N_i} − y_{N_{i+1}}‖_F` for consecutive resolutions. */
  readonly differences: number[];
  /** `differences[i] / ‖y_{N_{i+1}}‖_F`. */
  readonly relativeDifferences: number[];
  /** `log2(differences[i] / differences[i+1])`: the observed order between resolutions. */
  readonly orders: number[];
  /** The observed order at the finest resolutions (the last entry of `orders`). */
  readonly order: number;
  /** `accuracy(y_{N_i})` when an accuracy function is given. */
  readonly accuracies?: number[];
  /** `accuracy(finest) − accuracy(coarsest)`. */
  readonly accuracyChange?: number;
}

/**
 * Does a trained network converge to an ODE? Evaluates the model at `N, 2N, 4N, …` steps and
 * reports the observed order `log2(‖y_N − y_2N‖ / ‖y_2N − y_4N‖)`: a network whose weights are a
 * discretisation of smooth controls behaves like the underlying integrator (≈ 1 for a ResNet /
 * forward Euler, ≈ 4 for RK4), while one that does not converge shows no order (differences that
 * do not shrink). With an accuracy function it also reports how the accuracy changes as the step
 * is refined.
 *
 * @param options - `evaluate`, `steps`, `levels`, `accuracy`.
 * @returns The resolutions, differences, observed orders and accuracies.
 * @throws {@link @runge/tensor-ops!ValueError} for fewer than 3 levels or a non-positive `steps`.
 * @throws {@link @runge/tensor-ops!ShapeError} when the outputs at two resolutions differ in shape.
 * @example
 * ```ts
 * const study = convergenceStudy({
 *   evaluate: (n) => tf.tidy(() => solve({ f, y0: X, controls, steps: n, method: 'euler' }).y),
 *   steps: 8,
 * });
 * study.order; // ≈ 1 for forward Euler
 * ```
 */
export function convergenceStudy(options: ConvergenceStudyOptions): ConvergenceStudyResult {
  const N = assertNumber(options.steps, 'steps', { integer: true, min: 1 });
  const levels = assertNumber(options.levels ?? 3, 'levels', { integer: true, min: 3 });
  if (typeof options.evaluate !== 'function')
    throw new ValueError('evaluate: expected a function (steps) => tf.Tensor');
  const steps = Array.from({ length: levels }, (_, i) => N * 2 ** i);
  const differences: number[] = [];
  const relativeDifferences: number[] = [];
  const accuracies: number[] = [];
  let prev: tf.Tensor | undefined;
  try {
    for (const n of steps) {
      const out = options.evaluate(n);
      assertTensor(out, `evaluate(${n})`);
      if (options.accuracy) accuracies.push(options.accuracy(out));
      if (prev !== undefined) {
        const before = prev;
        if (before.rank !== out.rank || before.shape.some((d, i) => d !== out.shape[i])) {
          out.dispose();
          throw new ShapeError(
            `evaluate: outputs at different step counts must have the same shape, got ${formatShape(before.shape)} and ${formatShape(out.shape)}`,
          );
        }
        const pair = tf.tidy(() => tf.stack([tf.norm(tf.sub(before, out)), tf.norm(out)]));
        const [d = 0, norm = 0] = Array.from(pair.dataSync());
        pair.dispose();
        differences.push(d);
        relativeDifferences.push(norm > 0 ? d / norm : d);
        before.dispose();
      }
      prev = out;
    }
  } finally {
    prev?.dispose();
  }
  const orders = differences.slice(1).map((d, i) => Math.log2((differences[i] as number) / d));
  return {
    steps,
    differences,
    relativeDifferences,
    orders,
    order: orders[orders.length - 1] as number,
    ...(options.accuracy
      ? {
          accuracies,
          accuracyChange: (accuracies[accuracies.length - 1] as number) - (accuracies[0] as number),
        }
      : {}),
  };
}

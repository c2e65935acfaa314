// Supervised regression for fit: the problem (mean squared error) and the evaluation of a trained regressor (RMSE, R²).
import { type ApplyFn, applyForward } from '@runge/architectures';
import { mse } from '@runge/losses';
import { assertNumber, Rng, type TensorTree } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import type { DataSource, TrainingProblem } from './problem.js';
import { type SupervisedOptions, supervised } from './supervised.js';
import type { Batch } from './tensor-source.js';

/** Options of {@link regression}. */
export type RegressionOptions<P extends TensorTree> = SupervisedOptions<P>;

/** Result of {@link evaluateRegressor}. */
export interface RegressorEvaluation {
  /** Mean squared error over every target entry. */
  readonly loss: number;
  /** Root mean squared error, `√loss`, in the targets' unit. */
  readonly rmse: number;
  /** Coefficient of determination `R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)²` (1: perfect; 0: the mean's error). */
  readonly r2: number;
  /** Number of examples evaluated. */
  readonly examples: number;
}

/**
 * Evaluates a regressor on a whole data source in order, in batches, without gradients: the mean
 * squared error over every target entry, its root, and `R² = 1 − SSE/SST` with `SST` the sum of
 * squares about the targets' mean (per output column).
 *
 * @param apply - The forward pass (called with `training: false`).
 * @param params - Parameters.
 * @param state - Non-trainable state.
 * @param data - The examples (targets `[n, k]`).
 * @param options - `batchSize` (default 256).
 * @returns MSE, RMSE, R² and the number of examples.
 * @example
 * ```ts
 * const { rmse, r2 } = evaluateRegressor(model.apply, params, state, tensorSource(test));
 * ```
 */
export function evaluateRegressor<P extends TensorTree>(
  apply: ApplyFn<P>,
  params: P,
  state: TensorTree,
  data: DataSource<Batch>,
  options: { batchSize?: number } = {},
): RegressorEvaluation {
  const batchSize = assertNumber(options.batchSize ?? 256, 'batchSize', { min: 1, integer: true });
  const rng = Rng.fromSeed(0);
  let sse = 0;
  let entries = 0;
  const sum: number[] = [];
  const sumSq: number[] = [];
  let count = 0;
  for (let start = 0; start < data.size; start += batchSize) {
    const indices = new Int32Array(Math.min(batchSize, data.size - start)).map((_, i) => start + i);
    const batch = data.take(indices);
    try {
      const [err, targets] = tf.tidy(() => {
        const { y } = applyForward(apply, params, batch.x, { training: false, rng, state });
        return [tf.sum(tf.square(tf.sub(y, batch.y))), tf.reshape(batch.y, [indices.length, -1])];
      });
      sse += (err as tf.Tensor).dataSync()[0] as number;
      const t = (targets as tf.Tensor).dataSync();
      const k = (targets as tf.Tensor).shape[1] as number;
      for (let i = 0; i < t.length; i++) {
        const v = t[i] as number;
        sum[i % k] = (sum[i % k] ?? 0) + v;
        sumSq[i % k] = (sumSq[i % k] ?? 0) + v * v;
      }
      entries += t.length;
      count += indices.length;
      tf.dispose([err as tf.Tensor, targets as tf.Tensor]);
    } finally {
      data.disposeBatch(batch);
    }
  }
  const sst = sum.reduce((acc, s, j) => acc + ((sumSq[j] as number) - (s * s) / count), 0);
  const loss = sse / Math.max(entries, 1);
  return { loss, rmse: Math.sqrt(loss), r2: 1 - sse / sst, examples: data.size };
}

/**
 * A supervised regression problem for {@link fit}: one player (`'model'`) minimising the mean
 * squared error `(1/nk) Σ (ŷ − y)²` of `apply(params, x)` against the targets, with the RMSE
 * reported each step and validation loss, RMSE and R² each epoch.
 *
 * @param options - The forward pass, initial parameters, optimiser and regularisation.
 * @returns The training problem (parameters under the key `model`).
 * @example
 * ```ts
 * const problem = regression({ apply: model.apply, params, optimizer: adam(), learningRate: 1e-2 });
 * ```
 */
export function regression<P extends TensorTree>(
  options: RegressionOptions<P>,
): TrainingProblem<Batch> {
  return supervised(options, {
    learningRate: 0.01,
    outputLoss: 'squared-error',
    loss: (y, batch) => {
      const loss = mse(y, batch.y);
      return { loss, metrics: { rmse: tf.sqrt(loss) as tf.Scalar } };
    },
    evaluate: (params, state, data, batchSize) => {
      const { loss, rmse, r2 } = evaluateRegressor(options.apply, params, state, data, {
        batchSize,
      });
      return { loss, rmse, r2 };
    },
  });
}

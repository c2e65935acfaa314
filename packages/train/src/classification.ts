// Supervised classification for fit: the problem (softmax cross-entropy, accuracy) and the evaluation of a trained classifier.
import { type ApplyFn, applyForward } from '@runge/architectures';
import { softmaxCrossEntropy } from '@runge/losses';
import { assertNumber, Rng, type TensorTree } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import type { DataSource, TrainingProblem } from './problem.js';
import { type SupervisedOptions, supervised } from './supervised.js';
import type { Batch } from './tensor-source.js';

/** Options of {@link classification}. */
export interface ClassificationOptions<P extends TensorTree> extends SupervisedOptions<P> {
  /** Loss of logits and labels; default mean softmax cross-entropy. */
  readonly loss?: (logits: tf.Tensor, labels: tf.Tensor) => tf.Scalar;
}

/** Class indices of labels given as integers `[b]` or one-hot/probabilities `[b, k]`. */
function labelIndices(labels: tf.Tensor): tf.Tensor {
  return labels.rank === 2 ? tf.argMax(labels, -1) : tf.cast(labels, 'int32');
}

/** Fraction of examples whose arg-max logit is the label, as a scalar tensor (no device read). */
function accuracy(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.tidy(
    () =>
      tf.mean(
        tf.cast(tf.equal(tf.argMax(logits, -1), labelIndices(labels)), 'float32'),
      ) as tf.Scalar,
  );
}

/** Result of {@link evaluateClassifier}. */
export interface ClassifierEvaluation {
  /** Mean loss over the data. */
  readonly loss: number;
  /** Fraction classified correctly. */
  readonly accuracy: number;
  /** `confusion[true][predicted]` counts. */
  readonly confusion: number[][];
  /** Number of examples evaluated. */
  readonly examples: number;
}

/**
 * Evaluates a classifier on a whole data source in order, in batches, without gradients:
 * mean loss, accuracy and the confusion matrix (`confusion[c][ĉ]` = examples of class `c`
 * predicted as `ĉ`).
 *
 * @param apply - The forward pass (called with `training: false`).
 * @param params - Parameters.
 * @param state - Non-trainable state.
 * @param data - The examples.
 * @param options - `batchSize` (default 256), `loss` (default softmax cross-entropy), `seed`.
 * @returns Loss, accuracy, confusion matrix.
 * @example
 * ```ts
 * const { accuracy } = evaluateClassifier(apply, params, {}, tensorSource(test));
 * ```
 */
export function evaluateClassifier<P extends TensorTree>(
  apply: ApplyFn<P>,
  params: P,
  state: TensorTree,
  data: DataSource<Batch>,
  options: {
    batchSize?: number;
    loss?: (logits: tf.Tensor, labels: tf.Tensor) => tf.Scalar;
    seed?: number;
  } = {},
): ClassifierEvaluation {
  const batchSize = assertNumber(options.batchSize ?? 256, 'batchSize', { min: 1, integer: true });
  const lossFn = options.loss ?? softmaxCrossEntropy;
  const rng = Rng.fromSeed(options.seed ?? 0);
  let lossSum = 0;
  let correct = 0;
  let confusion: number[][] = [];
  for (let start = 0; start < data.size; start += batchSize) {
    const indices = new Int32Array(Math.min(batchSize, data.size - start)).map((_, i) => start + i);
    const batch = data.take(indices);
    try {
      let numClasses = 0;
      const [summary, predicted, truth] = tf.tidy(() => {
        const { y } = applyForward(apply, params, batch.x, { training: false, rng, state });
        numClasses = y.shape[y.rank - 1] ?? 0;
        const loss = lossFn(y, batch.y);
        return [
          tf.stack([tf.mul(loss, indices.length), tf.mul(accuracy(y, batch.y), indices.length)]),
          tf.argMax(y, -1),
          labelIndices(batch.y),
        ];
      });
      const [l, c] = summary.dataSync();
      const p = predicted.dataSync();
      const t = truth.dataSync();
      if (numClasses > confusion.length) {
        confusion = Array.from({ length: numClasses }, (_, i) =>
          Array.from({ length: numClasses }, (_, j) => confusion[i]?.[j] ?? 0),
        );
      }
      for (let i = 0; i < p.length; i++) {
        const row = confusion[t[i] as number];
        if (row) row[p[i] as number] = (row[p[i] as number] ?? 0) + 1;
      }
      lossSum += l as number;
      correct += c as number;
      tf.dispose([summary, predicted, truth]);
    } finally {
      data.disposeBatch(batch);
    }
  }
  const n = Math.max(data.size, 1);
  return { loss: lossSum / n, accuracy: correct / n, confusion, examples: data.size };
}

/**
 * A supervised classification problem for {@link fit}: one player (`'model'`) minimising the
 * mean loss (softmax cross-entropy by default) of `apply(params, x)` against the labels, with
 * accuracy reported each step and validation loss/accuracy each epoch.
 *
 * @param options - The forward pass, initial parameters, optimiser and regularisation.
 * @returns The training problem (parameters under the key `model`).
 * @example
 * ```ts
 * const problem = classification({
 *   apply: (p, x) => tf.add(tf.matMul(x, p.W), p.b),
 *   params: { W: rng.normal([2, 3], { std: 0.1 }), b: tf.zeros([3]) },
 *   optimizer: adam(), learningRate: 1e-2,
 * });
 * ```
 */
export function classification<P extends TensorTree>(
  options: ClassificationOptions<P>,
): TrainingProblem<Batch> {
  // Labels are checked once when the data is loaded; reading them back every step would stall the device.
  const lossFn =
    options.loss ??
    ((logits: tf.Tensor, labels: tf.Tensor) =>
      softmaxCrossEntropy(logits, labels, { checkLabels: false }));
  return supervised(options, {
    learningRate: 0.05,
    ...(options.loss === undefined ? { outputLoss: 'softmax-cross-entropy' as const } : {}),
    loss: (y, batch) => ({
      loss: lossFn(y, batch.y),
      metrics: { accuracy: accuracy(y, batch.y) },
    }),
    evaluate: (params, state, data, batchSize) => {
      const { loss, accuracy: acc } = evaluateClassifier(options.apply, params, state, data, {
        batchSize,
        loss: lossFn,
      });
      return { loss, accuracy: acc };
    },
  });
}

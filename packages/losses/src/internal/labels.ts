import { assertDtype, assertTensor, formatShape, ShapeError, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { assertFloat } from './checks.js';

/** How a labels tensor encodes the classes. */
export type LabelKind = 'index' | 'distribution';

/** Row sums of distribution labels may deviate from 1 by this much (float32 rounding). */
const ROW_SUM_TOLERANCE = 1e-3;

/**
 * Validates `logits` `[batch, classes]` and `labels` (`[batch]` class indices or
 * `[batch, classes]` distributions) and says which kind the labels are. With `checkValues`,
 * reads the labels to check their values (indices integral and in range; distributions in
 * [0, 1] with rows summing to 1).
 */
export function checkClassification(
  logits: unknown,
  labels: unknown,
  checkValues: boolean,
): LabelKind {
  assertFloat(logits, 'logits');
  if (logits.rank !== 2 || logits.shape[1] === 0) {
    throw new ShapeError(
      `logits: expected shape [batch, classes] with classes >= 1, got ${formatShape(logits.shape)}`,
    );
  }
  const [batch, classes] = logits.shape as [number, number];
  assertTensor(labels, 'labels');
  assertDtype(labels, ['int32', 'float32'], 'labels');
  const isIndex = labels.rank === 1 && labels.shape[0] === batch;
  const isDistribution =
    labels.rank === 2 && labels.shape[0] === batch && labels.shape[1] === classes;
  if (!isIndex && !isDistribution) {
    throw new ShapeError(
      `labels: expected shape [${batch}] (class indices) or [${batch}, ${classes}] (one-hot or probabilities) to match logits ${formatShape(logits.shape)}, got ${formatShape(labels.shape)}`,
    );
  }
  if (isIndex) {
    if (checkValues) {
      const values = labels.dataSync();
      for (let i = 0; i < values.length; i++) {
        const v = values[i] as number;
        if (!Number.isInteger(v) || v < 0 || v >= classes) {
          throw new ValueError(
            `labels: entry ${i} is ${v}; class indices must be integers in [0, ${classes - 1}] for logits with ${classes} classes`,
          );
        }
      }
    }
    return 'index';
  }
  if (checkValues && batch > 0) {
    const stats = tf.tidy(() => {
      const y = tf.cast(labels, 'float32');
      const deviation = tf.max(tf.abs(tf.sub(tf.sum(y, 1), 1)));
      return tf.stack([tf.min(y), tf.max(y), deviation]);
    });
    const [min, max, deviation] = Array.from(stats.dataSync());
    stats.dispose();
    if (!((min as number) >= 0 && (max as number) <= 1)) {
      throw new ValueError(
        `labels: one-hot or probability labels must lie in [0, 1], got values in [${min}, ${max}]`,
      );
    }
    if (!((deviation as number) <= ROW_SUM_TOLERANCE)) {
      throw new ValueError(
        `labels: each row of probability labels must sum to 1, a row is off by ${deviation}; normalise the rows or pass class indices of shape [${batch}]`,
      );
    }
  }
  return 'distribution';
}

/** The labels as a float32 `[batch, classes]` distribution (one-hot for indices). */
export function toDistribution(labels: tf.Tensor, kind: LabelKind, classes: number): tf.Tensor2D {
  return tf.tidy(() =>
    kind === 'index'
      ? tf.cast(tf.oneHot(tf.cast(labels, 'int32') as tf.Tensor1D, classes), 'float32')
      : tf.cast(labels, 'float32'),
  ) as tf.Tensor2D;
}

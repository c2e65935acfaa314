import {
  assertDtype,
  assertNumber,
  assertTensor,
  DataError,
  formatShape,
  ShapeError,
} from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';

/**
 * An in-memory dataset: `size` examples, inputs `x` and targets `y` stacked along the first axis.
 *
 * - Images: `x` is `[n, H, W, C]` float32 (NHWC), values in `[0, 1]` as loaded.
 * - Points / features: `x` is `[n, d]` float32.
 * - Classification: `y` is `[n]` int32 with labels in `0 … numClasses − 1`, and `numClasses` is set.
 * - Regression: `y` is `[n, k]` float32 and `numClasses` is absent.
 *
 * Every function of this package that returns a `Dataset` returns new tensors owned by the
 * caller, independent of the tensors of any input dataset (derived sets share data buffers
 * copy-on-write, which TF.js reference-counts, so disposing one never invalidates another).
 * Release a dataset with {@link disposeDataset}. A dataset is a plain object, so it can be
 * handed to anything that takes `{ x, y }` (e.g. a training loop's tensor source).
 *
 * @example
 * ```ts
 * const train = await loadEmbeddedMnist({ split: 'train' });
 * console.log(train.size, train.x.shape, train.numClasses); // 7996 [7996, 28, 28, 1] 10
 * disposeDataset(train);
 * ```
 */
export interface Dataset {
  /** Inputs, `[n, ...]`: images `[n, H, W, C]` or features `[n, d]`, float32. */
  readonly x: tf.Tensor;
  /** Targets, `[n]` int32 class labels or `[n, k]` float32 values. */
  readonly y: tf.Tensor;
  /** Number of examples `n` (the first dimension of `x` and `y`). */
  readonly size: number;
  /** Number of classes when `y` holds class labels; absent for regression targets. */
  readonly numClasses?: number;
  /** A short name for logs, e.g. `'mnist-embedded/train'`. */
  readonly name: string;
}

/**
 * Makes a {@link Dataset} from tensors, checking that they fit together. The dataset takes
 * ownership of `x` and `y`: dispose it with {@link disposeDataset}, not the tensors separately.
 *
 * @param parts - `x: [n, ...]`, `y: [n]` or `[n, ...]`, a `name`, and `numClasses` for labels
 *   (then `y` must be int32 of rank 1).
 * @returns The dataset.
 * @throws {@link @runge/tensor-ops!ShapeError} when the first dimensions of `x` and `y` differ or labels are not `[n]`.
 * @throws {@link @runge/tensor-ops!DTypeError} when labels are not int32.
 * @throws {@link @runge/tensor-ops!ValueError} when `numClasses` is not an integer ≥ 1.
 * @throws {@link @runge/tensor-ops!DataError} naming the first example with a label outside
 *   `0 … numClasses − 1`, or a NaN or infinite input or target.
 * @example
 * ```ts
 * const ds = createDataset({
 *   x: tf.tensor2d([[0, 0], [1, 1]]),
 *   y: tf.tensor1d([0, 1], 'int32'),
 *   numClasses: 2,
 *   name: 'toy',
 * });
 * ```
 */
export function createDataset(parts: {
  x: tf.Tensor;
  y: tf.Tensor;
  name: string;
  numClasses?: number;
}): Dataset {
  const { x, y, name, numClasses } = parts;
  assertTensor(x, 'x');
  assertTensor(y, 'y');
  if (x.rank < 1 || y.rank < 1 || x.shape[0] !== y.shape[0]) {
    throw new ShapeError(
      `${name}: x and y must have the same first dimension (the number of examples), got x ${formatShape(x.shape)} and y ${formatShape(y.shape)}`,
    );
  }
  if (x.dtype === 'float32') assertFinite(x, `${name}: input`);
  if (numClasses === undefined) {
    if (y.dtype === 'float32') assertFinite(y, `${name}: target`);
    return { x, y, size: x.shape[0] as number, name };
  }
  assertNumber(numClasses, 'numClasses', { min: 1, integer: true });
  if (y.rank !== 1) {
    throw new ShapeError(
      `${name}: class labels must have shape [n], got ${formatShape(y.shape)}; drop numClasses for regression targets`,
    );
  }
  assertDtype(y, 'int32', `${name}: labels`);
  assertLabels(y, numClasses, name);
  return { x, y, size: x.shape[0] as number, numClasses, name };
}

/** Refuses NaN or infinite entries, naming the first example that has one. */
function assertFinite(t: tf.Tensor, what: string): void {
  const bad = tf.tidy(() => tf.any(tf.logicalNot(tf.isFinite(t))));
  const anyBad = bad.dataSync()[0] === 1;
  bad.dispose();
  if (!anyBad) return;
  const values = t.dataSync();
  const per = t.size / (t.shape[0] as number);
  const at = values.findIndex((v) => !Number.isFinite(v));
  throw new DataError(
    `${what} of example ${Math.floor(at / per)} is ${values[at]}; every value must be finite (clean or drop that example)`,
  );
}

/** Refuses labels outside `0 … numClasses − 1`, naming the first example that has one. */
function assertLabels(y: tf.Tensor, numClasses: number, name: string): void {
  const range = tf.tidy(() => tf.stack([tf.min(y), tf.max(y)]));
  const [lo, hi] = Array.from(range.dataSync());
  range.dispose();
  if (y.size === 0 || ((lo as number) >= 0 && (hi as number) < numClasses)) return;
  const labels = y.dataSync();
  const at = labels.findIndex((v) => v < 0 || v >= numClasses);
  throw new DataError(
    `${name}: label ${labels[at]} of example ${at} is out of range; with ${numClasses} classes labels must lie in 0 … ${numClasses - 1}`,
  );
}

/**
 * Disposes the tensors of a dataset (`x` and `y`). Calling it twice is harmless.
 *
 * @param dataset - The dataset to release.
 * @example
 * ```ts
 * const ds = spirals({ n: 200, rng: Rng.fromSeed(0) });
 * disposeDataset(ds);
 * ```
 */
export function disposeDataset(dataset: Dataset): void {
  tf.dispose([dataset.x, dataset.y]);
}

/**
 * Validates that `dataset` looks like a {@link Dataset} whose tensors are alive.
 *
 * @internal
 */
export function assertDataset(dataset: Dataset, name = 'dataset'): void {
  if (typeof dataset !== 'object' || dataset === null) {
    throw new ShapeError(
      `${name}: expected a dataset { x, y, size, name }, got ${String(dataset)}`,
    );
  }
  assertTensor(dataset.x, `${name}.x`);
  assertTensor(dataset.y, `${name}.y`);
  if (dataset.x.shape[0] !== dataset.size || dataset.y.shape[0] !== dataset.size) {
    throw new ShapeError(
      `${name}: size ${dataset.size} does not match x ${formatShape(dataset.x.shape)} and y ${formatShape(dataset.y.shape)}`,
    );
  }
}

/**
 * A dataset with the same `numClasses` as `like` (if any) and new tensors.
 *
 * @internal
 */
export function withTensors(like: Dataset, x: tf.Tensor, y: tf.Tensor, name: string): Dataset {
  const size = x.shape[0] as number;
  return like.numClasses === undefined
    ? { x, y, size, name }
    : { x, y, size, numClasses: like.numClasses, name };
}

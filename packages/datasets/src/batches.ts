import { assertNumber, type Rng, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { assertDataset, type Dataset } from './dataset.js';

/** One mini-batch yielded by {@link batches}. */
export interface Batch {
  /** Inputs of the batch, `[b, ...]` (the rows of the dataset's `x`). */
  readonly x: tf.Tensor;
  /** Targets of the batch, `[b]` or `[b, ...]` (the rows of the dataset's `y`). */
  readonly y: tf.Tensor;
  /** Number of examples `b` in this batch (the last one may be smaller unless `dropLast`). */
  readonly size: number;
  /** 0-based position of the batch in the epoch. */
  readonly index: number;
}

/** Options of {@link batches} and {@link numBatches}. */
export interface BatchOptions {
  /** Examples per batch, an integer ≥ 1. */
  batchSize: number;
  /** Visit the examples in a random order drawn from `rng` (default `false`: dataset order). */
  shuffle?: boolean;
  /** Generator for the order; required when `shuffle` is true. */
  rng?: Rng;
  /** Skip the last batch when it has fewer than `batchSize` examples (default `false`). */
  dropLast?: boolean;
}

/**
 * Number of batches in one epoch: `⌈n / batchSize⌉`, or `⌊n / batchSize⌋` with `dropLast`.
 *
 * @param dataset - The dataset (only its `size` is read), or the number of examples.
 * @param options - `batchSize` and `dropLast` as for {@link batches}.
 * @returns The number of batches {@link batches} yields.
 * @throws {@link @runge/tensor-ops!ValueError} when `batchSize` is not an integer ≥ 1.
 * @example
 * ```ts
 * numBatches(7996, { batchSize: 64 }); // 125
 * ```
 */
export function numBatches(
  dataset: Dataset | number,
  options: Pick<BatchOptions, 'batchSize' | 'dropLast'>,
): number {
  const n = typeof dataset === 'number' ? dataset : dataset.size;
  const batchSize = assertNumber(options.batchSize, 'batchSize', { min: 1, integer: true });
  return options.dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
}

/**
 * Iterates one epoch of `dataset` in mini-batches. With `shuffle`, the order is
 * `rng.permutation(size)`, drawn when `batches` is called (so the generator's state advances at
 * that moment, not lazily); otherwise the examples come in dataset order.
 *
 * **Ownership**: the iterator owns each batch. A batch's tensors are valid until the consumer
 * asks for the next batch or leaves the loop (`break`, `return`, a thrown error: the generator's
 * `return()` runs and disposes the current batch). So a `for … of` loop, synchronous or with
 * `await` inside, leaks nothing. To keep a batch beyond that, `tf.clone` its tensors. Calling
 * `next()` by hand and then abandoning the iterator without `return()` leaves one batch alive.
 * The batch tensors are kept (`tf.keep`), so a `tf.tidy` around the loop body does not free them
 * early.
 *
 * @param dataset - The dataset; it must stay alive while iterating.
 * @param options - `batchSize`, `shuffle`, `rng`, `dropLast` ({@link BatchOptions}).
 * @returns A generator of {@link Batch}es, `numBatches(dataset, options)` of them.
 * @throws {@link @runge/tensor-ops!ValueError} when `batchSize` is invalid or `shuffle` is set without `rng`
 *   (checked when `batches` is called, before the first batch).
 * @example
 * ```ts
 * const rng = Rng.fromSeed(0);
 * for (let epoch = 0; epoch < 3; epoch++) {
 *   for (const { x, y } of batches(train, { batchSize: 64, shuffle: true, rng })) {
 *     const loss = step(x, y); // x: [64, 28, 28, 1], y: [64]
 *     loss.dispose();
 *   }
 * }
 * ```
 */
export function batches(
  dataset: Dataset,
  options: BatchOptions,
): Generator<Batch, void, undefined> {
  assertDataset(dataset);
  const batchSize = assertNumber(options.batchSize, 'batchSize', { min: 1, integer: true });
  const count = numBatches(dataset, options);
  let order: Int32Array | null = null;
  if (options.shuffle) {
    if (options.rng === undefined) {
      throw new ValueError(
        'batches: shuffle is true but no rng was given; pass { shuffle: true, rng: Rng.fromSeed(seed) }',
      );
    }
    order = options.rng.permutation(dataset.size);
  }
  return iterate(dataset, batchSize, count, order);
}

function* iterate(
  dataset: Dataset,
  batchSize: number,
  count: number,
  order: Int32Array | null,
): Generator<Batch, void, undefined> {
  let current: Batch | null = null;
  try {
    for (let index = 0; index < count; index++) {
      const start = index * batchSize;
      const size = Math.min(batchSize, dataset.size - start);
      const { x, y } = tf.tidy(() => {
        if (order === null) {
          return {
            x: tf.slice(dataset.x, start, size),
            y: tf.slice(dataset.y, start, size),
          };
        }
        const idx = tf.tensor1d(order.subarray(start, start + size), 'int32');
        return { x: tf.gather(dataset.x, idx), y: tf.gather(dataset.y, idx) };
      });
      current = { x: tf.keep(x), y: tf.keep(y), size, index };
      yield current;
      tf.dispose([current.x, current.y]);
      current = null;
    }
  } finally {
    if (current !== null) tf.dispose([current.x, current.y]);
  }
}

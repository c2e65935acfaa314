// Batched inference: a forward pass over many examples in evaluation mode, batch by batch.
import { type ApplyFn, applyForward } from '@runge/architectures';
import { assertNumber, Rng, type TensorTree } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';

/**
 * The outputs of a forward pass on every example of `x`, computed `batchSize` examples at a time
 * in evaluation mode (`training: false`) and stacked, so memory stays bounded by one batch's
 * activations.
 *
 * @param apply - The forward pass.
 * @param params - Its parameters.
 * @param state - Its non-trainable state (`{}` when none).
 * @param x - Inputs `[n, ...]`.
 * @param options - `batchSize` (default 256).
 * @returns Outputs `[n, ...]`, a new tensor owned by the caller.
 * @example
 * ```ts
 * const logits = predict(model.apply, params, state, images); // [n, 10]
 * ```
 */
export function predict<P extends TensorTree>(
  apply: ApplyFn<P>,
  params: P,
  state: TensorTree,
  x: tf.Tensor,
  options: { readonly batchSize?: number } = {},
): tf.Tensor {
  const batchSize = assertNumber(options.batchSize ?? 256, 'batchSize', { min: 1, integer: true });
  const n = x.shape[0] as number;
  const rng = Rng.fromSeed(0);
  const parts: tf.Tensor[] = [];
  try {
    for (let start = 0; start < n; start += batchSize) {
      parts.push(
        tf.tidy(
          () =>
            applyForward(apply, params, tf.slice(x, start, Math.min(batchSize, n - start)), {
              training: false,
              rng,
              state,
            }).y,
        ),
      );
    }
    return parts.length === 1 ? (parts.pop() as tf.Tensor) : tf.concat(parts, 0);
  } finally {
    tf.dispose(parts);
  }
}

// The forward-pass contract every model and trainer shares: parameters, a batch, a context in; outputs (and new state) out.
import type { Rng, TensorTree } from '@runge/tensor-ops';
import type * as tf from '@tensorflow/tfjs-core';

/** What a forward pass receives besides its parameters and input. */
export interface ApplyContext {
  /** Training mode (dropout and drop-path on, batch norm on batch statistics); default false. */
  readonly training?: boolean;
  /** Generator for stochastic layers (needed when one of them is active). */
  readonly rng?: Rng;
  /** Non-trainable state (batch-norm running statistics); `{}` or absent when there is none. */
  readonly state?: TensorTree;
}

/**
 * A forward pass `(θ, x, ctx) ↦ y`: the outputs `[batch, ...]` (logits for a classifier), either
 * as a tensor or as `{ y, state }` with the new non-trainable state. Every {@link Model}'s
 * `apply` is one (with `P` = {@link ModelParams}), and so is a plain function such as
 * `(p, x) => tf.add(tf.matMul(x, p.W), p.b)`; the trainers of @runge/train take either.
 *
 * @typeParam P - The parameter tree.
 * @example
 * ```ts
 * const linear: ApplyFn<{ W: tf.Tensor; b: tf.Tensor }> = (p, x) => tf.add(tf.matMul(x, p.W), p.b);
 * const model: ApplyFn<ModelParams> = buildModel(config).apply;
 * ```
 */
export type ApplyFn<P extends TensorTree = TensorTree> = (
  params: P,
  x: tf.Tensor,
  ctx: ApplyContext,
) => tf.Tensor | { readonly y: tf.Tensor; readonly state?: TensorTree };

/**
 * Calls a forward pass and returns its outputs in one form, `{ y, state? }`, whichever form the
 * function returned.
 *
 * @param apply - The forward pass.
 * @param params - Its parameters.
 * @param x - The input batch.
 * @param ctx - Training mode, generator, state.
 * @returns `{ y }` and, when the forward pass gave one, the new `state`.
 * @example
 * ```ts
 * const { y } = applyForward(model.apply, params, x, { training: false });
 * ```
 */
export function applyForward<P extends TensorTree>(
  apply: ApplyFn<P>,
  params: P,
  x: tf.Tensor,
  ctx: ApplyContext,
): { y: tf.Tensor; state?: TensorTree } {
  const out = apply(params, x, ctx);
  return 'y' in out && !('dataId' in out)
    ? (out as { y: tf.Tensor; state?: TensorTree })
    : { y: out as tf.Tensor };
}

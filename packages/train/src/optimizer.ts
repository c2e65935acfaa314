import type { TensorTree } from '@runge/tensor-ops';
import type * as tf from '@tensorflow/tfjs-core';
import type { OutputLossName } from './output-loss.js';

/**
 * The batch of a supervised problem as an optimiser that needs the model's outputs sees it
 * (Gauss–Newton, variable projection): inputs, targets, the forward pass and the loss's kind.
 */
export interface SupervisedUpdate<P extends TensorTree = TensorTree> {
  /** The batch's inputs `[N, ...]`. */
  readonly inputs: tf.Tensor;
  /** The batch's targets (values `[N, k]` or class labels). */
  readonly targets: tf.Tensor;
  /** The model's outputs `[N, k]` on `inputs` at other parameters (evaluation mode, deterministic); the caller owns them. */
  readonly outputs: (params: P) => tf.Tensor;
  /** The loss of the outputs the problem minimises. */
  readonly loss: OutputLossName;
}

/** What an optimiser knows about the step it is taking. */
export interface UpdateContext<P extends TensorTree = TensorTree> {
  /** Learning rate for this step (from the schedule). */
  readonly learningRate: number;
  /** 1-based index of this update for this optimiser (Adam's bias correction uses it). */
  readonly step: number;
  /** The loss at `params` on the current batch. */
  readonly loss: tf.Scalar;
  /**
   * Re-evaluates loss and gradient at other parameters on the same batch (for line searches and
   * second-order methods). The caller owns the returned tensors.
   */
  readonly valueAndGrad: (params: P) => { value: tf.Scalar; grads: P };
  /** The batch and forward pass, when the problem is supervised with an output loss Gauss–Newton knows. */
  readonly supervised?: SupervisedUpdate<P>;
}

/**
 * A first- or second-order optimiser as a pure update rule: `init(θ) → s`,
 * `update(θ, g, s, ctx) → (θ', s')`. The state `s` is a tree of tensors (so it is checkpointed
 * like the parameters) and the inputs are never modified or disposed; the caller disposes the
 * old parameters and state after the update.
 *
 * @example
 * ```ts
 * const opt = sgd({ momentum: 0.9 });
 * let state = opt.init(params);
 * const next = opt.update(params, grads, state, { learningRate: 0.05, step: 1, loss, valueAndGrad });
 * ```
 */
export interface Optimizer<S extends TensorTree = TensorTree> {
  /** Name and hyper-parameters, JSON-serialisable (stored in checkpoints). */
  readonly config: OptimizerConfig;
  /** The initial state for parameters shaped like `params`. */
  init(params: TensorTree): S;
  /** One update. Returns new tensors; inputs are left untouched. */
  update<P extends TensorTree>(
    params: P,
    grads: P,
    state: S,
    ctx: UpdateContext<P>,
  ): { params: P; state: S };
}

/** JSON form of an optimiser: `{ type: 'sgd', momentum: 0.9 }`, `{ type: 'adam', beta1: 0.9 }`, … */
export interface OptimizerConfig {
  /** The optimiser's name. */
  readonly type: string;
  /** Its hyper-parameters. */
  readonly [hyper: string]: string | number | boolean;
}

// Supervised learning for fit: the one-player problem of a model fitted to targets, which classification, regression and the run tasks specialise with their loss and metrics.
import { type ApplyFn, applyForward } from '@runge/architectures';
import { Rng, type TensorTree } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import type { Optimizer } from './optimizer.js';
import type { OutputLossName } from './output-loss.js';
import type {
  DataSource,
  LossContext,
  LossOutput,
  ParamsRecord,
  PlayerSupervision,
  TrainingProblem,
} from './problem.js';
import type { Schedule, ScheduleConfig } from './schedule.js';
import { sgd } from './sgd.js';
import type { Batch } from './tensor-source.js';

/** Evaluation-mode forward passes use no randomness; a fixed generator satisfies the layers that ask for one. */
const EVAL_RNG = Rng.fromSeed(0);

/** What every supervised problem takes: the model, its variables and how to train it. */
export interface SupervisedOptions<P extends TensorTree> {
  /** The model's forward pass, from inputs `[batch, ...]` to predictions. */
  readonly apply: ApplyFn<P>;
  /**
   * The forward pass of training update `step` (0, 1, …), when it is not `apply` at every
   * update: e.g. the same network with twice the ODE steps on every other batch (`apply` remains
   * the forward pass of evaluation and of second-order methods).
   */
  readonly trainingApply?: (step: number) => ApplyFn<P>;
  /** Initial parameters (owned by training once given). */
  readonly params: P;
  /** Initial non-trainable state. */
  readonly state?: TensorTree;
  /** Update rule; default plain SGD. */
  readonly optimizer?: Optimizer;
  /** Learning rate or schedule; default the problem's own. */
  readonly learningRate?: number | Schedule | ScheduleConfig;
  /** Clip gradients by this global norm (reported as `gradNorm`). */
  readonly clipNorm?: number;
  /** Decoupled weight decay λ. */
  readonly weightDecay?: number;
  /** Batch size used for evaluation; default 256. */
  readonly evalBatchSize?: number;
  /**
   * Data augmentation of the training inputs, e.g. `(x, rng) => randomShift(x, 2, rng)` of
   * @runge/datasets: applied to each training batch before the forward pass (never to
   * validation or test data), with a generator split from the step's, so runs stay reproducible
   * and resume exactly.
   */
  readonly augment?: (x: tf.Tensor, rng: Rng) => tf.Tensor;
}

/** What makes a supervised problem particular: its loss on a batch, and its evaluation. */
export interface SupervisedObjective<P extends TensorTree> {
  /** The learning rate when the options give none. */
  readonly learningRate: number;
  /** The loss (and metrics to report) of predictions `y` against a batch's targets. */
  readonly loss: (y: tf.Tensor, batch: Batch) => Pick<LossOutput, 'loss' | 'metrics'>;
  /**
   * The loss as one of `OUTPUT_LOSSES` of the outputs, when it is one: then the player carries its
   * {@link PlayerSupervision} and Gauss–Newton and variable projection can train it.
   */
  readonly outputLoss?: OutputLossName;
  /** Metrics of trained parameters on held-out data. */
  readonly evaluate: (
    params: P,
    state: TensorTree,
    data: DataSource<Batch>,
    batchSize: number,
  ) => Record<string, number>;
}

/**
 * The one-player problem of a supervised model for {@link fit}: the player `'model'` minimises
 * `objective.loss(apply(θ, x), y)` over batches of inputs (augmented in training) and targets,
 * carrying the model's new state (batch norm) from step to step; each epoch's validation runs
 * `objective.evaluate`.
 *
 * @param options - The forward pass, initial variables and training settings.
 * @param objective - The loss, the default learning rate and the evaluation.
 * @returns The training problem (parameters under the key `model`).
 * @example
 * ```ts
 * const problem = supervised(
 *   { apply: model.apply, params, optimizer: adam() },
 *   { learningRate: 0.01, loss: (y, b) => ({ loss: mse(y, b.y) }), evaluate: … },
 * );
 * ```
 */
export function supervised<P extends TensorTree>(
  options: SupervisedOptions<P>,
  objective: SupervisedObjective<P>,
): TrainingProblem<Batch> {
  return {
    params: { model: options.params },
    ...(options.state ? { state: options.state } : {}),
    players: [
      {
        params: 'model',
        optimizer: options.optimizer ?? sgd(),
        learningRate: options.learningRate ?? objective.learningRate,
        ...(options.clipNorm !== undefined ? { clipNorm: options.clipNorm } : {}),
        ...(options.weightDecay !== undefined ? { weightDecay: options.weightDecay } : {}),
        loss: (params, state, batch, ctx: LossContext) => {
          const x = options.augment ? options.augment(batch.x, ctx.rng.split()) : batch.x;
          const apply = options.trainingApply?.(ctx.step) ?? options.apply;
          const { y, state: next } = applyForward(apply, params.model as P, x, {
            training: true,
            rng: ctx.rng,
            state,
          });
          return { ...objective.loss(y, batch), ...(next ? { state: next } : {}) };
        },
        ...(objective.outputLoss
          ? {
              supervision: {
                inputs: (batch: Batch) => batch.x,
                targets: (batch: Batch) => batch.y,
                outputs: (params: ParamsRecord, state: TensorTree, x: tf.Tensor) =>
                  tf.tidy(
                    () =>
                      applyForward(options.apply, params.model as P, x, {
                        training: false,
                        rng: EVAL_RNG,
                        state,
                      }).y,
                  ),
                loss: objective.outputLoss,
              },
            }
          : {}),
      },
    ],
    evaluate: (params, state, data) =>
      objective.evaluate(params.model as P, state, data, options.evalBatchSize ?? 256),
  };
}

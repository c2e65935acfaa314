import type { Rng, TensorTree } from '@runge/tensor-ops';
import type * as tf from '@tensorflow/tfjs-core';
import type { Optimizer } from './optimizer.js';
import type { OutputLossName } from './output-loss.js';
import type { Schedule, ScheduleConfig } from './schedule.js';

/** The trainable parameters of a problem, by name: `{ model }`, or `{ generator, critic }`. */
export type ParamsRecord = Readonly<Record<string, TensorTree>>;

/** What a loss function knows about the step it is evaluated at. */
export interface LossContext {
  /** True during training updates, false during evaluation (dropout, batch norm). */
  readonly training: boolean;
  /** A generator for this evaluation only (dropout masks, noise, reparameterisation). */
  readonly rng: Rng;
  /** 0-based epoch. */
  readonly epoch: number;
  /** 0-based global step (batches seen before this one). */
  readonly step: number;
}

/** The result of a loss evaluation on one batch. */
export interface LossOutput {
  /** The scalar to minimise. */
  readonly loss: tf.Scalar;
  /** Further scalars to report (accuracy, KL, reconstruction, …), averaged per epoch. */
  readonly metrics?: Readonly<Record<string, tf.Scalar>>;
  /** The new non-trainable state (e.g. batch-norm running statistics), replacing the old one. */
  readonly state?: TensorTree;
}

/**
 * How a supervised player's loss is made, for optimisers that need the model's outputs
 * (Gauss–Newton, variable projection): the loss is `ℓ(F(θ; x), y)` with `ℓ` one of
 * `OUTPUT_LOSSES`.
 */
export interface PlayerSupervision<B = unknown> {
  /** The batch's inputs. */
  readonly inputs: (batch: B) => tf.Tensor;
  /** The batch's targets. */
  readonly targets: (batch: B) => tf.Tensor;
  /** The outputs `F(θ; x)` in evaluation mode (deterministic); the caller owns them. */
  readonly outputs: (params: ParamsRecord, state: TensorTree, x: tf.Tensor) => tf.Tensor;
  /** The loss `ℓ` of the outputs. */
  readonly loss: OutputLossName;
}

/**
 * One optimised party of a training problem. A classifier has one player; a GAN has a generator
 * and a discriminator (or critic), each minimising its own loss over its own parameters while the
 * others' are held fixed.
 */
export interface Player<B = unknown> {
  /** The key in the parameter record this player updates. */
  readonly params: string;
  /**
   * The loss of this player. It receives every party's parameters (its own are the ones being
   * differentiated), the non-trainable state and the batch.
   */
  readonly loss: (
    params: ParamsRecord,
    state: TensorTree,
    batch: B,
    ctx: LossContext,
  ) => LossOutput;
  /** The update rule. */
  readonly optimizer: Optimizer;
  /** Learning rate: a number, a schedule function, or its JSON form. */
  readonly learningRate: number | Schedule | ScheduleConfig;
  /** Updates of this player per batch (e.g. 5 critic updates per generator update); default 1. */
  readonly repeat?: number;
  /** Clip the gradient by this global norm before the update (docs: /math/sequences#clipping). */
  readonly clipNorm?: number;
  /** Decoupled weight decay: after the update `θ ← θ − η λ θ`. */
  readonly weightDecay?: number;
  /** The loss as outputs and targets, for Gauss–Newton and variable projection (supervised problems set it). */
  readonly supervision?: PlayerSupervision<B>;
}

/**
 * A training problem: initial parameters, optional non-trainable state, the players that update
 * them, and how to evaluate. {@link fit} owns the parameters and state once given.
 *
 * @typeParam B - The batch type produced by the data source.
 */
export interface TrainingProblem<B = unknown> {
  /** Initial parameters by name. */
  readonly params: ParamsRecord;
  /** Initial non-trainable state (default: none). */
  readonly state?: TensorTree;
  /** Who updates which parameters, in order, for every batch. */
  readonly players: readonly Player<B>[];
  /**
   * Metrics on held-out data, each a number (lower or higher is better as the metric says).
   * Called once per epoch when validation data is given.
   */
  readonly evaluate?: (
    params: ParamsRecord,
    state: TensorTree,
    data: DataSource<B>,
  ) => Record<string, number>;
}

/**
 * Where batches come from: `take(indices)` materialises the examples at those indices as a
 * batch of new tensors (the caller disposes it with `disposeBatch`).
 */
export interface DataSource<B = unknown> {
  /** Number of examples. */
  readonly size: number;
  /** The batch made of the examples at `indices`. */
  take(indices: Int32Array): B;
  /** Releases a batch made by `take`. */
  disposeBatch(batch: B): void;
}

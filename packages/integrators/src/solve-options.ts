// The options of solve: the problem (f, y0), the interval, the stepping, the parameters and the gradient mode.
import type { TensorTree } from '@runge/tensor-ops';
import type * as tf from '@tensorflow/tfjs-core';
import type { AdaptiveOptions } from './adaptive-steps.js';
import type { GradientMode } from './gradient-mode.js';
import type { ControlGrid, Dynamics, Method, PartitionedDynamics } from './types.js';

/**
 * `T` with every tensor type widened to `tf.Tensor` (records, lists and tuples kept), so that a
 * state built with `tf.tensor2d` can be advanced by an `f` that returns a plain `tf.Tensor`.
 */
export type Widen<T, Depth extends unknown[] = []> = Depth['length'] extends 8
  ? T
  : T extends tf.Tensor
    ? tf.Tensor
    : { [K in keyof T]: Widen<T[K], [...Depth, unknown]> };

/** Options shared by every call of {@link solve}. */
export interface SolveCommonOptions<P extends TensorTree = TensorTree> {
  /** Start time; default 0. */
  readonly t0?: number;
  /** End time; default 1. May be smaller than `t0` (integration backwards in time). */
  readonly t1?: number;
  /** Number of equal steps (fixed-step methods). Give `steps` or `dt`, not both. */
  readonly steps?: number;
  /**
   * Largest step size (fixed-step methods): `N = ceil(|t1 − t0| / dt)` equal steps of
   * `(t1 − t0)/N`, so the grid ends exactly at `t1`.
   */
  readonly dt?: number;
  /**
   * The integrator; default `'rk4'` for {@link Dynamics} and `'leapfrog'` for
   * {@link PartitionedDynamics}. `'dopri5'` (or a tableau with `bHat`) is adaptive unless
   * `steps`/`dt` is given, in which case its fifth-order solution is used with fixed steps.
   */
  readonly method?: Method;
  /** Constant parameters passed to `f` (gradients flow to them); `f` gets `{}` when neither these nor `controls` are given. */
  readonly params?: P;
  /** Time-dependent parameters on their own grid, interpolated to each stage time. */
  readonly controls?: ControlGrid<P>;
  /**
   * Times at which to return the state, within `[t0, t1]` and sorted in the direction of
   * integration. Fixed-step solves must have them on the step grid (no interpolation is done);
   * adaptive solves step to them exactly.
   */
  readonly saveAt?: readonly number[];
  /**
   * How gradients are computed: a mode name or a mode value such as `checkpoint({ every: 4 })`;
   * default `'backprop'`. See {@link GradientSpec}.
   */
  readonly gradient?: GradientMode;
  /**
   * Adaptive step-size control (embedded methods such as `'dopri5'` without `steps`/`dt`): the
   * tolerances and limits, from {@link adaptiveSteps} or as a plain object; default
   * `adaptiveSteps()`. Refused for fixed-step solves.
   */
  readonly adaptive?: AdaptiveOptions;
}

/** Options of {@link solve} for `y' = f(t, y, θ)`. */
export interface SolveOptions<Y extends TensorTree = TensorTree, P extends TensorTree = TensorTree>
  extends SolveCommonOptions<P> {
  /** The right-hand side. */
  readonly f: Dynamics<Widen<Y>, P>;
  /** The initial state: a tensor or a tree of tensors (float32), batched as `f` expects. */
  readonly y0: Y;
}

/** Options of {@link solve} for a partitioned system `q' = dq(t, p, θ)`, `p' = dp(t, q, θ)`. */
export interface PartitionedSolveOptions<
  Q extends TensorTree = TensorTree,
  Pm extends TensorTree = TensorTree,
  P extends TensorTree = TensorTree,
> extends SolveCommonOptions<P> {
  /** The two halves of the right-hand side. */
  readonly f: PartitionedDynamics<Widen<Q>, Widen<Pm>, P>;
  /** The initial state `{ q, p }`. */
  readonly y0: { readonly q: Q; readonly p: Pm };
}

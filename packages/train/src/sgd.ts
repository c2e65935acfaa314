import {
  assertNumber,
  type TensorTree,
  tidyTree,
  treeMap,
  treeZerosLike,
  ValueError,
} from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import type { Optimizer } from './optimizer.js';

/** Options of {@link sgd}. */
export interface SgdOptions {
  /** Momentum coefficient μ ∈ [0, 1); 0 (default) is plain gradient descent. */
  readonly momentum?: number;
  /** Use Nesterov's look-ahead form (requires momentum > 0). Default false. */
  readonly nesterov?: boolean;
}

/**
 * Stochastic gradient descent, optionally with (heavy-ball or Nesterov) momentum:
 * `v ← μ v + g`, `θ ← θ − η v` (heavy ball) or `θ ← θ − η (g + μ v)` (Nesterov); with μ = 0,
 * `θ ← θ − η g`. The state is the velocity tree `v` (empty when μ = 0).
 *
 * @param options - `momentum` (default 0), `nesterov` (default false).
 * @returns The optimiser.
 * @throws {@link @runge/tensor-ops!ValueError} for momentum outside [0, 1) or Nesterov without momentum.
 * @example
 * ```ts
 * const opt = sgd({ momentum: 0.9, nesterov: true });
 * ```
 */
export function sgd(options: SgdOptions = {}): Optimizer {
  const momentum = assertNumber(options.momentum ?? 0, 'momentum', {
    min: 0,
    max: 1,
    exclusiveMax: true,
  });
  const nesterov = options.nesterov ?? false;
  if (nesterov && momentum === 0) {
    throw new ValueError(
      'sgd: nesterov needs momentum > 0; set momentum (e.g. 0.9) or drop nesterov',
    );
  }
  return {
    config: { type: 'sgd', momentum, nesterov },
    init(params) {
      return momentum === 0 ? ({} as TensorTree) : { velocity: treeZerosLike(params) };
    },
    update(params, grads, state, { learningRate }) {
      if (momentum === 0) {
        return {
          params: tidyTree(() =>
            treeMap((p, g) => tf.sub(p, tf.mul(g as tf.Tensor, learningRate)), params, grads),
          ),
          state: {},
        };
      }
      const velocity = (state as { velocity: TensorTree }).velocity;
      return tf.tidy(() => {
        const v = treeMap((vi, g) => tf.add(tf.mul(vi, momentum), g as tf.Tensor), velocity, grads);
        const direction = nesterov
          ? treeMap((g, vi) => tf.add(g, tf.mul(vi as tf.Tensor, momentum)), grads, v)
          : v;
        const next = treeMap(
          (p, d) => tf.sub(p, tf.mul(d as tf.Tensor, learningRate)),
          params,
          direction,
        );
        return { params: next, state: { velocity: v } } as unknown as tf.TensorContainer;
      }) as unknown as { params: typeof params; state: TensorTree };
    },
  };
}

import { assertNumber, type TensorTree, treeMap, treeZerosLike } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import type { Optimizer } from './optimizer.js';

/** Options of {@link adam}. */
export interface AdamOptions {
  /** Decay of the first-moment average; default 0.9. */
  readonly beta1?: number;
  /** Decay of the second-moment average; default 0.999. */
  readonly beta2?: number;
  /** Added to √v̂ for stability; default 1e-8. */
  readonly epsilon?: number;
}

/**
 * Adam (Kingma & Ba 2015): `m ← β₁ m + (1 − β₁) g`, `v ← β₂ v + (1 − β₂) g²`,
 * `m̂ = m / (1 − β₁ᵗ)`, `v̂ = v / (1 − β₂ᵗ)`, `θ ← θ − η m̂ / (√v̂ + ε)`, with `t` the update
 * count. The state holds the moment trees `m` and `v`.
 *
 * @param options - `beta1`, `beta2`, `epsilon`.
 * @returns The optimiser.
 * @throws {@link @runge/tensor-ops!ValueError} for betas outside [0, 1) or a non-positive epsilon.
 * @example
 * ```ts
 * const opt = adam({ beta1: 0.9, beta2: 0.999 });
 * ```
 */
export function adam(options: AdamOptions = {}): Optimizer {
  const beta1 = assertNumber(options.beta1 ?? 0.9, 'beta1', { min: 0, max: 1, exclusiveMax: true });
  const beta2 = assertNumber(options.beta2 ?? 0.999, 'beta2', {
    min: 0,
    max: 1,
    exclusiveMax: true,
  });
  const epsilon = assertNumber(options.epsilon ?? 1e-8, 'epsilon', { min: 0, exclusiveMin: true });
  return {
    config: { type: 'adam', beta1, beta2, epsilon },
    init(params) {
      return { m: treeZerosLike(params), v: treeZerosLike(params) };
    },
    update(params, grads, state, { learningRate, step }) {
      const { m, v } = state as { m: TensorTree; v: TensorTree };
      const correction1 = 1 - beta1 ** step;
      const correction2 = 1 - beta2 ** step;
      return tf.tidy(() => {
        const m1 = treeMap(
          (mi, g) => tf.add(tf.mul(mi, beta1), tf.mul(g as tf.Tensor, 1 - beta1)),
          m,
          grads,
        );
        const v1 = treeMap(
          (vi, g) => tf.add(tf.mul(vi, beta2), tf.mul(tf.square(g as tf.Tensor), 1 - beta2)),
          v,
          grads,
        );
        const next = treeMap(
          (p, mi, vi) =>
            tf.sub(
              p,
              tf.div(
                tf.mul(mi as tf.Tensor, learningRate / correction1),
                tf.add(tf.sqrt(tf.div(vi as tf.Tensor, correction2)), epsilon),
              ),
            ),
          params,
          m1,
          v1,
        );
        return { params: next, state: { m: m1, v: v1 } } as unknown as tf.TensorContainer;
      }) as unknown as { params: typeof params; state: TensorTree };
    },
  };
}

// The input-selection layer: one weight per input feature, x̂_i = w_i x_i, trained with an L1 penalty so that |w_i| ranks the inputs.
import { inputSelectionApply } from '@runge/losses';
import type * as tf from '@tensorflow/tfjs-core';
import { checkKeys } from './internal/config-values.js';
import { COMMON_KEYS, type LayerType, requireVector } from './internal/layer-type.js';
import type { Layer } from './layer.js';

/**
 * The L1 input-selection layer on feature vectors: `x̂ = x ⊙ w`, `x: [batch, F]`, `w: [F]`
 * (initialised to ones, so it starts as the identity). Trained with the penalty `λ‖w‖₁`
 * (`inputSelectionPenalty` of @runge/losses) added to the loss, the weights of irrelevant
 * inputs shrink to zero and `|w_i|` ranks the inputs by importance. Parameter `w` (role `'bias'`:
 * one number per feature). docs: /guide/applications#input-selection
 *
 * @example
 * ```json
 * { "type": "input-selection" }
 * ```
 */
export interface InputSelectionLayerConfig {
  readonly type: 'input-selection';
  /** Layer name (default `input-selection_<index>`). */
  readonly name?: string;
}

/** The `'input-selection'` layer type. */
export const inputSelectionLayerType: LayerType = {
  type: 'input-selection',
  keys: [],
  build(raw, input, name, where): Layer {
    checkKeys(raw, [...COMMON_KEYS], where);
    const d = requireVector(input, where, 'an input-selection layer');
    return {
      name,
      type: 'input-selection',
      config: { type: 'input-selection', name },
      inputShape: input.shape,
      outputShape: input.shape,
      params: [{ path: 'w', shape: [d], role: 'bias', init: { kind: 'constant', value: 1 } }],
      state: [],
      stochastic: false,
      apply(p, x) {
        return { y: inputSelectionApply((p as { w: tf.Tensor }).w, x) };
      },
    };
  },
};

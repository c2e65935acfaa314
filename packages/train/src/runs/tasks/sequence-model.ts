// The network of the sequence tasks: `model.config` when given, else one recurrent layer of `sequence.cell` read many-to-one and a dense head on its last state.
import type { ModelConfig } from '@runge/architectures';
import type { RunConfig } from '../run-config.js';

/**
 * The model of a sequence task: `model.config` when given, else one sequence layer of
 * `sequence.cell` with `sequence.units` hidden units (and the antisymmetric cells' `epsilon`,
 * `gamma` when set) reading inputs `[T, d]` many-to-one, `h_T = cell(h_{T−1}, x_T)`, and a dense
 * head `y = W h_T + b` with `outputs` units, named `<prefix>-<cell>`.
 *
 * @param config - The run configuration (`model.config`, `sequence`).
 * @param prefix - The first part of the model's name (`'sequence'`, `'quantile'`).
 * @param shape - `inputShape` `[T, d]` of one example and the number of outputs `k` of the head.
 * @returns The model config.
 * @example
 * ```ts
 * sequenceModelConfig(resolveRunConfig({ task: 'sequence-mnist' }), 'sequence', { inputShape: [28, 28], outputs: 10 });
 * ```
 */
export function sequenceModelConfig(
  config: RunConfig,
  prefix: string,
  shape: { readonly inputShape: readonly number[]; readonly outputs: number },
): ModelConfig {
  if (config.model.config) return config.model.config as unknown as ModelConfig;
  const s = config.sequence;
  return {
    name: `${prefix}-${s.cell}`,
    input: [...shape.inputShape],
    layers: [
      {
        type: 'rnn',
        cell: s.cell,
        units: s.units,
        ...(s.epsilon !== undefined ? { epsilon: s.epsilon } : {}),
        ...(s.gamma !== undefined ? { gamma: s.gamma } : {}),
      },
      { type: 'dense', units: shape.outputs },
    ],
  };
}

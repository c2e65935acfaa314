import type { ModelConfig } from './layer-config.js';
import { buildModel, type Model } from './model.js';
import type { ParamDescription } from './param-description.js';

/**
 * Describes every parameter and state tensor of a model: its path, shape, the layer it belongs
 * to with the layer's spatial input size, and its role under a change of resolution —
 * `'conv-kernel'` `[kh, kw, in, out]`, `'conv-kernel-stack'` `[M, kh, kw, in, out]` (an ODE
 * block's control grid), `'dense-on-map'` (a dense weight on a flattened `[H, W, C]` map, with
 * `map`), `'bias'`, `'dense'`, `'norm'` (batch norm), `'control-stack'` (other `[M, ...]`
 * controls, with `slice`). The order is the layers' order, then each layer's tensors.
 *
 * @param config - A model config, or a built model.
 * @returns One description per tensor.
 * @throws {@link @runge/tensor-ops!ConfigError} when the config is invalid.
 * @example
 * ```ts
 * describeParams(w1Config()).map((d) => `${d.path} ${d.role}`);
 * // ['conv_0.K conv-kernel', 'conv_0.b bias', 'ode_1.K conv-kernel-stack', 'ode_1.b control-stack',
 * //  'dense_4.W dense-on-map', 'dense_4.b bias']
 * ```
 */
export function describeParams(config: ModelConfig | Model): ParamDescription[] {
  const model = 'apply' in config ? config : buildModel(config);
  return model.describeParams();
}

// The layer stacks the generative tasks build their networks from: dense ReLU stacks, a DCGAN-style upsampling generator body and a strided-convolution encoder body.
import type { ActivationName, LayerConfig } from '@runge/architectures';
import { ConfigError, formatShape } from '@runge/tensor-ops';

/**
 * `depth` dense layers of `units` units with ReLU, each with the `extra` settings (e.g.
 * `{ spectralNorm: true }`).
 *
 * @param depth - The number of layers.
 * @param units - Their width.
 * @param extra - Settings added to every layer.
 * @returns The layer configs.
 * @example
 * ```ts
 * denseStack(2, 64, {}); // two { type: 'dense', units: 64, activation: 'relu' }
 * ```
 */
export function denseStack(depth: number, units: number, extra: object): LayerConfig[] {
  return Array.from({ length: depth }, () => ({
    type: 'dense' as const,
    units,
    activation: 'relu' as const,
    ...extra,
  }));
}

/**
 * The image shape `[H, W, C]` of a convolutional network, checked: `H` and `W` must be multiples
 * of 4 (two halvings, two doublings).
 *
 * @param shape - One example's shape.
 * @returns `[H, W, C]`.
 * @throws {@link @runge/tensor-ops!ConfigError} for vectors or sides that are not multiples of 4.
 * @example
 * ```ts
 * convImageShape([28, 28, 1]); // [28, 28, 1]
 * ```
 */
export function convImageShape(shape: readonly number[]): [number, number, number] {
  const [h, w, c] = shape as [number, number, number];
  if (shape.length !== 3 || h % 4 !== 0 || w % 4 !== 0) {
    throw new ConfigError(
      `generative.network 'conv': the convolutional networks need images [H, W, C] with H and W multiples of 4, got ${formatShape(shape)}; use 'mlp'`,
    );
  }
  return [h, w, c];
}

/**
 * The DCGAN-style body mapping a latent vector to an image `[H, W, C]` (`F = filters`): dense
 * `z ↦ ℝ^{(H/4)(W/4)·2F}` with ReLU, reshaped to `[H/4, W/4, 2F]`; ×2 nearest-neighbour
 * upsampling and a 3×3 convolution to `F` maps (ReLU); ×2 upsampling and a 3×3 convolution to `C`
 * maps with the `output` activation.
 *
 * @param shape - The image `[H, W, C]` (sides multiples of 4).
 * @param filters - `F`.
 * @param output - The last convolution's activation (`'sigmoid'` for pixels, `'linear'` for logits).
 * @returns The layer configs.
 * @example
 * ```ts
 * upsamplingStack([28, 28, 1], 16, 'sigmoid'); // [latent] → [28, 28, 1]
 * ```
 */
export function upsamplingStack(
  shape: readonly [number, number, number],
  filters: number,
  output: ActivationName,
): LayerConfig[] {
  const [h, w, c] = shape;
  return [
    { type: 'dense', units: (h / 4) * (w / 4) * 2 * filters, activation: 'relu' },
    { type: 'reshape', shape: [h / 4, w / 4, 2 * filters] },
    { type: 'upsample', factor: 2 },
    { type: 'conv', channels: filters, kernelSize: 3, activation: 'relu' },
    { type: 'upsample', factor: 2 },
    { type: 'conv', channels: c, kernelSize: 3, activation: output },
  ];
}

/**
 * The strided-convolution body mapping an image `[H, W, C]` to a vector: 3×3 stride-2
 * convolutions to `F` and `2F` maps (`[H/2, W/2, F]`, `[H/4, W/4, 2F]`) with `activation`, each
 * with the `extra` settings, then a flatten to `(H/4)(W/4)·2F` values.
 *
 * @param filters - `F`.
 * @param activation - The convolutions' activation.
 * @param extra - Settings added to both convolutions (e.g. `{ spectralNorm: true }`).
 * @returns The layer configs.
 * @example
 * ```ts
 * downsamplingStack(16, 'leakyRelu', { spectralNorm: true }); // [28, 28, 1] → [7·7·32]
 * ```
 */
export function downsamplingStack(
  filters: number,
  activation: ActivationName,
  extra: object,
): LayerConfig[] {
  const strided = (channels: number): LayerConfig => ({
    type: 'conv',
    channels,
    kernelSize: 3,
    stride: 2,
    activation,
    ...extra,
  });
  return [strided(filters), strided(2 * filters), { type: 'flatten' }];
}

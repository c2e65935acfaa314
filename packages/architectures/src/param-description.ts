import type { Layer, ParamRole } from './layer.js';

/**
 * One parameter or state tensor of a model and how it should move between resolutions (the
 * contract the multigrid package relies on).
 */
export interface ParamDescription {
  /** Dotted path in the tree (`'ode_1.K'`, `'fractal_2.columns.1.0.b'`), as `treeEntries` writes it. */
  readonly path: string;
  /** Whether the tensor is in `params` (trainable) or `state` (batch-norm statistics). */
  readonly tree: 'params' | 'state';
  /** The layer's name (the first segment of `path`). */
  readonly layer: string;
  /** The layer's config `type`. */
  readonly layerType: string;
  /** The tensor's shape. */
  readonly shape: readonly number[];
  /** See {@link ParamRole}. */
  readonly role: ParamRole;
  /** For stacks (`'conv-kernel-stack'`, `'control-stack'`): what one slice `[i]` is. */
  readonly slice?: 'conv-kernel' | 'dense' | 'bias';
  /** For `'dense-on-map'`: the flattened feature map its rows index (row `(i·W + j)·C + c`). */
  readonly map?: { readonly height: number; readonly width: number; readonly channels: number };
  /** The spatial size `[H, W]` of the layer's input, or `null` for vector features. */
  readonly inputSize: readonly [number, number] | null;
  /** The convolution stride of `'conv'` layers (1 for the 'same' convolutions of blocks). */
  readonly stride?: number;
}

/** The descriptions of bound layers. */
export function describeLayers(layers: readonly Layer[]): ParamDescription[] {
  const out: ParamDescription[] = [];
  for (const layer of layers) {
    const inputSize =
      layer.inputShape.length === 3
        ? ([layer.inputShape[0], layer.inputShape[1]] as [number, number])
        : null;
    const stride = layer.type === 'conv' ? (layer.config.stride as number) : undefined;
    for (const [tree, infos] of [
      ['params', layer.params],
      ['state', layer.state],
    ] as const) {
      for (const info of infos) {
        out.push({
          path: `${layer.name}.${info.path}`,
          tree,
          layer: layer.name,
          layerType: layer.type,
          shape: info.shape,
          role: info.role,
          ...(info.slice ? { slice: info.slice } : {}),
          ...(info.map ? { map: info.map } : {}),
          inputSize,
          ...(stride !== undefined && info.role === 'conv-kernel' ? { stride } : {}),
        });
      }
    }
  }
  return out;
}

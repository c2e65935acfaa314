import type { JsonValue, Rng, TensorTree } from '@runge/tensor-ops';
import type * as tf from '@tensorflow/tfjs-core';

/**
 * How a parameter (or state) tensor behaves under a change of resolution — what the multigrid
 * package needs to move a model between image sizes:
 * - `'conv-kernel'`: a convolution filter `[kh, kw, in, out]` (rediscretise / Galerkin-coarsen it);
 * - `'conv-kernel-stack'`: a control grid of filters `[M, kh, kw, in, out]` (an ODE block's
 *   kernels; transfer each slice like a `'conv-kernel'`);
 * - `'dense-on-map'`: a dense weight `[H·W·C, units]` whose rows index a flattened `[H, W, C]`
 *   feature map (row `(i·W + j)·C + c` is pixel `(i, j)`, channel `c`; see `map`); transfer it
 *   like `units` images of size `H × W × C`;
 * - `'bias'`: a bias `[units]` or `[channels]` (resolution independent);
 * - `'dense'`: a dense weight `[in, out]` acting on features that do not change with the
 *   resolution;
 * - `'norm'`: batch-normalisation scale/offset or running statistics `[channels]`;
 * - `'control-stack'`: any other control grid `[M, ...]` of an ODE block (dense kernels
 *   `[M, d, m]`, biases `[M, c]`); `slice` says what one slice is;
 * - `'power-iteration'`: the state vector of spectral normalisation, in the layer's input space
 *   (`[d]` for a dense layer, the input map `[H, W, C]` for a convolution; at another
 *   resolution a fresh one is drawn).
 */
export type ParamRole =
  | 'conv-kernel'
  | 'conv-kernel-stack'
  | 'dense-on-map'
  | 'bias'
  | 'dense'
  | 'norm'
  | 'control-stack'
  | 'power-iteration';

/** How a tensor is initialised: a centred normal with standard deviation `std`, or a constant. */
export type InitSpec =
  | { readonly kind: 'normal'; readonly std: number }
  | { readonly kind: 'constant'; readonly value: number };

/**
 * One parameter or state tensor of a layer: where it sits in the layer's tree, its shape, its
 * role under a change of resolution, and how it is initialised.
 */
export interface ParamInfo {
  /** Dotted path inside the layer's tree, as `treeEntries` writes it (`'K'`, `'columns.1.0.b'`). */
  readonly path: string;
  /** Shape of the tensor. */
  readonly shape: readonly number[];
  /** See {@link ParamRole}. */
  readonly role: ParamRole;
  /** For stacks (`'conv-kernel-stack'`, `'control-stack'`): what one slice `[i]` is. */
  readonly slice?: 'conv-kernel' | 'dense' | 'bias';
  /** For `'dense-on-map'`: the feature map the weight's rows index. */
  readonly map?: { readonly height: number; readonly width: number; readonly channels: number };
  /** The initialiser used by `init`. */
  readonly init: InitSpec;
}

/** What a layer's forward pass receives besides its parameters and input. */
export interface LayerContext {
  /** Training mode (dropout and drop-path on, batch norm on batch statistics). */
  readonly training: boolean;
  /** Generator for stochastic layers (required when one draws). */
  readonly rng?: Rng;
  /** The layer's own non-trainable state (absent for stateless layers). */
  readonly state?: TensorTree;
}

/** A layer's output: the features and, for stateful layers, the new state. */
export interface LayerOutput {
  /** Output features `[batch, ...outputShape]`. */
  readonly y: tf.Tensor;
  /** The new state (new tensors) for stateful layers. */
  readonly state?: TensorTree;
}

/**
 * A layer bound to its input shape: pure in its parameters, with its parameters and state
 * described by {@link ParamInfo}s (from which `init` draws them). Every model layer — and the
 * sequence, GAN and VAE layers to come — has this form.
 */
export interface Layer {
  /** Unique name in the model; its parameters live under `params[name]`. */
  readonly name: string;
  /** The config `type` (`'conv'`, `'ode'`, …). */
  readonly type: string;
  /** The layer's config with every default filled in (JSON). */
  readonly config: { readonly [key: string]: JsonValue };
  /** Input shape without the batch axis (`[d]` or `[H, W, C]`). */
  readonly inputShape: readonly number[];
  /** Output shape without the batch axis. */
  readonly outputShape: readonly number[];
  /** When the output is a flattened feature map, the map's `[H, W, C]`. */
  readonly outputMap?: readonly [number, number, number];
  /** The trainable tensors of `params[name]`. */
  readonly params: readonly ParamInfo[];
  /** The non-trainable tensors of `state[name]` (batch-norm running statistics). */
  readonly state: readonly ParamInfo[];
  /** Whether the forward pass draws random numbers in training mode (or always, for MC dropout). */
  readonly stochastic: boolean;
  /**
   * The forward pass. Creates tensors in the caller's scope (wrap in `tf.tidy`).
   *
   * @param params - The layer's parameter tree (`undefined` when it has none).
   * @param x - `[batch, ...inputShape]`.
   * @param ctx - Mode, generator, the layer's state.
   */
  apply(params: TensorTree | undefined, x: tf.Tensor, ctx: LayerContext): LayerOutput;
}

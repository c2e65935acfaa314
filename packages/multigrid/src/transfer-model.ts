import {
  buildModel,
  type Model,
  type ModelConfig,
  type ModelParams,
  type ModelState,
  type ParamDescription,
} from '@runge/architectures';
import {
  assertOneOf,
  ConfigError,
  formatShape,
  Rng,
  ShapeError,
  type TensorTree,
  tidyTree,
  treeDispose,
  treeMapWithPath,
  ValueError,
} from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import {
  TRANSFER_METHODS,
  type TransferDirection,
  type TransferMethod,
  transferKernel,
} from './transfer-kernel.js';
import { transferMapWeights } from './transfer-map-weights.js';

/** A model as data: its config and its variables (what `loadModel` or training gives). */
export interface ModelBundle {
  /** The model config. */
  readonly config: ModelConfig;
  /** Trainable parameters keyed by layer name. */
  readonly params: ModelParams;
  /** Non-trainable state keyed by layer name; `{}` (or absent) when the model has none. */
  readonly state?: ModelState;
}

/** A model produced by a transfer: config and new variables, owned by the caller. */
export interface TransferredModel {
  /** The model config of the result. */
  readonly config: ModelConfig;
  /** Parameters (new tensors). */
  readonly params: ModelParams;
  /** State (new tensors; `{}` when the model has none). */
  readonly state: ModelState;
}

/** Options of {@link transferModel}: the target (`to` or `factor`) and the method. */
export interface TransferModelOptions {
  /** Target input size `[H', W']`: `[⌈H/2⌉, ⌈W/2⌉]` (coarsen) or `[2H, 2W]`/`[2H − 1, 2W − 1]` (refine). */
  readonly to?: readonly [number, number];
  /** Instead of `to`: `0.5` for `[⌈H/2⌉, ⌈W/2⌉]`, `2` for `[2H, 2W]`. */
  readonly factor?: 0.5 | 2;
  /** How convolution kernels move; see {@link TransferMethod}. */
  readonly method: TransferMethod;
}

function targetOf(
  input: readonly number[],
  options: TransferModelOptions,
): { size: [number, number]; direction: TransferDirection } {
  const [h, w] = input as [number, number];
  if ((options.to === undefined) === (options.factor === undefined)) {
    throw new ValueError(
      `transferModel: give exactly one of 'to' (the target input size [H, W]) or 'factor' (0.5 or 2), got ${
        options.to === undefined ? 'neither' : 'both'
      }`,
    );
  }
  if (options.factor !== undefined) {
    const factor = assertOneOf(options.factor, [0.5, 2] as const, 'factor');
    return factor === 0.5
      ? { size: [Math.ceil(h / 2), Math.ceil(w / 2)], direction: 'coarsen' }
      : { size: [2 * h, 2 * w], direction: 'refine' };
  }
  const to = options.to as readonly number[];
  const valid =
    Array.isArray(to) && to.length === 2 && to.every((d) => Number.isInteger(d) && d >= 1);
  const [th, tw] = (valid ? to : [Number.NaN, Number.NaN]) as [number, number];
  if (th === Math.ceil(h / 2) && tw === Math.ceil(w / 2) && (th < h || tw < w)) {
    return { size: [th, tw], direction: 'coarsen' };
  }
  if (Math.ceil(th / 2) === h && Math.ceil(tw / 2) === w && (th > h || tw > w)) {
    return { size: [th, tw], direction: 'refine' };
  }
  throw new ValueError(
    `transferModel: to ${JSON.stringify(options.to)} is not half or double the model's input ${h}×${w}; expected [${Math.ceil(h / 2)}, ${Math.ceil(w / 2)}] (coarsen) or [${2 * h}, ${2 * w}] / [${2 * h - 1}, ${2 * w - 1}] (refine); move by larger factors in several steps`,
  );
}

function byPath(model: Model): Map<string, ParamDescription> {
  return new Map(model.describeParams().map((d) => [`${d.tree}:${d.path}`, d]));
}

/** Moves one tensor by its role (see `ParamRole` of @runge/architectures). */
function moveTensor(
  leaf: tf.Tensor,
  from: ParamDescription,
  to: ParamDescription,
  method: TransferMethod,
  direction: TransferDirection,
): tf.Tensor {
  switch (from.role) {
    case 'conv-kernel':
    case 'conv-kernel-stack':
      return transferKernel(leaf, { method, direction, name: from.path });
    case 'dense-on-map': {
      const map = from.map;
      const target = to.map;
      if (!map || !target) {
        throw new ShapeError(
          `transferModel: ${from.path} is a dense weight on a feature map but its map size is not described`,
        );
      }
      // A map on a fixed grid (a pool to a set output size) is the same at every resolution.
      if (map.height === target.height && map.width === target.width) return tf.clone(leaf);
      return transferMapWeights(leaf as tf.Tensor2D, {
        map,
        to: { height: target.height, width: target.width },
        direction,
      });
    }
    case 'power-iteration':
      // Spectral normalisation's vector lives on the layer's input: at another size (a conv
      // layer's map, a dense layer after a flatten) the iteration restarts from a fixed draw.
      return from.shape.length === to.shape.length && from.shape.every((d, i) => d === to.shape[i])
        ? tf.clone(leaf)
        : Rng.fromSeed(0).normal(to.shape);
    default:
      // Biases, dense layers on resolution-free features, norms and non-kernel controls do not
      // depend on the mesh.
      return tf.clone(leaf);
  }
}

/**
 * Moves a whole model to half or double its input resolution (docs: /math/multigrid#classifier): the config is the
 * same with `input` changed to `[H', W', C]`, and each tensor moves by its role
 * (`describeParams` of @runge/architectures):
 * - convolution kernels (`'conv-kernel'`, and every slice of a `'conv-kernel-stack'`) by
 *   `method` ({@link transferKernel}): naive reuse, Galerkin `R K P` (or its 3×3 inverse when
 *   refining), or rediscretisation `h → 2h` / `h → h/2`. On the scale: a stencil trained on mesh
 *   `h` approximates a continuous operator `Σ s_ab ∂_y^a ∂_x^b` with `s_ab ∝ h^(a+b)` built in;
 *   reused as is on mesh `2h` it approximates `Σ 2^(a+b) s_ab ∂_y^a ∂_x^b`, a different
 *   operator (derivative parts doubled or quadrupled). Galerkin and rediscretisation keep the
 *   continuous operator, so the coarse network computes (approximately) the same function of
 *   the image; only the mesh ratio 2 matters, not the absolute mesh width.
 * - dense weights on a flattened feature map (`'dense-on-map'`, the classifier) as images
 *   ({@link transferMapWeights}): `4 R w` coarsening, `¼ P W` refining, so the classifier's
 *   output is kept for smooth feature maps (`⟨4Rw, Rf⟩ = ⟨w, f⟩ (1 + O(h²))`); copied when the
 *   map is the same at both resolutions (a pool to a fixed `outputSize` before the classifier).
 * - biases, dense weights on vectors, batch-norm parameters and statistics, non-kernel controls:
 *   carried over (copied).
 * The result is checked against the target model (`checkVariables`).
 *
 * @param model - `{ config, params, state }`; `config.input` must be an image `[H, W, C]`. Not
 *   modified or disposed.
 * @param options - `to: [H', W']` or `factor: 0.5 | 2`, and `method`.
 * @returns `{ config, params, state }` for the new resolution; new tensors owned by the caller.
 * @throws {@link @runge/tensor-ops!ConfigError} when the model does not take images or does not
 *   fit the new input size (e.g. a 'valid' layer too large for it).
 * @throws {@link @runge/tensor-ops!ValueError} for a target that is not half or double the input,
 *   or an unknown method.
 * @throws {@link @runge/tensor-ops!ShapeError} for a kernel size the method cannot move (Galerkin:
 *   3×3 only), naming the parameter.
 * @throws {@link @runge/tensor-ops!StructureError} when the variables do not fit the config.
 * @example
 * ```ts
 * const { model, params, state } = await loadModel('runs/w1/model.runge'); // 28×28 inputs
 * const coarse = transferModel({ config: model.config, params, state }, { to: [14, 14], method: 'galerkin' });
 * const { y } = buildModel(coarse.config).apply(coarse.params, restrict(images), { state: coarse.state });
 * ```
 */
export function transferModel(model: ModelBundle, options: TransferModelOptions): TransferredModel {
  const method = assertOneOf(options?.method, TRANSFER_METHODS, 'method');
  const source = buildModel(model.config);
  const input = source.inputShape;
  if (input.length !== 3) {
    throw new ConfigError(
      `transferModel: the model's input ${formatShape(input)} is not an image [H, W, C]; only image models change resolution`,
    );
  }
  const state = model.state ?? {};
  source.checkVariables({ params: model.params, state });
  const { size, direction } = targetOf(input, options);
  const config: ModelConfig = { ...source.config, input: [size[0], size[1], input[2] as number] };
  let target: Model;
  try {
    target = buildModel(config);
  } catch (cause) {
    throw new ConfigError(
      `transferModel: the model does not fit ${size[0]}×${size[1]} inputs: ${(cause as Error).message}`,
      { cause },
    );
  }
  const from = byPath(source);
  const to = byPath(target);
  const move =
    (tree: 'params' | 'state') =>
    (leaf: tf.Tensor, path: string): tf.Tensor => {
      const a = from.get(`${tree}:${path}`);
      const b = to.get(`${tree}:${path}`);
      if (!a || !b) {
        throw new ShapeError(`transferModel: ${tree}.${path} has no counterpart in the new model`);
      }
      return moveTensor(leaf, a, b, method, direction);
    };
  const moved = tidyTree(() => ({
    params: treeMapWithPath(move('params'), model.params as TensorTree),
    state: treeMapWithPath(move('state'), state as TensorTree),
  })) as unknown as { params: ModelParams; state: ModelState };
  try {
    target.checkVariables(moved);
  } catch (error) {
    treeDispose(moved as unknown as TensorTree);
    throw error;
  }
  return { config: target.config, params: moved.params, state: moved.state };
}

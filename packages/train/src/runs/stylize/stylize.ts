// Style transfer as an ODE: the content image flows through an ODE block whose weights W(t) are trained so that the end point matches the style's Gram statistics while keeping the content's features.
import {
  BLOCK_NAMES,
  type BlockName,
  buildModel,
  type LayerConfig,
  type ModelParams,
} from '@runge/architectures';
import {
  type FeatureExtractor,
  featureLoss,
  randomFeatureExtractor,
  styleLoss,
} from '@runge/losses';
import {
  assertNumber,
  assertOneOf,
  formatShape,
  ShapeError,
  type TensorTree,
  treeDispose,
  valueAndGrad,
} from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { adam } from '../../adam.js';

/** Options of {@link stylize}. */
export interface StylizeOptions {
  /** The content image `[H, W, 3]` in `[0, 1]`, the flow's start `Y(0)`. */
  readonly content: tf.Tensor3D;
  /** The style image `[H′, W′, 3]` in `[0, 1]` (any size at least 8×8). */
  readonly style: tf.Tensor3D;
  /** Optimisation steps (Adam); default 100. */
  readonly iterations?: number;
  /** Time steps N of the ODE block on `t ∈ [0, 1]`; default 4 (not used by `'fractal'`). */
  readonly steps?: number;
  /**
   * The flow's block (one of `BLOCK_NAMES` of @runge/architectures): an ODE block of those
   * dynamics on the image's three channels, or `'fractal'`, a two-column FractalNet block with
   * three channels; default `'resnet2'`.
   */
  readonly architecture?: BlockName;
  /**
   * The feature network φ (images `[B, H, W, 3]` ↦ feature maps); default the fixed random-filter
   * network `randomFeatureExtractor({ seed, channels: 16, scales: 3 })` of @runge/losses. The
   * caller keeps ownership (a loaded model: {@link loadFeatureModel}).
   */
  readonly featureExtractor?: FeatureExtractor;
  /** Weight β of the style loss against the content loss, each relative to its start; default 5. */
  readonly styleWeight?: number;
  /** Adam's learning rate; default 0.03. */
  readonly lr?: number;
  /** Seed of the ODE block's initial weights and of the feature network's filters; default 1. */
  readonly seed?: number;
  /** Called after every step with the step (1-based) and the two losses. */
  readonly onStep?: (step: number, losses: { style: number; content: number }) => void;
}

/** The outcome of {@link stylize}. */
export interface StylizeResult {
  /** The stylised image `Y(1)` `[H, W, 3]`, clipped to `[0, 1]` (owned by the caller). */
  readonly image: tf.Tensor3D;
  /** The style loss `L_style(y_s, Y(1))` before each step and after the last. */
  readonly styleLoss: readonly number[];
  /** The content loss `L_feature(y_c, Y(1))` before each step and after the last. */
  readonly contentLoss: readonly number[];
}

function checkImage(image: tf.Tensor, name: string): void {
  if (
    image.rank !== 3 ||
    image.shape[2] !== 3 ||
    (image.shape[0] as number) < 8 ||
    (image.shape[1] as number) < 8
  ) {
    throw new ShapeError(
      `${name}: expected an RGB image [H, W, 3] of at least 8×8 pixels, got ${formatShape(image.shape)}`,
    );
  }
}

/** The flow's layer: the block `architecture` on the image's three channels. */
function flowLayer(architecture: BlockName, steps: number): LayerConfig {
  if (architecture === 'fractal') {
    return { type: 'fractal', name: 'flow', columns: 2, channels: 3, activation: 'tanh' };
  }
  return {
    type: 'ode',
    name: 'flow',
    dynamics: architecture,
    ...(architecture === 'resnet2' ? { hidden: 16 } : {}),
    steps,
    T: 1,
    activation: 'tanh',
  };
}

/**
 * Style transfer as an ODE (docs: /math/applications#style-transfer). The content image flows
 * through an ODE block, `∂_t Y = K₂(t) ⋆ tanh(K₁(t) ⋆ Y + b₁(t)) + b₂(t)`, `Y(0) = y_c`,
 * `t ∈ [0, 1]`, `N` forward Euler steps (a `{ type: 'ode', dynamics: 'resnet2', hidden: 16 }`
 * layer of @runge/architectures on the image's three channels, 3×3 kernels), and its weights
 * `W(t)` are trained with Adam on
 *
 * `β L_style(y_s, Y(1)) / S₀ + L_feature(y_c, Y(1)) / C₀`
 *
 * with the perceptual losses of @runge/losses (`styleLoss`: squared distance of the Gram
 * matrices of φ's feature maps; `featureLoss`: squared distance of the maps themselves) under the
 * fixed multi-scale random-filter network φ (`randomFeatureExtractor`), each relative to its
 * value `S₀`, `C₀` at the initial weights so that β weighs comparable numbers. `architecture`
 * picks another block of `BLOCK_NAMES` as the flow (`'fractal'`: a FractalNet block, the
 * expansion of an ODE step), and `featureExtractor` another φ, such as a user's own layers model
 * ({@link loadFeatureModel}). Leak-free.
 *
 * @param options - The images, the optimisation and the block's time steps.
 * @returns The stylised image and the two losses along the optimisation.
 * @throws {@link @runge/tensor-ops!ShapeError} for images that are not RGB `[H, W, 3]` of at least 8×8.
 * @throws {@link @runge/tensor-ops!ValueError} for settings out of range.
 * @example
 * ```ts
 * const { content, style } = builtInStylePair(32);
 * const { image, styleLoss } = await stylize({ content, style, iterations: 100 });
 * ```
 */
export async function stylize(options: StylizeOptions): Promise<StylizeResult> {
  checkImage(options.content, 'content');
  checkImage(options.style, 'style');
  const iterations = assertNumber(options.iterations ?? 100, 'iterations', {
    min: 1,
    integer: true,
  });
  const steps = assertNumber(options.steps ?? 4, 'steps', { min: 1, integer: true });
  const beta = assertNumber(options.styleWeight ?? 5, 'styleWeight', { min: 0 });
  const lr = assertNumber(options.lr ?? 0.03, 'lr', { min: 0, exclusiveMin: true });
  const seed = assertNumber(options.seed ?? 1, 'seed', { min: 0, integer: true });
  const architecture = assertOneOf(options.architecture ?? 'resnet2', BLOCK_NAMES, 'architecture');
  const [h, w] = options.content.shape as [number, number, number];
  const model = buildModel({
    name: 'style-flow',
    input: [h, w, 3],
    layers: [flowLayer(architecture, steps)],
  });
  const own = options.featureExtractor
    ? null
    : randomFeatureExtractor({ seed, channels: 16, scales: 3 });
  const phi: FeatureExtractor = options.featureExtractor ?? (own as FeatureExtractor);
  const content = tf.expandDims(options.content, 0) as tf.Tensor4D;
  const style = tf.expandDims(options.style, 0) as tf.Tensor4D;
  const optimizer = adam();
  let params: ModelParams = model.init(seed).params;
  let state: TensorTree = optimizer.init(params);
  const styleHistory: number[] = [];
  const contentHistory: number[] = [];
  // φ of the two fixed images, computed once (tf.tidy leaves tensors made outside it alone)
  const fixed = new Map<tf.Tensor, readonly tf.Tensor4D[]>([
    [content, tf.tidy(() => [...phi(content)])],
    [style, tf.tidy(() => [...phi(style)])],
  ]);
  const cached = (images: tf.Tensor4D): readonly tf.Tensor4D[] => fixed.get(images) ?? phi(images);
  const losses = (p: ModelParams): [tf.Scalar, tf.Scalar] => {
    const y = model.apply(p, content).y as tf.Tensor4D;
    return [styleLoss(cached, y, style), featureLoss(cached, y, content)];
  };
  try {
    const [s0, c0] = tf
      .tidy(() => losses(params))
      .map((t) => {
        const v = t.dataSync()[0] as number;
        t.dispose();
        return v;
      }) as [number, number];
    const scaleS = beta / Math.max(s0, 1e-12);
    const scaleC = 1 / Math.max(c0, 1e-12);
    for (let step = 1; step <= iterations; step++) {
      let parts: [number, number] = [0, 0];
      const objective = (p: ModelParams): tf.Scalar => {
        const [s, c] = losses(p);
        parts = [s.dataSync()[0] as number, c.dataSync()[0] as number];
        return tf.add(tf.mul(scaleS, s), tf.mul(scaleC, c)) as tf.Scalar;
      };
      const { value, grads } = valueAndGrad(objective)(params);
      styleHistory.push(parts[0]);
      contentHistory.push(parts[1]);
      const next = optimizer.update(params, grads, state, {
        learningRate: lr,
        step,
        loss: value,
        valueAndGrad: (p) => valueAndGrad(objective)(p),
      });
      treeDispose([params, state, grads] as TensorTree);
      value.dispose();
      params = next.params;
      state = next.state;
      options.onStep?.(step, { style: parts[0], content: parts[1] });
      if (step % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
    }
    const [image, sEnd, cEnd] = tf.tidy(() => {
      const y = model.apply(params, content).y as tf.Tensor4D;
      return [
        tf.clipByValue(tf.squeeze(y, [0]), 0, 1) as tf.Tensor3D,
        styleLoss(cached, y, style),
        featureLoss(cached, y, content),
      ];
    });
    styleHistory.push(sEnd.dataSync()[0] as number);
    contentHistory.push(cEnd.dataSync()[0] as number);
    tf.dispose([sEnd, cEnd]);
    return { image, styleLoss: styleHistory, contentLoss: contentHistory };
  } finally {
    treeDispose([params, state] as TensorTree);
    for (const maps of fixed.values()) tf.dispose([...maps]);
    tf.dispose([content, style]);
    own?.dispose();
  }
}

import {
  assertNumber,
  formatShape,
  Rng,
  ShapeError,
  StateError,
  ValueError,
} from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { assertFloat } from './internal/checks.js';
import type { FeatureExtractor } from './perceptual.js';

/** Options of {@link randomFeatureExtractor}. */
export interface RandomFeatureExtractorOptions {
  /** Seed of the filters; the same seed gives the same network on every backend. Default 0. */
  readonly seed?: number;
  /**
   * Channels of the conv layers at each scale: one number for every scale, or one per scale.
   * Default 16.
   */
  readonly channels?: number | readonly number[];
  /** Number of scales, i.e. feature maps returned; the images are halved between scales. Default 3. */
  readonly scales?: number;
  /** Conv 3×3 + ReLU layers per scale. Default 1. */
  readonly convsPerScale?: number;
  /** Channels of the input images. Default 3 (RGB). */
  readonly inputChannels?: number;
}

/**
 * A {@link FeatureExtractor} backed by fixed random filters. It owns its filter tensors:
 * call `dispose()` when done.
 */
export interface RandomFeatureExtractor extends FeatureExtractor {
  /** The conv filters `[3, 3, C_in, C_out]`, in the order they are applied. */
  readonly kernels: readonly tf.Tensor4D[];
  /** The input side of the smallest image the network accepts: `2^(scales − 1)`. */
  readonly minSize: number;
  /** Releases the filters; calling the extractor afterwards throws a `StateError`. */
  dispose(): void;
}

/**
 * 2×2 average pooling, stride 2, by reshape and mean (an odd last row/column is dropped).
 * Unlike `tf.avgPool`, whose gradient has no gradient in TF.js, this is twice differentiable.
 */
function averagePool2(x: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const h2 = Math.floor(h / 2);
  const w2 = Math.floor(w / 2);
  const even = h === 2 * h2 && w === 2 * w2 ? x : tf.slice(x, [0, 0, 0, 0], [n, 2 * h2, 2 * w2, c]);
  return tf.mean(tf.reshape(even, [n, h2, 2, w2, 2, c]), [2, 4]) as tf.Tensor4D;
}

/**
 * Runge's default perceptual network: a fixed multi-scale conv net with random filters. Scale
 * `s` applies `convsPerScale` layers `x ← relu(K ⋆ x)` (3×3, 'same' padding, no bias) and emits
 * the result as feature map `φ_s`; between scales the maps are average-pooled 2×2. Filters are
 * drawn from `Rng` with He scaling, `K ~ N(0, 2/(9 C_in))`, so activations keep their
 * magnitude through the layers. Random filters carry texture statistics well enough for style
 * transfer (docs: /math/applications#style-transfer), and nothing has to be downloaded. Built from `conv2d`, `relu`,
 * `slice`, `reshape` and `mean` only, whose second-order gradients TF.js computes correctly, so
 * it can sit inside a critic under {@link gradientPenalty}.
 *
 * The filters are created now and kept (they survive an enclosing `tf.tidy`); `dispose()`
 * releases them.
 *
 * @param options - `seed` (0), `channels` (16), `scales` (3), `convsPerScale` (1),
 *   `inputChannels` (3).
 * @returns `phi(images)`: float32 NHWC `[N, H, W, inputChannels]` with `H, W ≥ minSize` ↦
 *   `scales` maps `[N, ⌊H/2^s⌋, ⌊W/2^s⌋, channels_s]`, s = 0, …, scales − 1.
 * @throws `ValueError` for non-integer or non-positive sizes, or a `channels` list whose
 *   length is not `scales`.
 * @example
 * ```ts
 * const phi = randomFeatureExtractor({ seed: 7, channels: [8, 16, 32], scales: 3 });
 * const loss = styleLoss(phi, generated, style);
 * phi.dispose();
 * ```
 */
export function randomFeatureExtractor(
  options: RandomFeatureExtractorOptions = {},
): RandomFeatureExtractor {
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed)) {
    throw new ValueError(`seed: expected a safe integer, got ${String(seed)}`);
  }
  const scales = assertNumber(options.scales ?? 3, 'scales', { min: 1, max: 16, integer: true });
  const convsPerScale = assertNumber(options.convsPerScale ?? 1, 'convsPerScale', {
    min: 1,
    integer: true,
  });
  const inputChannels = assertNumber(options.inputChannels ?? 3, 'inputChannels', {
    min: 1,
    integer: true,
  });
  const requested = options.channels ?? 16;
  const channels: number[] =
    typeof requested === 'number'
      ? Array.from({ length: scales }, () => requested)
      : [...requested];
  if (channels.length !== scales) {
    throw new ValueError(
      `channels: expected one number or a list of ${scales} (one per scale), got a list of ${channels.length}`,
    );
  }
  channels.forEach((c, i) => {
    assertNumber(c, `channels[${i}]`, { min: 1, integer: true });
  });

  const rng = Rng.fromSeed(seed);
  const kernels: tf.Tensor4D[] = [];
  let inC = inputChannels;
  for (const outC of channels) {
    for (let k = 0; k < convsPerScale; k++) {
      const std = Math.sqrt(2 / (9 * inC));
      kernels.push(tf.keep(rng.normal([3, 3, inC, outC], { std })) as tf.Tensor4D);
      inC = outC;
    }
  }
  const minSize = 2 ** (scales - 1);
  let disposed = false;

  const phi = (images: tf.Tensor4D): tf.Tensor4D[] => {
    if (disposed) {
      throw new StateError('randomFeatureExtractor: it was disposed; create a new one');
    }
    assertFloat(images, 'images');
    const [, h, w, c] = images.shape;
    if (
      images.rank !== 4 ||
      c !== inputChannels ||
      (h as number) < minSize ||
      (w as number) < minSize
    ) {
      throw new ShapeError(
        `images: expected NHWC [N, H, W, ${inputChannels}] with H, W >= ${minSize} (${scales} scales), got ${formatShape(images.shape)}`,
      );
    }
    return tf.tidy(() => {
      const maps: tf.Tensor4D[] = [];
      let x: tf.Tensor4D = images;
      let k = 0;
      for (let s = 0; s < scales; s++) {
        if (s > 0) x = averagePool2(x);
        for (let l = 0; l < convsPerScale; l++) {
          x = tf.relu(tf.conv2d(x, kernels[k++] as tf.Tensor4D, 1, 'same'));
        }
        maps.push(x);
      }
      return maps;
    });
  };

  return Object.assign(phi, {
    kernels,
    minSize,
    dispose(): void {
      if (disposed) return;
      disposed = true;
      tf.dispose(kernels);
    },
  });
}

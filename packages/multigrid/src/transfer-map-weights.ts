import {
  assertNumber,
  assertOneOf,
  assertShape,
  prolong,
  restrict,
  ValueError,
} from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import type { TransferDirection } from './transfer-kernel.js';

/** Options of {@link transferMapWeights}. */
export interface TransferMapWeightsOptions {
  /** The flattened feature map the weight's rows index (row `(i·W + j)·C + c`). */
  readonly map: { readonly height: number; readonly width: number; readonly channels: number };
  /** Size of the feature map of the model on the new mesh. */
  readonly to: { readonly height: number; readonly width: number };
  /** `'coarsen'` (mesh `h → 2h`) or `'refine'` (mesh `h → h/2`). */
  readonly direction: TransferDirection;
}

/**
 * The scale of a dense-on-map weight under a change of mesh: the coarse map has a quarter of
 * the entries of the fine one, so a sum over it is a quarter of the sum over the fine map for the
 * same smooth function (`Σ_J g(x_J) ≈ ∫ g / H²` with `H = 2h`). Coarsening multiplies the moved
 * weights by 4, refining by ¼.
 */
const MAP_WEIGHT_SCALE = 4;

/** Crops the last rows/columns, or repeats the last row/column, to reach `height × width`. */
function fitSize(image: tf.Tensor4D, height: number, width: number): tf.Tensor4D {
  let x = image;
  const [, h, w] = x.shape;
  if (h > height) x = tf.slice(x, [0, 0, 0, 0], [-1, height, -1, -1]);
  if (w > width) x = tf.slice(x, [0, 0, 0, 0], [-1, -1, width, -1]);
  if (h < height) {
    const edge = tf.slice(x, [0, h - 1, 0, 0], [-1, 1, -1, -1]);
    x = tf.concat([x, tf.tile(edge, [1, height - h, 1, 1])], 1);
  }
  if (w < width) {
    const edge = tf.slice(x, [0, 0, w - 1, 0], [-1, -1, 1, -1]);
    x = tf.concat([x, tf.tile(edge, [1, 1, width - w, 1])], 2);
  }
  return x;
}

function checkSize(
  what: 'height' | 'width',
  from: number,
  to: number,
  direction: TransferDirection,
): void {
  // The natural partner sizes of the vertex-centred transfer, and one row/column either way (a
  // 'valid' pooling of an odd-sized map drops its last row: 7×7 → 3×3 while 14×14 → 7×7).
  const ok =
    direction === 'coarsen'
      ? Math.abs(to - Math.ceil(from / 2)) <= 1
      : Math.abs(Math.ceil(to / 2) - from) <= 1;
  if (!ok || to < 1) {
    throw new ValueError(
      `transferMapWeights: to.${what} ${to} is not a ${direction === 'coarsen' ? 'coarsening' : 'refinement'} of ${what} ${from}; expected ${
        direction === 'coarsen' ? `about ⌈${from}/2⌉ = ${Math.ceil(from / 2)}` : `about 2·${from}`
      }`,
    );
  }
}

/**
 * Moves the weight of a dense layer acting on a flattened `[H, W, C]` feature map (the
 * classifier of an image model) to the feature map of the same model on mesh `2h` or `h/2`,
 * treating it as `units` images: the weight `[H·W·C, units]` is reshaped to one image
 * `[H, W, C·units]` (rows are `(i·W + j)·C + c`, so this is a plain reshape), restricted by full
 * weighting `R` (coarsening) or prolonged bilinearly `P = 4Rᵀ` (refining), reshaped back, and
 * rescaled so the layer's output is kept:
 * - coarsening: `W_H = 4 R w = Pᵀ w`, so `⟨W_H, F⟩ = ⟨w, P F⟩` exactly (the coarse classifier is
 *   the fine one applied to the prolonged coarse map), and for smooth `w`, `f` sampled on the
 *   meshes, `⟨4 R w, R f⟩ = ⟨w, f⟩ (1 − (h²/2) ∫∇w·∇f / ∫w f + O(h⁴))` (because
 *   `R g = g + (h²/4) Δg + O(h⁴)` and a sum over the coarse mesh is ¼ of the fine one);
 * - refining: `w_h = ¼ P W = Rᵀ W`, so `⟨w_h, f⟩ = ⟨W, R f⟩` exactly (the fine classifier is the
 *   coarse one applied to the restricted fine map).
 * When the target map is one row or column off the natural size (`⌈H/2⌉`, or `2H − 1`/`2H`, as
 * after a 'valid' pooling of an odd-sized map), the last row/column is dropped or repeated
 * (before prolonging when refining); the identities above then hold away from that edge.
 *
 * @param weight - `[H·W·C, units]`.
 * @param options - `map` (`H`, `W`, `C` of the source map), `to` (target map size), `direction`.
 * @returns `[H'·W'·C, units]`, a new tensor owned by the caller.
 * @throws {@link @runge/tensor-ops!ShapeError} when the weight's rows do not match `map`.
 * @throws {@link @runge/tensor-ops!ValueError} when `to` is not a coarsening/refinement of `map`.
 * @example
 * ```ts
 * // W1's classifier on the 14×14×16 map of 28×28 images → the 7×7×16 map of 14×14 images
 * const W = transferMapWeights(params.dense_4.W, {
 *   map: { height: 14, width: 14, channels: 16 }, to: { height: 7, width: 7 }, direction: 'coarsen',
 * });
 * ```
 */
export function transferMapWeights(
  weight: tf.Tensor2D,
  options: TransferMapWeightsOptions,
): tf.Tensor2D {
  const { map, to } = options;
  const direction = assertOneOf(options.direction, ['coarsen', 'refine'] as const, 'direction');
  const h = assertNumber(map?.height, 'map.height', { min: 1, integer: true });
  const w = assertNumber(map?.width, 'map.width', { min: 1, integer: true });
  const c = assertNumber(map?.channels, 'map.channels', { min: 1, integer: true });
  const th = assertNumber(to?.height, 'to.height', { min: 1, integer: true });
  const tw = assertNumber(to?.width, 'to.width', { min: 1, integer: true });
  assertShape(weight, [h * w * c, null], 'weight');
  checkSize('height', h, th, direction);
  checkSize('width', w, tw, direction);
  const units = weight.shape[1];
  return tf.tidy(() => {
    const image = tf.reshape(weight, [1, h, w, c * units]) as tf.Tensor4D;
    const moved =
      direction === 'coarsen'
        ? tf.mul(fitSize(restrict(image), th, tw), MAP_WEIGHT_SCALE)
        : tf.div(
            prolong(fitSize(image, Math.ceil(th / 2), Math.ceil(tw / 2)), {
              height: th,
              width: tw,
            }),
            MAP_WEIGHT_SCALE,
          );
    return tf.reshape(moved, [th * tw * c, units]);
  });
}

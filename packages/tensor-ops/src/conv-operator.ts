import * as tf from '@tensorflow/tfjs-core';
import { ShapeError, ValueError } from './errors.js';
import { assertDtype, assertNumber, assertRank, formatShape } from './validate.js';

/**
 * Explicit zero padding in TF.js's NHWC layout:
 * `[[0, 0], [top, bottom], [left, right], [0, 0]]`.
 */
export type ConvExplicitPadding = [
  [number, number],
  [number, number],
  [number, number],
  [number, number],
];

/**
 * Zero padding of a 2-D convolution, as `tf.conv2d` takes it: `'same'` (output size
 * `⌈H/stride⌉`), `'valid'` (no padding), a number `p` (p zeros on every side), or explicit
 * per-side amounts.
 */
export type ConvPadding = 'same' | 'valid' | number | ConvExplicitPadding;

/** Options of {@link conv}: the operator `x ↦ conv2d(x, K, stride, padding)`. */
export interface ConvOptions {
  /** Stride, one number for both axes or `[strideRows, strideColumns]`; default 1. */
  readonly stride?: number | readonly [number, number];
  /** Zero padding; default `'same'`. */
  readonly padding?: ConvPadding;
}

/** Options of {@link convTranspose}. */
export interface ConvTransposeOptions extends ConvOptions {
  /**
   * Shape of the convolution's input `x` (the adjoint's output): `[H, W]`, `[H, W, C]` or
   * `[N, H, W, C]`. Needed because with a stride > 1 or `'valid'` padding several input sizes
   * give the same output size. Missing batch and channel sizes are taken from `y` and `kernel`.
   */
  readonly inputShape: readonly number[];
}

/** A convolution's stride and padding, validated, in TF.js's form (explicit per-side pads). */
export interface ResolvedConv {
  readonly strides: [number, number];
  readonly pad: 'same' | 'valid' | ConvExplicitPadding;
}

function resolveOptions(options: ConvOptions, where: string): ResolvedConv {
  const stride = options.stride ?? 1;
  let strides: [number, number];
  if (typeof stride === 'number') {
    assertNumber(stride, `${where}: stride`, { min: 1, integer: true });
    strides = [stride, stride];
  } else if (Array.isArray(stride) && stride.length === 2) {
    assertNumber(stride[0], `${where}: stride[0]`, { min: 1, integer: true });
    assertNumber(stride[1], `${where}: stride[1]`, { min: 1, integer: true });
    strides = [stride[0], stride[1]];
  } else {
    throw new ValueError(
      `${where}: stride must be a positive integer or [rows, columns], got ${JSON.stringify(stride)}`,
    );
  }
  const padding = options.padding ?? 'same';
  if (padding === 'same' || padding === 'valid') return { strides, pad: padding };
  if (typeof padding === 'number') {
    const p = assertNumber(padding, `${where}: padding`, { min: 0, integer: true });
    return {
      strides,
      pad: [
        [0, 0],
        [p, p],
        [p, p],
        [0, 0],
      ],
    };
  }
  const explicit =
    Array.isArray(padding) &&
    padding.length === 4 &&
    padding.every(
      (pair) =>
        Array.isArray(pair) &&
        pair.length === 2 &&
        pair.every((v) => Number.isInteger(v) && (v as number) >= 0),
    );
  if (!explicit) {
    throw new ValueError(
      `${where}: padding must be 'same', 'valid', a non-negative integer or [[0, 0], [top, bottom], [left, right], [0, 0]], got ${JSON.stringify(padding)}`,
    );
  }
  const [nPad, rows, cols, cPad] = padding;
  if (nPad[0] !== 0 || nPad[1] !== 0 || cPad[0] !== 0 || cPad[1] !== 0) {
    throw new ValueError(
      `${where}: explicit padding may only pad rows and columns; the batch and channel entries must be [0, 0], got ${JSON.stringify(padding)}`,
    );
  }
  return {
    strides,
    pad: [
      [0, 0],
      [rows[0], rows[1]],
      [cols[0], cols[1]],
      [0, 0],
    ],
  };
}

/** Output size of a convolution along one axis (TF.js's rule for each padding mode). */
function outputSize(
  input: number,
  filter: number,
  stride: number,
  pad: ResolvedConv['pad'],
  axis: 0 | 1,
): number {
  if (pad === 'same') return Math.ceil(input / stride);
  const [before, after] = pad === 'valid' ? [0, 0] : pad[axis + 1]!;
  const padded = input + before + after;
  if (padded < filter) return 0;
  return Math.floor((padded - filter) / stride) + 1;
}

function describePadding(pad: ResolvedConv['pad']): string {
  return typeof pad === 'string' ? `'${pad}'` : JSON.stringify(pad);
}

function checkKernel(kernel: unknown, where: string): asserts kernel is tf.Tensor4D {
  assertRank(kernel, 4, `${where}: kernel`);
  assertDtype(kernel, 'float32', `${where}: kernel`);
}

/**
 * Checks the arguments of a convolution `conv2d(x, kernel, stride, padding)` and resolves its
 * stride and padding as TF.js takes them.
 *
 * @param where - The caller's name, which every message starts with.
 * @throws {@link ShapeError}, {@link DTypeError} or {@link ValueError} as {@link conv} documents.
 */
export function checkConv(
  x: unknown,
  kernel: unknown,
  options: ConvOptions,
  where: string,
): ResolvedConv {
  assertRank(x, [3, 4], `${where}: x`);
  assertDtype(x, 'float32', `${where}: x`);
  checkKernel(kernel, where);
  const resolved = resolveOptions(options, where);
  const { strides, pad } = resolved;
  const [kh, kw, kin] = kernel.shape;
  const [h, w, c] = (x as tf.Tensor).shape.slice(-3) as [number, number, number];
  if (c !== kin) {
    throw new ShapeError(
      `${where}: x has ${c} channels (shape ${formatShape((x as tf.Tensor).shape)}) but kernel expects ${kin} (shape ${formatShape(kernel.shape)}); the kernel is [kh, kw, in, out]`,
    );
  }
  if (outputSize(h, kh, strides[0], pad, 0) < 1 || outputSize(w, kw, strides[1], pad, 1) < 1) {
    throw new ShapeError(
      `${where}: x of spatial size ${h}×${w} is smaller than the ${kh}×${kw} kernel with padding ${describePadding(pad)}; pad the input or use 'same'`,
    );
  }
  return resolved;
}

/**
 * The convolution as a linear operator, `x ↦ K x = conv2d(x, K, stride, padding)`, with
 * tf.conv2d's conventions: cross-correlation, NHWC, filter `[kh, kw, in, out]`,
 * `(K x)[n, i, j, o] = Σ_{p, q, c} K[p, q, c, o] · x[n, s·i + p − top, s·j + q − left, c]`
 * with zeros outside the image. Its adjoint is {@link convTranspose}.
 *
 * @param x - `[N, H, W, in]` or `[H, W, in]`, float32.
 * @param kernel - `[kh, kw, in, out]`, float32.
 * @param options - `stride` (default 1) and `padding` (default `'same'`).
 * @returns `[N, H', W', out]` (or `[H', W', out]`), with `H' = ⌈H/stride⌉` for `'same'`.
 * @throws {@link ShapeError} on a wrong rank, a channel mismatch between `x` and `kernel`, or an
 *   input smaller than the (padded) kernel.
 * @throws {@link DTypeError} unless both tensors are float32.
 * @throws {@link ValueError} on an invalid stride or padding.
 * @example
 * ```ts
 * const y = conv(images, kernel, { stride: 2, padding: 'same' }); // [8, 28, 28, 1] → [8, 14, 14, out]
 * ```
 */
export function conv<T extends tf.Tensor3D | tf.Tensor4D>(
  x: T,
  kernel: tf.Tensor4D,
  options: ConvOptions = {},
): T {
  const { strides, pad } = checkConv(x, kernel, options, 'conv');
  return tf.conv2d(x, kernel, strides, pad);
}

/**
 * The adjoint `Kᵀ` of the convolution operator `x ↦ conv2d(x, K, stride, padding)` (see
 * {@link conv}): the unique linear map with `⟨K x, y⟩ = ⟨x, Kᵀ y⟩` for all `x` of shape
 * `inputShape` and all `y` of the output's shape,
 * `(Kᵀ y)[n, a, b, c] = Σ_{i, j, p, q, o : s·i + p − top = a, s·j + q − left = b} K[p, q, c, o] · y[n, i, j, o]`.
 * This is what deep-learning libraries call a transposed convolution ("deconvolution") with the
 * same filter; parabolic and Hamiltonian networks use it as `Kᵀ`.
 *
 * @param y - `[N, H', W', out]` or `[H', W', out]` (the shape of `conv(x, kernel)`), float32.
 * @param kernel - `[kh, kw, in, out]`, float32, the forward convolution's filter.
 * @param options - `inputShape` (the forward input's shape: `[H, W]`, `[H, W, in]` or
 *   `[N, H, W, in]`), `stride` (default 1), `padding` (default `'same'`), as in the forward conv.
 * @returns `[N, H, W, in]` (or `[H, W, in]` for a rank-3 `y`).
 * @throws {@link ShapeError} on a wrong rank, when `y`'s channels differ from the kernel's `out`,
 *   or when `inputShape` does not convolve to `y`'s spatial size (or disagrees with the batch
 *   size or the kernel's `in`).
 * @throws {@link DTypeError} unless both tensors are float32.
 * @throws {@link ValueError} on an invalid stride, padding or `inputShape`.
 * @example
 * ```ts
 * const y = conv(x, kernel, { stride: 2 });                       // [1, 7, 7, 3] → [1, 4, 4, 5]
 * const back = convTranspose(y, kernel, { inputShape: [7, 7], stride: 2 }); // [1, 7, 7, 3]
 * ```
 */
export function convTranspose<T extends tf.Tensor3D | tf.Tensor4D>(
  y: T,
  kernel: tf.Tensor4D,
  options: ConvTransposeOptions,
): T {
  assertRank(y, [3, 4], 'convTranspose: y');
  assertDtype(y, 'float32', 'convTranspose: y');
  checkKernel(kernel, 'convTranspose');
  const { strides, pad } = resolveOptions(options ?? {}, 'convTranspose');
  const [kh, kw, kin, kout] = kernel.shape;
  const [oh, ow, c] = y.shape.slice(-3) as [number, number, number];
  if (c !== kout) {
    throw new ShapeError(
      `convTranspose: y has ${c} channels (shape ${formatShape(y.shape)}) but the kernel's output channels are ${kout} (shape ${formatShape(kernel.shape)}); y must have the shape of conv(x, kernel)`,
    );
  }
  const inputShape = options?.inputShape;
  const allowed = y.rank === 4 ? [2, 3, 4] : [2, 3];
  if (
    !Array.isArray(inputShape) ||
    !allowed.includes(inputShape.length) ||
    !inputShape.every((d) => Number.isInteger(d) && d > 0)
  ) {
    throw new ValueError(
      `convTranspose: inputShape must be positive integers ${y.rank === 4 ? '[H, W], [H, W, C] or [N, H, W, C]' : '[H, W] or [H, W, C]'} (the forward conv's input), got ${JSON.stringify(inputShape)}`,
    );
  }
  const spatialAt = inputShape.length === 4 ? 1 : 0;
  const h = inputShape[spatialAt]!;
  const w = inputShape[spatialAt + 1]!;
  const batch = y.rank === 4 ? y.shape[0]! : null;
  const expected: number[] = batch === null ? [h, w, kin] : [batch, h, w, kin];
  if (inputShape.length === 4 && inputShape[0] !== batch) {
    throw new ShapeError(
      `convTranspose: inputShape ${formatShape(inputShape)} has batch ${inputShape[0]} but y ${formatShape(y.shape)} has batch ${batch}`,
    );
  }
  if (inputShape.length >= 3 && inputShape[inputShape.length - 1] !== kin) {
    throw new ShapeError(
      `convTranspose: inputShape ${formatShape(inputShape)} has ${inputShape[inputShape.length - 1]} channels but the kernel ${formatShape(kernel.shape)} takes ${kin}`,
    );
  }
  const eh = outputSize(h, kh, strides[0], pad, 0);
  const ew = outputSize(w, kw, strides[1], pad, 1);
  if (eh !== oh || ew !== ow) {
    throw new ShapeError(
      `convTranspose: a conv with stride ${formatShape(strides)} and padding ${describePadding(pad)} maps inputShape ${formatShape(expected)} to spatial size ${eh}×${ew}, but y ${formatShape(y.shape)} is ${oh}×${ow}; pass the forward conv's inputShape`,
    );
  }
  return tf.conv2dTranspose(
    y,
    kernel,
    expected as [number, number, number] | [number, number, number, number],
    strides,
    pad,
  );
}

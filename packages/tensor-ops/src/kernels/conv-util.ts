// Shared pieces of the convolution gradients: filter flips, stride dilation of output gradients.
import * as tf from '@tensorflow/tfjs-core';
import { heapF32, type WasmBackend } from './wasm-backend.js';

type Shape4 = [number, number, number, number];

/** Asserts a rank-4 shape for the type checker (callers already validated ranks). */
export function shape4(shape: readonly number[]): Shape4 {
  return [shape[0] ?? 1, shape[1] ?? 1, shape[2] ?? 1, shape[3] ?? 1];
}

/**
 * The geometry (output size, padding, strides, dilations) of an NHWC convolution of an input of
 * `inShape` with a filter of `filterShape`, from the attributes the convolution kernels and
 * their gradients share: TF.js's own `computeConv2DInfo`.
 */
export function convInfo(
  inShape: readonly number[],
  filterShape: readonly number[],
  attrs: {
    readonly strides: [number, number] | number;
    readonly pad: tf.Conv2DAttrs['pad'];
    readonly dimRoundingMode?: tf.Conv2DAttrs['dimRoundingMode'];
    readonly dilations?: [number, number] | number;
  },
  depthwise: boolean,
): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    shape4(inShape),
    shape4(filterShape),
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    depthwise,
    'channelsLast',
  );
}

/**
 * A depthwise filter `[FH, FW, C, M]` flipped spatially and viewed as `[FH, FW, C·M, 1]`,
 * so each of the `C·M` output-gradient channels is convolved with its own flipped kernel.
 */
export function flipDepthwiseFilter(backend: WasmBackend, filter: tf.TensorInfo): tf.TensorInfo {
  const [fh, fw, c, m] = shape4(filter.shape);
  const block = c * m;
  const out = backend.makeOutput([fh, fw, block, 1], 'float32');
  const src = heapF32(backend, filter);
  const dst = heapF32(backend, out);
  for (let i = 0; i < fh; i++) {
    for (let j = 0; j < fw; j++) {
      const from = ((fh - 1 - i) * fw + (fw - 1 - j)) * block;
      dst.set(src.subarray(from, from + block), (i * fw + j) * block);
    }
  }
  return out;
}

/**
 * Inserts `stride - 1` zero rows/columns between the pixels of an NHWC tensor, so that a
 * strided convolution's input gradient becomes a stride-1 convolution. Returns `dy` itself
 * (not a copy) when both strides are 1.
 */
export function dilateByStride(
  backend: WasmBackend,
  dy: tf.TensorInfo,
  strideHeight: number,
  strideWidth: number,
): tf.TensorInfo {
  if (strideHeight === 1 && strideWidth === 1) return dy;
  const [n, oh, ow, c] = shape4(dy.shape);
  const dh = (oh - 1) * strideHeight + 1;
  const dw = (ow - 1) * strideWidth + 1;
  const out = backend.makeOutput([n, dh, dw, c], 'float32');
  const src = heapF32(backend, dy);
  const dst = heapF32(backend, out);
  dst.fill(0);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        const from = ((b * oh + i) * ow + j) * c;
        dst.set(
          src.subarray(from, from + c),
          ((b * dh + i * strideHeight) * dw + j * strideWidth) * c,
        );
      }
    }
  }
  return out;
}

/** TF.js's explicit NHWC padding for the spatial axes. */
export function explicitPadding(
  top: number,
  bottom: number,
  left: number,
  right: number,
): tf.backend_util.ExplicitPadding {
  return [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ];
}

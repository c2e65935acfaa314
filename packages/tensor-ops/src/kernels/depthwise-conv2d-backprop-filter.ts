// Filter gradient of a depthwise 2-D convolution on wasm: XNNPACK convolutions over groups of
// channels, or a direct pass over the heap.
import * as tf from '@tensorflow/tfjs-core';
import { convInfo, explicitPadding } from './conv-util.js';
import {
  asWasmBackend,
  attrsOf,
  callKernel,
  heapF32,
  input,
  type KernelArgs,
  markKernel,
  release,
  reshapeInfo,
  type WasmBackend,
} from './wasm-backend.js';

type ConvInfo = tf.backend_util.Conv2DInfo;

/** Copies block `index` of a buffer made of equal blocks of `shape` into a new tensor. */
function block(
  backend: WasmBackend,
  t: tf.TensorInfo,
  index: number,
  shape: number[],
): tf.TensorInfo {
  const size = shape.reduce((a, d) => a * d, 1);
  const out = backend.makeOutput(shape, 'float32');
  const src = heapF32(backend, t);
  heapF32(backend, out).set(src.subarray(index * size, (index + 1) * size));
  return out;
}

/**
 * The dense filter gradient of each group of `G` channels (formulated as in the dense kernel:
 * channels as batch, batch as channels), whose diagonal blocks are the depthwise gradient. G-fold redundant work, but at XNNPACK's speed, some 30 times that of a scalar loop.
 */
function groupedOnXnnpack(
  backend: WasmBackend,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: ConvInfo,
  group: number,
): tf.TensorInfo {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight, outWidth } = info;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const m = info.outChannels / c;
  const groups = c / group;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const bottom = fh + (outHeight - 1) * sh - h - top;
  const right = fw + (outWidth - 1) * sw - w - left;
  const rawH = fh + Math.max(0, -bottom);
  const rawW = fw + Math.max(0, -right);
  // x as [groups, G, h·w, n] and dy as [groups, oh·ow, n, G·M]: each group contiguous.
  const xView = reshapeInfo(backend, x, [n, h * w, groups, group]);
  const xt = callKernel('Transpose', backend, { x: xView }, { perm: [2, 3, 1, 0] });
  const dyView = reshapeInfo(backend, dy, [n, outHeight * outWidth, groups, group * m]);
  const dyt = callKernel('Transpose', backend, { x: dyView }, { perm: [2, 1, 0, 3] });
  release(backend, xView, dyView);
  const out = backend.makeOutput([fh, fw, c, m], 'float32');
  for (let g = 0; g < groups; g++) {
    const xg = block(backend, xt, g, [group, h, w, n]);
    const dyg = block(backend, dyt, g, [outHeight, outWidth, n, group * m]);
    const raw = callKernel(
      'Conv2D',
      backend,
      { x: xg, filter: dyg },
      {
        strides: 1,
        pad: explicitPadding(top, Math.max(bottom, 0), left, Math.max(right, 0)),
        dilations: [sh, sw],
        dataFormat: 'NHWC',
      },
    );
    release(backend, xg, dyg);
    // raw[k, i, j, k'·M + t] = Σ x[·, ·, ·, G·g + k] · dy[·, ·, ·, (G·g + k')·M + t]; keep k = k'.
    const src = heapF32(backend, raw);
    const dst = heapF32(backend, out);
    for (let k = 0; k < group; k++) {
      for (let i = 0; i < fh; i++) {
        for (let j = 0; j < fw; j++) {
          const from = ((k * rawH + i) * rawW + j) * group * m + k * m;
          const to = ((i * fw + j) * c + g * group + k) * m;
          for (let t = 0; t < m; t++) dst[to + t] = src[from + t] as number;
        }
      }
    }
    release(backend, raw);
  }
  release(backend, xt, dyt);
  return out;
}

/** One pass over the heap buffers, innermost over contiguous channels, in double precision. */
function accumulateOnHeap(
  backend: WasmBackend,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: ConvInfo,
): tf.TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth } = info;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const { dilationHeight: dh, dilationWidth: dw } = info;
  const m = info.outChannels / c;
  const cm = c * m;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const acc = new Float64Array(fh * fw * cm);
  const out = backend.makeOutput([fh, fw, c, m], 'float32');
  const xs = heapF32(backend, x);
  const dys = heapF32(backend, dy);
  for (let b = 0; b < batchSize; b++) {
    for (let p = 0; p < outHeight; p++) {
      for (let i = 0; i < fh; i++) {
        const row = p * sh + i * dh - top;
        if (row < 0 || row >= inHeight) continue;
        for (let q = 0; q < outWidth; q++) {
          const dyBase = ((b * outHeight + p) * outWidth + q) * cm;
          for (let j = 0; j < fw; j++) {
            const col = q * sw + j * dw - left;
            if (col < 0 || col >= inWidth) continue;
            const xBase = ((b * inHeight + row) * inWidth + col) * c;
            const accBase = (i * fw + j) * cm;
            if (m === 1) {
              for (let k = 0; k < c; k++) {
                acc[accBase + k] =
                  (acc[accBase + k] as number) +
                  (xs[xBase + k] as number) * (dys[dyBase + k] as number);
              }
            } else {
              for (let k = 0; k < c; k++) {
                const xv = xs[xBase + k] as number;
                const base = k * m;
                for (let t = 0; t < m; t++) {
                  acc[accBase + base + t] =
                    (acc[accBase + base + t] as number) + xv * (dys[dyBase + base + t] as number);
                }
              }
            }
          }
        }
      }
    }
  }
  heapF32(backend, out).set(acc);
  return out;
}

/**
 * `DepthwiseConv2dNativeBackpropFilter` for the wasm backend:
 *
 *   `dw[i, j, c, m] = Σ_{n, p, q} x[n, s·p + d·i - pt, s·q + d·j - pl, c] · dy[n, p, q, c·M + m]`.
 *
 * No XNNPACK operator reduces over the batch per channel. With dilation 1 the channels are taken
 * in groups of `G` (8 where they divide): each group's dense filter gradient (all `G × G·M`
 * channel pairs) is one XNNPACK convolution, and its diagonal blocks are the depthwise gradient:
 * `G` times the needed work at some 30 times a scalar loop's speed. With dilation > 1 (never
 * requested by TF.js's gradients) the sum runs as one pass over the heap buffers.
 *
 * @returns The kernel function.
 */
export function depthwiseConv2dBackpropFilterKernel(): tf.KernelFunc {
  const kernel = (args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] => {
    const backend = asWasmBackend(args.backend);
    const x = input(args, 'x', tf.DepthwiseConv2dNativeBackpropFilter);
    const dy = input(args, 'dy', tf.DepthwiseConv2dNativeBackpropFilter);
    const attrs = attrsOf<tf.DepthwiseConv2dNativeBackpropFilterAttrs>(args);
    const info = convInfo(x.shape, attrs.filterShape, attrs, true);
    const empty = info.batchSize * info.outHeight * info.outWidth === 0;
    if (info.dilationHeight !== 1 || info.dilationWidth !== 1 || empty) {
      return accumulateOnHeap(backend, x, dy, info);
    }
    const c = info.inChannels;
    const group = [8, 4, 2, 1].find((g) => c % g === 0) ?? 1;
    return groupedOnXnnpack(backend, x, dy, info, group);
  };
  return markKernel(kernel, 'native');
}

// Input gradient of a depthwise 2-D convolution on wasm, as one XNNPACK depthwise convolution.
import * as tf from '@tensorflow/tfjs-core';
import {
  convInfo,
  dilateByStride,
  explicitPadding,
  flipDepthwiseFilter,
  shape4,
} from './conv-util.js';
import {
  asWasmBackend,
  attrsOf,
  callKernel,
  input,
  type KernelArgs,
  markKernel,
  release,
  reshapeInfo,
} from './wasm-backend.js';

/**
 * `DepthwiseConv2dNativeBackpropInput` for the wasm backend. With channel multiplier `M`, the
 * forward op is `y[n, p, q, c·M + m] = Σ_{i,j} x[n, s·p + d·i - pt, s·q + d·j - pl, c] · w[i, j, c, m]`,
 * so
 *
 *   `dx[…, c] = Σ_m dconv(D_s(dy)[…, c·M + m], flip(w)[:, :, c, m])`,
 *
 * a stride-1 depthwise convolution (dilation `d`) of the zero-dilated output gradient with the
 * spatially flipped filter viewed as `[FH, FW, C·M, 1]`, followed by a sum over `m`.
 *
 * @param fallback - used for explicit paddings wider than the filter (the cpu bridge).
 * @returns The kernel function.
 */
export function depthwiseConv2dBackpropInputKernel(fallback: tf.KernelFunc): tf.KernelFunc {
  const kernel = (args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] => {
    const backend = asWasmBackend(args.backend);
    const dy = input(args, 'dy', tf.DepthwiseConv2dNativeBackpropInput);
    const filter = input(args, 'filter', tf.DepthwiseConv2dNativeBackpropInput);
    const attrs = attrsOf<tf.DepthwiseConv2dNativeBackpropInputAttrs>(args);
    const info = convInfo(attrs.inputShape, filter.shape, attrs, true);
    const top = info.effectiveFilterHeight - 1 - info.padInfo.top;
    const left = info.effectiveFilterWidth - 1 - info.padInfo.left;
    const bottom =
      info.inHeight +
      info.effectiveFilterHeight -
      1 -
      top -
      ((info.outHeight - 1) * info.strideHeight + 1);
    const right =
      info.inWidth +
      info.effectiveFilterWidth -
      1 -
      left -
      ((info.outWidth - 1) * info.strideWidth + 1);
    if (top < 0 || left < 0 || bottom < 0 || right < 0 || info.outHeight * info.outWidth === 0) {
      return fallback(args);
    }
    const [n, h, w, c] = shape4(attrs.inputShape);
    const multiplier = info.outChannels / info.inChannels;
    const flipped = flipDepthwiseFilter(backend, filter);
    const dilated = dilateByStride(backend, dy, info.strideHeight, info.strideWidth);
    const perChannel = callKernel(
      'DepthwiseConv2dNative',
      backend,
      { x: dilated, filter: flipped },
      {
        strides: 1,
        pad: explicitPadding(top, bottom, left, right),
        dilations: [info.dilationHeight, info.dilationWidth],
        dataFormat: 'NHWC',
      },
    );
    release(backend, flipped);
    if (dilated !== dy) release(backend, dilated);
    if (multiplier === 1) return perChannel;
    const split = reshapeInfo(backend, perChannel, [n, h, w, c, multiplier]);
    const dx = callKernel('Sum', backend, { x: split }, { axis: [4], keepDims: false });
    release(backend, split, perChannel);
    return dx;
  };
  return markKernel(kernel, 'native');
}

// Conv2D and FusedConv2D (bias + relu) on the native backend: NHWC, dilation 1, any size/stride/padding.
import * as tf from '@tensorflow/tfjs-core';
import { input, type NativeKernel, type NativeKernelArgs } from './kernel-args.js';

/** The 13 sizes the addon's convolutions take, or null when the native kernels do not apply. */
export function convSizes(info: tf.backend_util.Conv2DInfo): Int32Array | null {
  if (info.dataFormat !== 'channelsLast' || info.dilationHeight !== 1 || info.dilationWidth !== 1) {
    return null;
  }
  const sizes = [
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.filterHeight,
    info.filterWidth,
    info.outChannels,
    info.strideHeight,
    info.strideWidth,
    info.padInfo.top,
    info.padInfo.left,
    info.outHeight,
    info.outWidth,
  ];
  if (sizes.some((s, i) => (i === 9 || i === 10 ? s < 0 : s <= 0))) return null;
  return Int32Array.from(sizes);
}

function conv(args: NativeKernelArgs, fused: boolean): tf.TensorInfo | null {
  const { backend } = args;
  const attrs = (args.attrs ?? {}) as unknown as tf.FusedConv2DAttrs;
  const x = input(args, 'x');
  const filter = input(args, 'filter');
  const xv = backend.floats(x);
  const fv = backend.floats(filter);
  if (xv === null || fv === null) return null;
  let activation = 0;
  let bv: Float32Array | null = null;
  if (fused) {
    if (attrs.activation === 'relu') activation = 1;
    else if (attrs.activation !== 'linear' && attrs.activation !== undefined) return null;
    if (args.inputs.preluActivationWeights !== undefined) return null;
    const bias = args.inputs.bias;
    if (bias !== undefined) {
      const outChannels = filter.shape[3] as number;
      if (bias.shape.length !== 1 || bias.shape[0] !== outChannels) return null;
      bv = backend.floats(bias);
      if (bv === null) return null;
    }
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    attrs.strides,
    attrs.dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    tf.backend_util.convertConv2DDataFormat(attrs.dataFormat),
  );
  const sizes = convSizes(info);
  if (sizes === null) return null;
  const out = backend.alloc(info.batchSize * info.outHeight * info.outWidth * info.outChannels);
  backend.addon.conv2d(xv, fv, bv, out, sizes, activation);
  return backend.output(info.outShape, out);
}

/** `Conv2D` (TF.js's `tf.conv2d`). */
export const conv2dKernel: NativeKernel = (args) => conv(args, false);

/** `FusedConv2D` (TF.js's `tf.fused.conv2d`) with a per-channel bias and linear or relu activation. */
export const fusedConv2dKernel: NativeKernel = (args) => conv(args, true);

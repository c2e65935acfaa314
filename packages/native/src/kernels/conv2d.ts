// Conv2D and FusedConv2D (bias + relu) on the native backend: NHWC, dilation 1, any size/stride/padding.
import type * as tf from '@tensorflow/tfjs-core';
import { input, type NativeKernel, type NativeKernelArgs } from './kernel-args.js';
import { convWindow } from './window-sizes.js';

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
  const geometry = convWindow(x.shape, filter.shape, attrs, attrs.dilations);
  if (geometry === null) return null;
  const { info, sizes } = geometry;
  const out = backend.alloc(info.batchSize * info.outHeight * info.outWidth * info.outChannels);
  backend.addon.conv2d(xv, fv, bv, out, sizes, activation);
  return backend.output(info.outShape, out);
}

/** `Conv2D` (TF.js's `tf.conv2d`). */
export const conv2dKernel: NativeKernel = (args) => conv(args, false);

/** `FusedConv2D` (TF.js's `tf.fused.conv2d`) with a per-channel bias and linear or relu activation. */
export const fusedConv2dKernel: NativeKernel = (args) => conv(args, true);

// AvgPool and AvgPoolGrad on the native backend (NHWC), with the cpu backend's conventions.
import * as tf from '@tensorflow/tfjs-core';
import { input, type NativeKernel } from './kernel-args.js';
import { matchesOutput, windowSizes } from './window-sizes.js';

/** `AvgPool`: the mean over each window's positions inside the input (padding not counted). */
export const avgPoolKernel: NativeKernel = (args) => {
  const { backend } = args;
  const attrs = (args.attrs ?? {}) as unknown as tf.AvgPoolAttrs;
  const x = input(args, 'x');
  const xv = backend.floats(x);
  if (xv === null || x.shape.length !== 4) return null;
  const info = tf.backend_util.computePool2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const sizes = windowSizes(info, false);
  if (sizes === null) return null;
  const out = backend.alloc(info.batchSize * info.outHeight * info.outWidth * info.inChannels);
  backend.addon.avgPool(xv, out, sizes);
  return backend.output(info.outShape, out);
};

/**
 * `AvgPoolGrad`: each window spreads `dy / (filterHeight · filterWidth)` over its positions, as
 * TF.js's cpu kernel does.
 */
export const avgPoolGradKernel: NativeKernel = (args) => {
  const { backend } = args;
  const attrs = (args.attrs ?? {}) as unknown as tf.AvgPoolGradAttrs;
  const dy = input(args, 'dy');
  const x = input(args, 'input');
  const dyv = backend.floats(dy);
  if (dyv === null || x.shape.length !== 4) return null;
  const info = tf.backend_util.computePool2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
  );
  const sizes = windowSizes(info, false);
  if (sizes === null || !matchesOutput(dy, info)) return null;
  const dx = backend.alloc(info.batchSize * info.inHeight * info.inWidth * info.inChannels);
  backend.addon.avgPoolGrad(dyv, dx, sizes);
  return backend.output(x.shape, dx);
};

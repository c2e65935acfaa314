// The two gradients of Conv2D on the native backend: Conv2DBackpropInput and Conv2DBackpropFilter.
import type * as tf from '@tensorflow/tfjs-core';
import { input, type NativeKernel } from './kernel-args.js';
import { convWindow, matchesOutput } from './window-sizes.js';

/** `Conv2DBackpropInput` (the gradient of conv2d with respect to its input; `tf.conv2dTranspose`). */
export const conv2dBackpropInputKernel: NativeKernel = (args) => {
  const { backend } = args;
  const attrs = (args.attrs ?? {}) as unknown as tf.Conv2DBackpropInputAttrs;
  const dy = input(args, 'dy');
  const filter = input(args, 'filter');
  const dyv = backend.floats(dy);
  const fv = backend.floats(filter);
  if (dyv === null || fv === null) return null;
  const geometry = convWindow([...attrs.inputShape], filter.shape, attrs, 1);
  if (geometry === null || !matchesOutput(dy, geometry.info)) return null;
  const { info, sizes } = geometry;
  const dx = backend.alloc(info.batchSize * info.inHeight * info.inWidth * info.inChannels);
  backend.addon.conv2dBackpropInput(dyv, fv, dx, sizes);
  return backend.output(info.inShape, dx);
};

/** `Conv2DBackpropFilter` (the gradient of conv2d with respect to its filter). */
export const conv2dBackpropFilterKernel: NativeKernel = (args) => {
  const { backend } = args;
  const attrs = (args.attrs ?? {}) as unknown as tf.Conv2DBackpropFilterAttrs;
  const x = input(args, 'x');
  const dy = input(args, 'dy');
  const xv = backend.floats(x);
  const dyv = backend.floats(dy);
  if (xv === null || dyv === null) return null;
  const geometry = convWindow(x.shape, [...attrs.filterShape], attrs, 1);
  if (geometry === null || !matchesOutput(dy, geometry.info)) return null;
  const { info, sizes } = geometry;
  const df = backend.alloc(
    info.filterHeight * info.filterWidth * info.inChannels * info.outChannels,
  );
  backend.addon.conv2dBackpropFilter(xv, dyv, df, sizes);
  return backend.output(info.filterShape, df);
};

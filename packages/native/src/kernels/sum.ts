// Sum over leading or trailing axes on the native backend (bias gradients, per-sample losses).
import * as tf from '@tensorflow/tfjs-core';
import { input, type NativeKernel, sizeOf } from './kernel-args.js';

/**
 * `Sum` of a float32 tensor over a run of leading axes (`[0, …, k−1]`, e.g. a bias gradient)
 * or of trailing axes (`[k, …, rank−1]`); other axis sets go to the cpu kernel.
 */
export const sumKernel: NativeKernel = (args) => {
  const { backend } = args;
  const attrs = (args.attrs ?? {}) as unknown as tf.SumAttrs;
  const x = input(args, 'x');
  const xv = backend.floats(x);
  if (xv === null || x.shape.length === 0) return null;
  const rank = x.shape.length;
  const axes = [...tf.util.parseAxisParam(attrs.axis, x.shape)].sort((p, q) => p - q);
  if (axes.length === 0 || new Set(axes).size !== axes.length) return null;
  const k = axes.length;
  const leading = axes.every((ax, i) => ax === i);
  const trailing = axes.every((ax, i) => ax === rank - k + i);
  if (!leading && !trailing) return null;
  const reduced = leading ? x.shape.slice(0, k) : x.shape.slice(rank - k);
  const kept = leading ? x.shape.slice(k) : x.shape.slice(0, rank - k);
  const outer = leading ? sizeOf(reduced) : sizeOf(kept);
  const inner = leading ? sizeOf(kept) : sizeOf(reduced);
  if (outer * inner === 0) return null;
  const out = backend.alloc(sizeOf(kept));
  backend.addon.sum(xv, out, outer, inner, leading);
  const shape = attrs.keepDims === true ? tf.backend_util.expandShapeToKeepDim(kept, axes) : kept;
  return backend.output(shape, out);
};

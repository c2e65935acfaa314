// Relu, Step (relu's gradient mask) and Neg on the native backend.
import type * as tf from '@tensorflow/tfjs-core';
import { input, type NativeKernel } from './kernel-args.js';

/** `Relu`: `max(x, 0)`, NaN kept. */
export const reluKernel: NativeKernel = (args) => {
  const x = input(args, 'x');
  const xv = args.backend.floats(x);
  if (xv === null) return null;
  const out = args.backend.alloc(xv.length);
  args.backend.addon.unary(0, xv, out, 0);
  return args.backend.output(x.shape, out);
};

/** `Step`: `x > 0 ? 1 : alpha`, NaN kept. */
export const stepKernel: NativeKernel = (args) => {
  const x = input(args, 'x');
  const xv = args.backend.floats(x);
  if (xv === null) return null;
  const alpha = ((args.attrs ?? {}) as unknown as tf.StepAttrs).alpha ?? 0;
  const out = args.backend.alloc(xv.length);
  args.backend.addon.unary(1, xv, out, alpha);
  return args.backend.output(x.shape, out);
};

/** The factor `Neg` multiplies by. */
const MINUS_ONE = Float32Array.of(-1);

/**
 * `Neg`: `−x`, as `x · (−1)` like the cpu backend (NaN kept, `−0` for 0), in one compiled pass:
 * the cpu backend runs it through its general broadcasting product, which indexes every element.
 */
export const negKernel: NativeKernel = (args) => {
  const x = input(args, 'x');
  const xv = args.backend.floats(x);
  if (xv === null) return null;
  const out = args.backend.alloc(xv.length);
  args.backend.addon.binary(2, xv, MINUS_ONE, out);
  return args.backend.output(x.shape, out);
};

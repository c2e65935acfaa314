// Add, Sub, Multiply and RealDiv on the native backend, for equal shapes and for one operand repeated
// over the leading axes of the other (a bias, a scalar).
import * as tf from '@tensorflow/tfjs-core';
import { input, type NativeKernel, sizeOf } from './kernel-args.js';

/** Operation codes of the addon's `binary`. */
const OPS = { Add: 0, Sub: 1, Multiply: 2, RealDiv: 3 } as const;

/** The binary kernels computed natively. */
export type NativeBinaryKernel = keyof typeof OPS;

function withoutLeadingOnes(shape: readonly number[]): readonly number[] {
  let i = 0;
  while (i < shape.length && shape[i] === 1) i++;
  return shape.slice(i);
}

/** Whether `small` broadcasts to `out` by repetition (its shape, less leading 1s, ends `out`'s). */
function repeats(small: readonly number[], out: readonly number[]): boolean {
  const s = withoutLeadingOnes(small);
  if (s.length > out.length) return false;
  const offset = out.length - s.length;
  return s.every((d, i) => d === out[offset + i]);
}

/**
 * The native kernel for `op`: `out[i] = a[i mod |a|] op b[i mod |b|]` where one operand has the
 * output's size and the other repeats (scalar, bias over the last axes, or the same shape).
 */
export function binaryKernel(op: NativeBinaryKernel): NativeKernel {
  const code = OPS[op];
  return (args) => {
    const { backend } = args;
    const a = input(args, 'a');
    const b = input(args, 'b');
    const av = backend.floats(a);
    const bv = backend.floats(b);
    if (av === null || bv === null) return null;
    const outShape = tf.broadcast_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const n = sizeOf(outShape);
    if (n === 0 || av.length === 0 || bv.length === 0) return null;
    const ok =
      (av.length === n && repeats(b.shape, outShape)) ||
      (bv.length === n && repeats(a.shape, outShape));
    if (!ok) return null;
    const out = backend.alloc(n);
    backend.addon.binary(code, av, bv, out);
    return backend.output(outShape, out);
  };
}

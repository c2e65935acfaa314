// Add, Sub, Multiply and RealDiv on the native backend, for equal shapes and for one operand that
// broadcasts to the other by repeating (a bias, a scalar) and stretching (a column, [n, 1]).
import * as tf from '@tensorflow/tfjs-core';
import { input, type NativeKernel, sizeOf } from './kernel-args.js';

/** Operation codes of the addon's `binary`. */
const OPS = { Add: 0, Sub: 1, Multiply: 2, RealDiv: 3 } as const;

/** The binary kernels computed natively. */
export type NativeBinaryKernel = keyof typeof OPS;

/**
 * How `small` broadcasts to `out` in the addon's one pattern, `out[i] ↔ small[(i / inner) mod
 * |small|]`: its axes of size > 1 must match `out` and be consecutive (axes where `out` is 1 may
 * sit between them), every other axis broadcast. Returns `inner`, the product of `out`'s axes
 * after the last matching one (1 for a bias or a scalar), or null for any other broadcast.
 */
export function broadcastSpan(small: readonly number[], out: readonly number[]): number | null {
  if (small.length > out.length) return null;
  const offset = out.length - small.length;
  let first = -1;
  let last = -1;
  for (let k = 0; k < out.length; k++) {
    const o = out[k] as number;
    const s = k < offset ? 1 : (small[k - offset] as number);
    if (o === 1 || s === 1) continue;
    if (s !== o) return null;
    if (first === -1) first = k;
    else if (last !== k - 1 && out.slice(last + 1, k).some((d) => d !== 1)) return null;
    last = k;
  }
  if (last === -1) return 1;
  return sizeOf(out.slice(last + 1));
}

/**
 * The native kernel for `op`: `out[i] = a[i] op b[(i / inner) mod |b|]` where `a` has the
 * output's size and `b` broadcasts as {@link broadcastSpan} allows (or the roles swapped).
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
    let inner: number | null = null;
    if (av.length === n) inner = broadcastSpan(b.shape, outShape);
    if (inner === null && bv.length === n) inner = broadcastSpan(a.shape, outShape);
    if (inner === null) return null;
    const out = backend.alloc(n);
    backend.addon.binary(code, av, bv, out, inner);
    return backend.output(outShape, out);
  };
}

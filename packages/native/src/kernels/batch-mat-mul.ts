// BatchMatMul (tf.matMul, batched or not, transposed or not) on the native backend.
import * as tf from '@tensorflow/tfjs-core';
import { input, type NativeKernel, sizeOf } from './kernel-args.js';

/**
 * `BatchMatMul`: `out[b] = op(a[b]) · op(b[b])` for rank ≥ 2 operands whose batch dimensions are
 * equal or one of which has a single matrix (broadcast to every batch).
 */
export const batchMatMulKernel: NativeKernel = (args) => {
  const { backend } = args;
  const attrs = (args.attrs ?? {}) as unknown as tf.BatchMatMulAttrs;
  const a = input(args, 'a');
  const b = input(args, 'b');
  const av = backend.floats(a);
  const bv = backend.floats(b);
  if (av === null || bv === null || a.shape.length < 2 || b.shape.length < 2) return null;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const ta = attrs.transposeA === true;
  const tb = attrs.transposeB === true;
  const M = (ta ? a.shape[ra - 1] : a.shape[ra - 2]) as number;
  const Ka = (ta ? a.shape[ra - 2] : a.shape[ra - 1]) as number;
  const Kb = (tb ? b.shape[rb - 1] : b.shape[rb - 2]) as number;
  const N = (tb ? b.shape[rb - 2] : b.shape[rb - 1]) as number;
  if (Ka !== Kb) return null;
  const outerA = a.shape.slice(0, ra - 2);
  const outerB = b.shape.slice(0, rb - 2);
  const batchA = sizeOf(outerA);
  const batchB = sizeOf(outerB);
  const same =
    outerA.length === outerB.length && outerA.every((d, i) => d === (outerB[i] as number));
  if (!(same || batchA === 1 || batchB === 1) || batchA === 0 || batchB === 0) return null;
  const outer = tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
  const out = backend.alloc(Math.max(batchA, batchB) * M * N);
  backend.addon.matMul(
    av,
    bv,
    out,
    Int32Array.from([batchA, batchB, M, N, Ka, ta ? 1 : 0, tb ? 1 : 0]),
  );
  return backend.output([...outer, M, N], out);
};

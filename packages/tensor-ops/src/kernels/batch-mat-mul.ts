// Matrix products on wasm that always reach XNNPACK, including the transposed and batched
// products that gradients of matMul produce.
import * as tf from '@tensorflow/tfjs-core';
import {
  asWasmBackend,
  attrsOf,
  callKernel,
  heapF32,
  input,
  type KernelArgs,
  markKernel,
  release,
  reshapeInfo,
  single,
  type WasmBackend,
} from './wasm-backend.js';

/** Below this many multiply-adds per product the scalar path is as fast as the set-up. */
const MIN_FAST_MACS = 4096;

function product(shape: readonly number[]): number {
  return shape.reduce((acc, d) => acc * d, 1);
}

/** A `[batch, rows, cols]` view of `t`, transposed in memory when `transpose` is set. */
function asRowMajor(
  backend: WasmBackend,
  t: tf.TensorInfo,
  batch: number,
  rows: number,
  cols: number,
  transpose: boolean,
): tf.TensorInfo {
  if (!transpose) return reshapeInfo(backend, t, [batch, rows, cols]);
  const stored = reshapeInfo(backend, t, [batch, cols, rows]);
  const out = callKernel('Transpose', backend, { x: stored }, { perm: [0, 2, 1] });
  release(backend, stored);
  return out;
}

/** Copies matrix `index` of a `[batch, rows, cols]` buffer into a new `[1, rows, cols]` one. */
function sliceBatch(backend: WasmBackend, t: tf.TensorInfo, index: number): tf.TensorInfo {
  const size = (t.shape[1] ?? 1) * (t.shape[2] ?? 1);
  const out = backend.makeOutput([1, t.shape[1] ?? 1, t.shape[2] ?? 1], 'float32');
  heapF32(backend, out).set(heapF32(backend, t).subarray(index * size, (index + 1) * size));
  return out;
}

/**
 * `BatchMatMul` for the wasm backend. TF.js's wasm kernel hands a product to XNNPACK only when
 * neither operand is transposed and there is a single batch; every other case (`aᵀb`, `abᵀ`
 * — the two products in matMul's gradient — and batched products) runs a scalar loop some
 * 10–50x slower. This kernel transposes operands in memory (O(n²), XNNPACK's transpose), folds a
 * broadcast right operand into one tall product, loops over batches otherwise, and always calls
 * the fast single-product path.
 *
 * @param original - TF.js's kernel: the fast path it owns, and tiny or non-float32 products.
 * @returns The kernel function.
 */
export function batchMatMulKernel(original: tf.KernelFunc): tf.KernelFunc {
  const kernel = (args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] => {
    const backend = asWasmBackend(args.backend);
    const a = input(args, 'a', tf.BatchMatMul);
    const b = input(args, 'b', tf.BatchMatMul);
    const { transposeA, transposeB } = attrsOf<tf.BatchMatMulAttrs>(args);
    if (
      a.dtype !== 'float32' ||
      b.dtype !== 'float32' ||
      a.shape.length < 2 ||
      b.shape.length < 2
    ) {
      return original(args);
    }
    const aRank = a.shape.length;
    const bRank = b.shape.length;
    const m = (transposeA ? a.shape[aRank - 1] : a.shape[aRank - 2]) ?? 1;
    const k = (transposeA ? a.shape[aRank - 2] : a.shape[aRank - 1]) ?? 1;
    const kB = (transposeB ? b.shape[bRank - 1] : b.shape[bRank - 2]) ?? 1;
    const n = (transposeB ? b.shape[bRank - 2] : b.shape[bRank - 1]) ?? 1;
    const batchA = product(a.shape.slice(0, -2));
    const batchB = product(b.shape.slice(0, -2));
    const simple = !transposeA && !transposeB && batchA === 1 && batchB === 1;
    const mismatched = k !== kB || (batchA !== batchB && batchA !== 1 && batchB !== 1);
    if (simple || mismatched || m * n * k < MIN_FAST_MACS || m * n * k === 0) {
      return original(args);
    }
    const outShape = [
      ...tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2)),
      m,
      n,
    ];
    const flat = { transposeA: false, transposeB: false };
    const a3 = asRowMajor(backend, a, batchA, m, k, transposeA);
    const b3 = asRowMajor(backend, b, batchB, k, n, transposeB);
    let result: tf.TensorInfo;
    if (batchB === 1) {
      // One tall product: the batches of a share b, so stack their rows.
      const tall = reshapeInfo(backend, a3, [1, batchA * m, k]);
      const prod = single(
        original({ inputs: { a: tall, b: b3 }, backend, attrs: flat }),
        'BatchMatMul',
      );
      result = reshapeInfo(backend, prod, outShape);
      release(backend, tall, prod);
    } else {
      const batch = Math.max(batchA, batchB);
      result = backend.makeOutput(outShape, 'float32');
      for (let i = 0; i < batch; i++) {
        const ai = sliceBatch(backend, a3, batchA === 1 ? 0 : i);
        const bi = sliceBatch(backend, b3, i);
        const prod = single(
          original({ inputs: { a: ai, b: bi }, backend, attrs: flat }),
          'BatchMatMul',
        );
        heapF32(backend, result).set(heapF32(backend, prod), i * m * n);
        release(backend, ai, bi, prod);
      }
    }
    release(backend, a3, b3);
    return result;
  };
  return markKernel(kernel, 'native');
}

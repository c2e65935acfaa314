// Segment sums on wasm (the gradient of gather), accumulated directly on the heap.
import * as tf from '@tensorflow/tfjs-core';
import { asWasmBackend, attrsOf, input, type KernelArgs, markKernel } from './wasm-backend.js';

/**
 * `UnsortedSegmentSum` for the wasm backend: `out[s, …] = Σ_{i : ids[i] = s} x[i, …]` for
 * `s = 0 … numSegments-1`; ids outside that range are dropped, as in TF.js's cpu kernel. This is
 * what `tf.gather`'s gradient needs (embeddings, indexing); one pass over `x`.
 *
 * @param fallback - used for segment ids of rank other than 1 (the cpu bridge), whose cpu
 * semantics this kernel does not reproduce.
 * @returns The kernel function.
 */
export function unsortedSegmentSumKernel(fallback: tf.KernelFunc): tf.KernelFunc {
  const kernel = (args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] => {
    const backend = asWasmBackend(args.backend);
    const x = input(args, 'x', tf.UnsortedSegmentSum);
    const segmentIds = input(args, 'segmentIds', tf.UnsortedSegmentSum);
    const { numSegments } = attrsOf<tf.UnsortedSegmentSumAttrs>(args);
    if (
      segmentIds.shape.length !== 1 ||
      x.shape.length < 1 ||
      (x.dtype !== 'float32' && x.dtype !== 'int32')
    ) {
      return fallback(args);
    }
    const rows = x.shape[0] ?? 0;
    const width = x.shape.slice(1).reduce((acc, d) => acc * d, 1);
    const out = backend.makeOutput([numSegments, ...x.shape.slice(1)], x.dtype);
    const values = backend.typedArrayFromHeap(x);
    const ids = backend.typedArrayFromHeap(segmentIds);
    const sums = backend.typedArrayFromHeap(out);
    sums.fill(0);
    for (let i = 0; i < rows; i++) {
      const s = ids[i] as number;
      if (s < 0 || s >= numSegments) continue;
      const from = i * width;
      const to = s * width;
      for (let j = 0; j < width; j++) {
        sums[to + j] = (sums[to + j] as number) + (values[from + j] as number);
      }
    }
    return out;
  };
  return markKernel(kernel, 'native');
}

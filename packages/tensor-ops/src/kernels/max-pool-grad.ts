// Gradient of 2-D max pooling on wasm, routed to each window's maximum on the heap.
import * as tf from '@tensorflow/tfjs-core';
import { shape4 } from './conv-util.js';
import {
  asWasmBackend,
  attrsOf,
  heapF32,
  input,
  type KernelArgs,
  markKernel,
} from './wasm-backend.js';

/**
 * `MaxPoolGrad` for the wasm backend: `dx[k] = Σ_{windows w with argmax(w) = k} dy[w]`, the
 * argmax being the first strictly largest in-bounds input of the window in row-major order, as
 * in TF.js's cpu kernel. TF.js 4.22's own wasm kernel returns wrong gradients whenever there is
 * more than one channel (off by O(1) on random inputs), so this one replaces it. One pass over
 * the windows; allocates nothing but the output.
 *
 * @returns The kernel function.
 */
export function maxPoolGradKernel(): tf.KernelFunc {
  const kernel = (args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] => {
    const backend = asWasmBackend(args.backend);
    const dy = input(args, 'dy', tf.MaxPoolGrad);
    const x = input(args, 'input', tf.MaxPoolGrad);
    const attrs = attrsOf<tf.MaxPoolGradAttrs>(args);
    const info = tf.backend_util.computePool2DInfo(
      shape4(x.shape),
      attrs.filterSize,
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
    );
    const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth } = info;
    const { strideHeight: sh, strideWidth: sw } = info;
    const { effectiveFilterHeight: fh, effectiveFilterWidth: fw } = info;
    const top = info.padInfo.top;
    const left = info.padInfo.left;
    const out = backend.makeOutput(x.shape, 'float32');
    const xs = heapF32(backend, x);
    const dys = heapF32(backend, dy);
    const dx = heapF32(backend, out);
    dx.fill(0);
    for (let b = 0; b < batchSize; b++) {
      for (let p = 0; p < outHeight; p++) {
        const rowStart = Math.max(0, p * sh - top);
        const rowEnd = Math.min(inHeight, p * sh - top + fh);
        for (let q = 0; q < outWidth; q++) {
          const colStart = Math.max(0, q * sw - left);
          const colEnd = Math.min(inWidth, q * sw - left + fw);
          const dyBase = ((b * outHeight + p) * outWidth + q) * c;
          for (let d = 0; d < c; d++) {
            let best = Number.NEGATIVE_INFINITY;
            let at = -1;
            for (let r = rowStart; r < rowEnd; r++) {
              for (let s = colStart; s < colEnd; s++) {
                const k = ((b * inHeight + r) * inWidth + s) * c + d;
                const v = xs[k] as number;
                if (v > best) {
                  best = v;
                  at = k;
                }
              }
            }
            if (at >= 0) dx[at] = (dx[at] as number) + (dys[dyBase + d] as number);
          }
        }
      }
    }
    return out;
  };
  return markKernel(kernel, 'native');
}

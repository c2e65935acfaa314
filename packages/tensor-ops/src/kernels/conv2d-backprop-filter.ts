// Filter gradient of a 2-D convolution on wasm, as one forward convolution run by XNNPACK.
import * as tf from '@tensorflow/tfjs-core';
import { convInfo, explicitPadding } from './conv-util.js';
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
  type WasmBackend,
} from './wasm-backend.js';

function trailingZeros(n: number): number {
  let count = 0;
  for (let v = n; v > 0 && v % 2 === 0; v /= 2) count++;
  return count;
}

/**
 * XNNPACK receives `dy` as a filter and TF.js transposes it to `[CO, K]` (K = OH·OW·N) before
 * packing, writing CO streams K floats apart. When K is a multiple of a large power of two
 * (batch 64 of 28×28 images: K = 49·2¹⁰) those streams fall into the same cache sets and packing
 * runs up to 3x slower (measured for CO ≥ 32; less for fewer channels). Zero batch items (which
 * add nothing to the sums) or zero trailing filter rows (matched by extra bottom padding of x)
 * change K's factors.
 */
function paddedLayout(
  outHeight: number,
  outWidth: number,
  batch: number,
  outChannels: number,
): { extraBatch: number; extraRows: number } {
  const none = { extraBatch: 0, extraRows: 0 };
  if (outChannels < 8 || trailingZeros(outHeight * outWidth * batch) < 7) return none;
  const candidates = [
    { extraBatch: 1, extraRows: 0 },
    { extraBatch: 0, extraRows: 1 },
    { extraBatch: 1, extraRows: 1 },
    { extraBatch: 3, extraRows: 0 },
    { extraBatch: 0, extraRows: 3 },
  ];
  for (const c of candidates) {
    const k = (outHeight + c.extraRows) * outWidth * (batch + c.extraBatch);
    if (trailingZeros(k) <= 4) return c;
  }
  return none;
}

/** `t` with `extra` zero entries appended along its leading axis (`t` itself when `extra` is 0). */
function padLeading(backend: WasmBackend, t: tf.TensorInfo, extra: number): tf.TensorInfo {
  if (extra === 0) return t;
  const paddings = t.shape.map((_, axis) => [0, axis === 0 ? extra : 0]);
  return callKernel('PadV2', backend, { x: t }, { paddings, constantValue: 0 });
}

/**
 * `Conv2DBackpropFilter` for the wasm backend:
 *
 *   `dw[i, j, c, o] = Σ_{n, p, q} x[n, s·p + i - pt, s·q + j - pl, c] · dy[n, p, q, o]`.
 *
 * Read with the channel `c` as a batch index and the batch `n` as a channel, this is a forward
 * convolution of `x' = xᵀ[c, h, w, n]` with the filter `dy'[p, q, n, o]` at dilation `s`
 * (the stride of the original convolution), padded by `(pt, pl)`: its output `[c, i, j, o]`,
 * transposed, is `dw`. Two transposes and one XNNPACK convolution replace TF.js's missing
 * kernel.
 *
 * XNNPACK tiles each image's output pixels by 4 (measured: 9 outputs cost as much as 12), and
 * each of these images has only `FH·FW` of them (9 for a 3×3 filter: a quarter of the work
 * wasted). So `G` channels (4 when `c`
 * allows) share one image, interleaved along the width (`x'[c/G, h, G·w + v, n]`) and read with
 * width dilation `G·s`: each image then yields `G·FH·FW` useful outputs (36).
 *
 * When the last strided window ends before the padded input does (e.g. 'valid' with an even
 * size and stride 2), the convolution computes a few extra rows/columns that are dropped.
 *
 * @param fallback - used for NCHW data (the cpu bridge).
 * @returns The kernel function.
 */
export function conv2DBackpropFilterKernel(fallback: tf.KernelFunc): tf.KernelFunc {
  const kernel = (args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] => {
    const backend = asWasmBackend(args.backend);
    const x = input(args, 'x', tf.Conv2DBackpropFilter);
    const dy = input(args, 'dy', tf.Conv2DBackpropFilter);
    const attrs = attrsOf<tf.Conv2DBackpropFilterAttrs>(args);
    if (attrs.dataFormat === 'NCHW') return fallback(args);
    const info = convInfo(x.shape, attrs.filterShape, attrs, false);
    const { filterHeight: fh, filterWidth: fw, inChannels: ci, outChannels: co } = info;
    const top = info.padInfo.top;
    const left = info.padInfo.left;
    const bottom = fh + (info.outHeight - 1) * info.strideHeight - info.inHeight - top;
    const right = fw + (info.outWidth - 1) * info.strideWidth - info.inWidth - left;
    const extraH = Math.max(0, -bottom);
    const extraW = Math.max(0, -right);
    const out = backend.makeOutput([fh, fw, ci, co], 'float32');
    if (info.outHeight * info.outWidth * info.batchSize === 0) {
      heapF32(backend, out).fill(0);
      return out;
    }
    const layout = paddedLayout(info.outHeight, info.outWidth, info.batchSize, co);
    const batch = info.batchSize + layout.extraBatch;
    const group = ci % 4 === 0 ? 4 : ci % 2 === 0 ? 2 : 1;
    const xIn = padLeading(backend, x, layout.extraBatch);
    const dyIn = padLeading(backend, dy, layout.extraBatch);
    // x as [ci/G, h, w·G, n]: G channels interleaved along the width (see above).
    const xGrouped = reshapeInfo(backend, xIn, [
      batch,
      info.inHeight * info.inWidth,
      ci / group,
      group,
    ]);
    const xMoved = callKernel('Transpose', backend, { x: xGrouped }, { perm: [2, 1, 3, 0] });
    const xt = reshapeInfo(backend, xMoved, [
      ci / group,
      info.inHeight,
      info.inWidth * group,
      batch,
    ]);
    const dyTransposed = callKernel('Transpose', backend, { x: dyIn }, { perm: [1, 2, 0, 3] });
    const dyt = padLeading(backend, dyTransposed, layout.extraRows);
    const raw = callKernel(
      'Conv2D',
      backend,
      { x: xt, filter: dyt },
      {
        strides: 1,
        pad: explicitPadding(
          top,
          bottom + extraH + layout.extraRows * info.strideHeight,
          group * left,
          group * (right + extraW),
        ),
        dilations: [info.strideHeight, group * info.strideWidth],
        dataFormat: 'NHWC',
      },
    );
    for (const t of new Set([xIn, dyIn, xGrouped, xMoved, xt, dyTransposed, dyt])) {
      if (t !== x && t !== dy) release(backend, t);
    }
    // raw is [ci/G, fh + extraH, G·(fw + extraW), co] with
    // raw[b, i, G·j + v, o] = dw[i, j, G·b + v, o]; the extra rows/columns are dropped.
    const src = heapF32(backend, raw);
    const dst = heapF32(backend, out);
    const rawH = fh + extraH;
    const rawW = group * (fw + extraW);
    for (let b = 0; b < ci / group; b++) {
      for (let i = 0; i < fh; i++) {
        for (let j = 0; j < fw; j++) {
          for (let v = 0; v < group; v++) {
            const from = ((b * rawH + i) * rawW + group * j + v) * co;
            dst.set(src.subarray(from, from + co), ((i * fw + j) * ci + group * b + v) * co);
          }
        }
      }
    }
    release(backend, raw);
    return out;
  };
  return markKernel(kernel, 'native');
}

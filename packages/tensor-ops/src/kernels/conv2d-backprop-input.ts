// Input gradient of a 2-D convolution on wasm, as forward convolutions run by XNNPACK.
import * as tf from '@tensorflow/tfjs-core';
import { convInfo, explicitPadding, shape4 } from './conv-util.js';
import {
  asWasmBackend,
  attrsOf,
  callKernel,
  heapF32,
  input,
  type KernelArgs,
  markKernel,
  release,
  type WasmBackend,
} from './wasm-backend.js';

/**
 * One phase of the input gradient along one axis: the output positions `h = s·u + r`, the filter
 * taps `i ≡ r + pt (mod s)` that reach them, and the padding of the stride-1 convolution of
 * `dy` that computes them.
 */
interface Phase {
  /** Residue `r` of the output positions. */
  readonly residue: number;
  /** Filter taps reaching them, ascending. */
  readonly taps: number[];
  /** How many output positions have this residue. */
  readonly count: number;
  /** Padding before `dy`: `(taps[last] - r - pt) / s`. */
  readonly before: number;
  /** Padding after `dy` (0 or more; extra outputs are dropped). */
  readonly after: number;
}

function phases(
  size: number,
  filterSize: number,
  stride: number,
  padBefore: number,
  outSize: number,
): Phase[] | null {
  const result: Phase[] = [];
  for (let r = 0; r < stride; r++) {
    const count = Math.max(0, Math.ceil((size - r) / stride));
    const taps: number[] = [];
    for (let i = 0; i < filterSize; i++) {
      if ((((i - r - padBefore) % stride) + stride) % stride === 0) taps.push(i);
    }
    const last = taps[taps.length - 1];
    if (count === 0 || last === undefined) {
      result.push({ residue: r, taps, count, before: 0, after: 0 });
      continue;
    }
    const before = (last - r - padBefore) / stride;
    // A padding wider than the filter would need cropping dy; TF.js's kernel handles that case.
    if (before < 0) return null;
    const after = Math.max(0, count + taps.length - 1 - before - outSize);
    result.push({ residue: r, taps, count, before, after });
  }
  return result;
}

/** The sub-filter of one phase, flipped and with channels swapped: `[Mh, Mw, CO, CI]`. */
function phaseFilter(
  backend: WasmBackend,
  filter: tf.TensorInfo,
  rows: readonly number[],
  cols: readonly number[],
): tf.TensorInfo {
  const [, fw, ci, co] = shape4(filter.shape);
  const out = backend.makeOutput([rows.length, cols.length, co, ci], 'float32');
  const src = heapF32(backend, filter);
  const dst = heapF32(backend, out);
  for (let t = 0; t < rows.length; t++) {
    for (let u = 0; u < cols.length; u++) {
      const i = rows[rows.length - 1 - t] as number;
      const j = cols[cols.length - 1 - u] as number;
      const from = (i * fw + j) * ci * co;
      const to = (t * cols.length + u) * co * ci;
      for (let c = 0; c < ci; c++) {
        for (let o = 0; o < co; o++) dst[to + o * ci + c] = src[from + c * co + o] as number;
      }
    }
  }
  return out;
}

/**
 * `Conv2DBackpropInput` for the wasm backend. For `y = conv(x, w)` with stride `s` and padding
 * `(pt, pl)`,
 *
 *   `dx[h, ·, c] = Σ_{p, i : s·p + i - pt = h} dy[p, ·, o] · w[i, ·, c, o]`.
 *
 * With stride 1 this is one stride-1 convolution of `dy` with the flipped, channel-swapped
 * filter `w'[i, j, o, c] = w[FH-1-i, FW-1-j, c, o]`, padded by `FH-1-pt` before and by what
 * makes the result `H` long after (likewise for columns): XNNPACK runs it at forward speed,
 * where TF.js's own wasm kernel is a scalar loop 10–15x slower.
 *
 * With stride `s`, the positions `h = s·u + r` of each residue `r` only receive the taps
 * `i ≡ r + pt (mod s)`, so `dx` splits into `s²` phases, each the stride-1 convolution of `dy`
 * with such a sub-filter (padded by `(i_last - r - pt)/s` before), interleaved back: together
 * they do the forward convolution's work, where convolving the zero-dilated `dy` would do `s²`
 * times as much.
 *
 * @param fallback - TF.js's own kernel, used for NCHW data and for explicit paddings wider than
 * the filter, which the transposed form cannot express.
 * @returns The kernel function.
 */
export function conv2DBackpropInputKernel(fallback: tf.KernelFunc): tf.KernelFunc {
  const kernel = (args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] => {
    const backend = asWasmBackend(args.backend);
    const dy = input(args, 'dy', tf.Conv2DBackpropInput);
    const filter = input(args, 'filter', tf.Conv2DBackpropInput);
    const attrs = attrsOf<tf.Conv2DBackpropInputAttrs>(args);
    if (attrs.dataFormat === 'NCHW') return fallback(args);
    const info = convInfo(attrs.inputShape, filter.shape, attrs, false);
    const rowPhases = phases(
      info.inHeight,
      info.filterHeight,
      info.strideHeight,
      info.padInfo.top,
      info.outHeight,
    );
    const colPhases = phases(
      info.inWidth,
      info.filterWidth,
      info.strideWidth,
      info.padInfo.left,
      info.outWidth,
    );
    if (rowPhases === null || colPhases === null || info.outHeight * info.outWidth === 0) {
      return fallback(args);
    }
    const conv = (f: tf.TensorInfo, rows: Phase, cols: Phase): tf.TensorInfo =>
      callKernel(
        'Conv2D',
        backend,
        { x: dy, filter: f },
        {
          strides: 1,
          pad: explicitPadding(rows.before, rows.after, cols.before, cols.after),
          dilations: 1,
          dataFormat: 'NHWC',
        },
      );

    if (rowPhases.length === 1 && colPhases.length === 1) {
      // Stride 1: one convolution with the whole flipped filter is dx (H × W by the choice of
      // padding, unless an explicit padding leaves rows unused).
      const [rows, cols] = [rowPhases[0] as Phase, colPhases[0] as Phase];
      const flipped = phaseFilter(backend, filter, rows.taps, cols.taps);
      const dx = conv(flipped, rows, cols);
      release(backend, flipped);
      if (dx.shape[1] === info.inHeight && dx.shape[2] === info.inWidth) return dx;
      release(backend, dx);
      return fallback(args);
    }

    const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci } = info;
    const sh = info.strideHeight;
    const sw = info.strideWidth;
    const dx = backend.makeOutput([n, h, w, ci], 'float32');
    heapF32(backend, dx).fill(0);
    for (const rows of rowPhases) {
      for (const cols of colPhases) {
        if (rows.count === 0 || cols.count === 0 || rows.taps.length * cols.taps.length === 0) {
          continue;
        }
        const f = phaseFilter(backend, filter, rows.taps, cols.taps);
        const part = conv(f, rows, cols);
        release(backend, f);
        const [, ph, pw] = part.shape as [number, number, number, number];
        const src = heapF32(backend, part);
        const dst = heapF32(backend, dx);
        for (let b = 0; b < n; b++) {
          for (let u = 0; u < rows.count; u++) {
            const row = sh * u + rows.residue;
            for (let v = 0; v < cols.count; v++) {
              const from = ((b * ph + u) * pw + v) * ci;
              const to = ((b * h + row) * w + sw * v + cols.residue) * ci;
              for (let c = 0; c < ci; c++) dst[to + c] = src[from + c] as number;
            }
          }
        }
        release(backend, part);
      }
    }
    return dx;
  };
  return markKernel(kernel, 'native');
}

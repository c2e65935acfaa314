// RungeResidualConv2D and its gradient on the native backend: a residual block Y + σ(conv(Y, K) + b) in one pass over its output.
import type * as tf from '@tensorflow/tfjs-core';
import { input, type NativeKernelArgs } from './kernel-args.js';
import { convWindow } from './window-sizes.js';

/**
 * The TF.js kernel name of the residual convolution `z = x + σ(conv(x, K) + b)` (stride 1,
 * 'same' padding, as many output as input channels; `σ` relu or linear), a kernel TF.js itself
 * does not define. Inputs `x` `[N, H, W, C]`, `filter` `[kh, kw, C, C]`, `bias` `[C]`; attributes
 * `activation` and `withMask` (default true); output `[z]`. For relu with `withMask`, the backend
 * keeps relu's mask (where `conv + b > 0`, which the gradient needs) beside `z` until `z` is
 * disposed: ask for it whenever a tape records.
 *
 * @example
 * ```ts
 * const [z] = tf.engine().runKernel(RESIDUAL_CONV_KERNEL, { x, filter, bias }, { activation: 'relu' }) as tf.Tensor[];
 * ```
 */
export const RESIDUAL_CONV_KERNEL = 'RungeResidualConv2D';

/**
 * The TF.js kernel name of {@link RESIDUAL_CONV_KERNEL}'s gradient in one call: inputs `dz`, `x`,
 * `filter` and, for relu, the forward output `z` (whose kept mask it reads); outputs
 * `[dx, dfilter, dbias]` with `g = dz · mask`, `dx = dz + Kᵀ g`, `dfilter = Σ x ⊗ g`,
 * `dbias = Σ g`.
 *
 * @example
 * ```ts
 * const [dx, dK, db] = tf.engine().runKernel(RESIDUAL_CONV_GRAD_KERNEL, { dz, x, filter, z }, {}) as tf.Tensor[];
 * ```
 */
export const RESIDUAL_CONV_GRAD_KERNEL = 'RungeResidualConv2DGrad';

/**
 * The TF.js kernel name of the relu mask kept beside a residual convolution's output, as a bool
 * tensor: input `z` (an output of {@link RESIDUAL_CONV_KERNEL} with relu and `withMask`), output
 * `mask` of `z`'s shape, true where `conv(x, K) + b > 0`. The gradient's differentiable form uses it.
 *
 * @example
 * ```ts
 * const mask = tf.engine().runKernel(RESIDUAL_CONV_MASK_KERNEL, { z }, {}) as tf.Tensor; // bool, z.shape
 * ```
 */
export const RESIDUAL_CONV_MASK_KERNEL = 'RungeResidualConv2DMask';

/** The error for a relu gradient whose forward pass kept no mask. */
function missingMask(kernel: string): Error {
  return new Error(
    `${kernel}: relu's mask was not computed (withMask: false) although a gradient is needed; run ${RESIDUAL_CONV_KERNEL} with withMask: true while a tape records`,
  );
}

/** The geometry of a residual convolution, or an error saying which condition fails. */
function residualWindow(x: tf.TensorInfo, filter: tf.TensorInfo, kernel: string): Int32Array {
  const [, , , c] = x.shape;
  const [kh, kw, ci, co] = filter.shape;
  if (x.shape.length !== 4 || filter.shape.length !== 4 || ci !== c || co !== c) {
    throw new Error(
      `${kernel}: x [N, H, W, C] and filter [kh, kw, C, C] needed, got x [${x.shape.join(', ')}] and filter [${filter.shape.join(', ')}]`,
    );
  }
  const geometry = convWindow(
    x.shape,
    filter.shape,
    { strides: 1, pad: 'same', dataFormat: 'NHWC' },
    1,
  );
  if (geometry === null || geometry.info.outHeight !== x.shape[1]) {
    throw new Error(
      `${kernel}: no residual convolution for x [${x.shape.join(', ')}] and filter ${kh}×${kw}`,
    );
  }
  return geometry.sizes;
}

/** The float32 values of a tensor, or an error naming it. */
function floatsOf(args: NativeKernelArgs, info: tf.TensorInfo, name: string): Float32Array {
  const values = args.backend.floats(info);
  if (values === null) throw new Error(`${name} must be a float32 tensor of the native backend`);
  return values;
}

/** Whether the activation is relu (1) or linear (0); an error otherwise. */
function activationCode(attrs: tf.NamedAttrMap | undefined, kernel: string): 0 | 1 {
  const activation = attrs?.activation;
  if (activation === 'relu') return 1;
  if (activation === 'linear' || activation === undefined) return 0;
  throw new Error(`${kernel}: activation must be 'relu' or 'linear', got ${String(activation)}`);
}

/** `RungeResidualConv2D` (see {@link RESIDUAL_CONV_KERNEL}). */
export function residualConvKernel(args: NativeKernelArgs): tf.TensorInfo[] {
  const { backend } = args;
  const addon = backend.addon;
  const x = input(args, 'x');
  const filter = input(args, 'filter');
  const bias = args.inputs.bias;
  const act = activationCode(args.attrs, RESIDUAL_CONV_KERNEL);
  const sizes = residualWindow(x, filter, RESIDUAL_CONV_KERNEL);
  const xv = floatsOf(args, x, 'x');
  const out = backend.alloc(xv.length);
  const mask = act === 1 && args.attrs?.withMask !== false ? backend.allocBytes(xv.length) : null;
  (addon.residualConv2d as NonNullable<typeof addon.residualConv2d>)(
    xv,
    floatsOf(args, filter, 'filter'),
    bias === undefined ? null : floatsOf(args, bias, 'bias'),
    out,
    mask,
    sizes,
    act,
  );
  const z = backend.output(x.shape, out);
  if (mask !== null) backend.keepMask(z, mask);
  return [z];
}

/** `RungeResidualConv2DGrad` (see {@link RESIDUAL_CONV_GRAD_KERNEL}). */
export function residualConvGradKernel(args: NativeKernelArgs): tf.TensorInfo[] {
  const { backend } = args;
  const addon = backend.addon;
  const dz = input(args, 'dz');
  const x = input(args, 'x');
  const filter = input(args, 'filter');
  const z = args.inputs.z;
  const sizes = residualWindow(x, filter, RESIDUAL_CONV_GRAD_KERNEL);
  const dzv = floatsOf(args, dz, 'dz');
  const mv = z === undefined ? null : backend.maskOf(z);
  if (z !== undefined && mv === null) throw missingMask(RESIDUAL_CONV_GRAD_KERNEL);
  const fv = floatsOf(args, filter, 'filter');
  const g = mv === null ? null : backend.alloc(dzv.length);
  const dx = backend.alloc(dzv.length);
  const df = backend.alloc(fv.length);
  const db = backend.alloc(filter.shape[3] as number);
  (addon.residualConv2dGrad as NonNullable<typeof addon.residualConv2dGrad>)(
    dzv,
    mv,
    floatsOf(args, x, 'x'),
    fv,
    g,
    dx,
    df,
    db,
    sizes,
  );
  // g was scratch: hand it back to the pool through a tensor of its own.
  if (g !== null) backend.disposeIntermediateTensorInfo(backend.output(dz.shape, g));
  return [
    backend.output(x.shape, dx),
    backend.output(filter.shape, df),
    backend.output([filter.shape[3] as number], db),
  ];
}

/** `RungeResidualConv2DMask` (see {@link RESIDUAL_CONV_MASK_KERNEL}). */
export function residualConvMaskKernel(args: NativeKernelArgs): tf.TensorInfo {
  const { backend } = args;
  const z = input(args, 'z');
  const kept = backend.maskOf(z);
  if (kept === null) throw missingMask(RESIDUAL_CONV_MASK_KERNEL);
  const mask = backend.allocBytes(kept.length);
  mask.set(kept);
  return backend.outputBool(z.shape, mask);
}

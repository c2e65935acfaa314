// A convolution with its bias and activation in one kernel (TF.js's FusedConv2D), differentiable.
import * as tf from '@tensorflow/tfjs-core';
import { type ConvOptions, checkConv, type conv, type ResolvedConv } from './conv-operator.js';
import { ShapeError, ValueError } from './errors.js';
import { assertDtype, assertRank, formatShape } from './validate.js';

/** The activations {@link fusedConv} applies inside the convolution's kernel. */
export type FusedConvActivation = 'linear' | 'relu';

/**
 * The names of {@link FusedConvActivation}: `'linear'` (the identity) and `'relu'` (`max(0, x)`).
 *
 * @example
 * ```ts
 * FUSED_CONV_ACTIVATIONS.includes('relu'); // true: σ(conv(x, K) + b) can be one kernel
 * ```
 */
export const FUSED_CONV_ACTIVATIONS: readonly FusedConvActivation[] = Object.freeze([
  'linear',
  'relu',
] as const);

/**
 * Whether {@link fusedConv} can apply `activation` inside the convolution's kernel.
 *
 * @example
 * ```ts
 * isFusedConvActivation('relu'); // true
 * isFusedConvActivation('tanh'); // false: apply it after conv
 * ```
 */
export function isFusedConvActivation(activation: string): activation is FusedConvActivation {
  return (FUSED_CONV_ACTIVATIONS as readonly string[]).includes(activation);
}

/** Options of {@link fusedConv}: those of {@link conv} and the activation. */
export interface FusedConvOptions extends ConvOptions {
  /** One of {@link FUSED_CONV_ACTIVATIONS}; default `'linear'`. */
  readonly activation?: FusedConvActivation;
}

/** The attributes of the FusedConv2D kernels {@link fusedConv} runs. */
type Attrs = Omit<tf.FusedConv2DAttrs, 'dimRoundingMode'> & {
  readonly dimRoundingMode?: tf.FusedConv2DAttrs['dimRoundingMode'];
};

/**
 * Relu's backward pass `dy · step(x)` given relu's output `y` instead of its input (`y > 0`
 * exactly where `x > 0`, and `y` is NaN where `x` is), by the gradient registered for `Relu`
 * when there is one, so that a backend's faster form is used.
 */
function reluBackward(dy: tf.Tensor, y: tf.Tensor): tf.Tensor {
  const registered = tf.getGradient(tf.Relu);
  if (registered !== undefined) {
    const dx = registered.gradFunc(dy, [y], {} as tf.NamedAttrMap) as Record<
      string,
      () => tf.Tensor
    >;
    const x = dx.x;
    if (x !== undefined) return x();
  }
  return tf.mul(dy, tf.step(y));
}

/**
 * The gradient of FusedConv2D for what {@link fusedConv} records (NHWC, dilation 1, a rank-1
 * bias, a linear or relu activation): with `g = dy` (linear) or `dy · step(y)` (relu),
 * `∂x = Kᵀ g` (Conv2DBackpropInput), `∂K = Σ x ⊗ g` (Conv2DBackpropFilter), `∂b = Σ_{n,i,j} g`.
 * TF.js itself differentiates its fused op through a custom gradient and registers none for the
 * kernel; registering this one lets the forward pass stay one kernel while a tape records.
 */
const FUSED_CONV_GRADIENT: tf.GradConfig = {
  kernelName: tf.FusedConv2D,
  inputsToSave: ['x', 'filter'],
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [x, filter, y] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
    const { strides, pad, activation } = attrs as unknown as Attrs;
    if (!isFusedConvActivation(activation)) {
      throw new ValueError(
        `FusedConv2D: no registered gradient for the activation '${String(activation)}'; use fusedConv with one of ${FUSED_CONV_ACTIVATIONS.map((a) => `'${a}'`).join(', ')}`,
      );
    }
    const g = activation === 'relu' ? reluBackward(dy as tf.Tensor, y) : (dy as tf.Tensor4D);
    return {
      x: () =>
        tf
          .engine()
          .runKernel(
            tf.Conv2DBackpropInput,
            { dy: g, filter },
            { strides, pad, dataFormat: 'NHWC', inputShape: x.shape },
          ) as tf.Tensor,
      filter: () =>
        tf
          .engine()
          .runKernel(
            tf.Conv2DBackpropFilter,
            { x, dy: g },
            { strides, pad, dataFormat: 'NHWC', filterShape: filter.shape },
          ) as tf.Tensor,
      bias: () => tf.sum(g, [0, 1, 2]),
    };
  },
};

/** Registers {@link FUSED_CONV_GRADIENT} once (TF.js warns on a second registration). */
function ensureGradient(): void {
  if (tf.getGradient(tf.FusedConv2D) !== FUSED_CONV_GRADIENT) {
    tf.registerGradient(FUSED_CONV_GRADIENT);
  }
}

/**
 * Checks the arguments of a fused convolution (ranks, dtypes, channels, bias `[out]`, stride,
 * padding, activation) and returns the resolved stride, padding and activation; `where` names the
 * caller in the messages.
 *
 * @internal
 */
export function checkFusedConv(
  x: tf.Tensor,
  kernel: tf.Tensor4D,
  bias: tf.Tensor1D,
  options: FusedConvOptions,
  where: string,
): ResolvedConv & { readonly activation: FusedConvActivation } {
  const activation = options.activation ?? 'linear';
  if (!isFusedConvActivation(activation)) {
    throw new ValueError(
      `${where}: activation must be one of ${FUSED_CONV_ACTIVATIONS.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(activation)}; apply other activations after conv`,
    );
  }
  const resolved = checkConv(x, kernel, options, where);
  assertRank(bias, 1, `${where}: bias`);
  assertDtype(bias, 'float32', `${where}: bias`);
  if (bias.shape[0] !== kernel.shape[3]) {
    throw new ShapeError(
      `${where}: bias ${formatShape(bias.shape)} does not match the kernel's ${kernel.shape[3]} output channels (kernel ${formatShape(kernel.shape)}); the bias is [out]`,
    );
  }
  return { ...resolved, activation };
}

/**
 * `σ(conv(x, K) + b)` as one kernel (TF.js's `FusedConv2D`), also while gradients are recorded:
 * TF.js's own `tf.fused.conv2d` falls back to three kernels (convolution, add, activation)
 * whenever a tape records and the activation is not linear, which is every training step. Here
 * the forward pass is one kernel on every backend that has FusedConv2D (cpu, wasm, webgl,
 * native), the backward pass is relu's gradient, the two convolution gradients and a sum,
 * and gradients of gradients work as for {@link conv}.
 *
 * `y[n, i, j, o] = σ(Σ_{p, q, c} K[p, q, c, o] · x[n, s·i + p − top, s·j + q − left, c] + b[o])`
 * with zeros outside the image, `σ` the identity or `max(0, ·)`.
 *
 * @param x - `[N, H, W, in]` or `[H, W, in]`, float32.
 * @param kernel - `[kh, kw, in, out]`, float32.
 * @param bias - `[out]`, float32.
 * @param options - `stride` (default 1), `padding` (default `'same'`), `activation` (default
 *   `'linear'`, one of {@link FUSED_CONV_ACTIVATIONS}).
 * @returns `[N, H', W', out]` (or `[H', W', out]`), as {@link conv}.
 * @throws {@link ShapeError} on a wrong rank or a channel mismatch, as {@link conv}, or a bias
 *   that is not `[out]`.
 * @throws {@link DTypeError} unless every tensor is float32.
 * @throws {@link ValueError} on an invalid stride, padding or activation.
 * @example
 * ```ts
 * const y = fusedConv(features, K, b, { activation: 'relu' }); // [64, 28, 28, 16] → [64, 28, 28, 16]
 * const [dK] = tf.grads((k: tf.Tensor) => tf.sum(fusedConv(features, k as tf.Tensor4D, b)))([K]);
 * ```
 */
export function fusedConv<T extends tf.Tensor3D | tf.Tensor4D>(
  x: T,
  kernel: tf.Tensor4D,
  bias: tf.Tensor1D,
  options: FusedConvOptions = {},
): T {
  const { strides, pad, activation } = checkFusedConv(x, kernel, bias, options, 'fusedConv');
  return tf.tidy(() => {
    ensureGradient();
    const x4 = (x.rank === 3 ? tf.expandDims(x, 0) : x) as tf.Tensor4D;
    // The wasm backend's FusedConv2D checks the shape the bias's memory was written with, not
    // the tensor's, and refuses a bias that is a reshaped view of a larger tensor (a row of the
    // controls, say). A copy of its own (m floats) satisfies it.
    const b = tf.getBackend() === 'wasm' ? tf.add(bias, tf.scalar(0)) : bias;
    const attrs: Attrs = {
      strides,
      pad,
      dataFormat: 'NHWC',
      dilations: [1, 1],
      activation,
      leakyreluAlpha: 0,
    };
    const y = tf
      .engine()
      .runKernel(
        tf.FusedConv2D,
        { x: x4, filter: kernel, bias: b },
        attrs as unknown as tf.NamedAttrMap,
      ) as tf.Tensor4D;
    return (x.rank === 3 ? tf.squeeze(y, [0]) : y) as T;
  });
}

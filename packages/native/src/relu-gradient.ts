// Relu's gradient as one kernel on the native backend, instead of TF.js's step, cast and multiply.
import * as tf from '@tensorflow/tfjs-core';
import { RELU_GRAD_KERNEL } from './kernels/relu-grad.js';

/** TF.js's own form of relu's gradient: `dy · step(x)` (three kernels, two passes over memory). */
function twoPass(dy: tf.Tensor, x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(dy, tf.cast(tf.step(x), 'float32')));
}

/**
 * Relu's gradient `dy · step(x)`, i.e. `dy[i]` where `x[i] > 0`, `0 · dy[i]` elsewhere and NaN
 * where `x[i]` is NaN: one {@link RELU_GRAD_KERNEL} kernel where the current backend has it and
 * both tensors are float32 of one shape, TF.js's two-pass form elsewhere (the same values).
 *
 * @param dy - The gradient flowing into relu's output (shape `S`).
 * @param x - Relu's input (shape `S`).
 * @returns The gradient with respect to `x` (shape `S`).
 * @example
 * ```ts
 * reluGradient(tf.tensor1d([5, 6, 7]), tf.tensor1d([-1, 0, 2])); // [0, 0, 7]
 * ```
 */
export function reluGradient(dy: tf.Tensor, x: tf.Tensor): tf.Tensor {
  const fused =
    dy.dtype === 'float32' &&
    x.dtype === 'float32' &&
    tf.util.arraysEqual(dy.shape, x.shape) &&
    tf.getKernel(RELU_GRAD_KERNEL, tf.getBackend()) !== undefined;
  if (!fused) return twoPass(dy, x);
  return tf.engine().runKernel(RELU_GRAD_KERNEL, { dy, x }) as tf.Tensor;
}

/** Relu's gradient through {@link reluGradient}. */
const RELU_GRADIENT: tf.GradConfig = {
  kernelName: tf.Relu,
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => {
    const [x] = saved as tf.Tensor[];
    return { x: () => reluGradient(dy as tf.Tensor, x as tf.Tensor) };
  },
};

/**
 * The fused kernel's own gradient (for gradients of gradients): it is linear in `dy` with the
 * same mask, and piecewise constant in `x`.
 */
const RELU_GRAD_GRADIENT: tf.GradConfig = {
  kernelName: RELU_GRAD_KERNEL,
  inputsToSave: ['x'],
  gradFunc: (g, saved) => {
    const [x] = saved as tf.Tensor[];
    return {
      dy: () => reluGradient(g as tf.Tensor, x as tf.Tensor),
      x: () => tf.zerosLike(x as tf.Tensor),
    };
  },
};

/**
 * Makes relu's registered gradient {@link reluGradient} (one kernel on the native backend, the
 * same two-pass form as TF.js's elsewhere). TF.js keeps one gradient per kernel for every
 * backend, so a later registration of TF.js's full gradient set (loading `@tensorflow/tfjs-layers`
 * or core's gradient module) puts the two-pass form back; calling this again restores the fused
 * one. Idempotent.
 *
 * @example
 * ```ts
 * installReluGradient();
 * tf.grad(tf.relu)(tf.tensor1d([-1, 2])); // [0, 1], in one kernel on 'native'
 * ```
 */
export function installReluGradient(): void {
  if (tf.getGradient(tf.Relu) !== RELU_GRADIENT) tf.registerGradient(RELU_GRADIENT);
  if (tf.getGradient(RELU_GRAD_KERNEL) !== RELU_GRAD_GRADIENT) {
    tf.registerGradient(RELU_GRAD_GRADIENT);
  }
}

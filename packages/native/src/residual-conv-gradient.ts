// The gradient of the residual convolution Y + σ(conv(Y, K) + b): one native kernel, or TF.js ops when a gradient of it is recorded.
import * as tf from '@tensorflow/tfjs-core';
import {
  RESIDUAL_CONV_GRAD_KERNEL,
  RESIDUAL_CONV_KERNEL,
  RESIDUAL_CONV_MASK_KERNEL,
} from './kernels/residual-conv.js';

/**
 * The gradient as differentiable TF.js ops (for gradients of gradients): `g = dz · mask`,
 * `dx = dz + Kᵀ g`, `dK = Σ x ⊗ g`, `db = Σ g`. The mask is piecewise constant, so it carries no
 * gradient of its own; it is read from the backend beside `z` (relu) or absent (linear).
 */
function composed(
  dz: tf.Tensor4D,
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  z: tf.Tensor | undefined,
): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const mask =
    z === undefined
      ? undefined
      : (tf.engine().runKernel(RESIDUAL_CONV_MASK_KERNEL, { z }, {}) as tf.Tensor);
  const g = mask === undefined ? dz : tf.mul(dz, tf.cast(mask, 'float32'));
  const conv = { strides: 1, pad: 'same', dataFormat: 'NHWC' } as const;
  const dx = tf.add(
    dz,
    tf.engine().runKernel(tf.Conv2DBackpropInput, { dy: g, filter }, {
      ...conv,
      inputShape: x.shape,
    } as unknown as tf.NamedAttrMap) as tf.Tensor,
  );
  const dK = tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy: g }, {
    ...conv,
    filterShape: filter.shape,
  } as unknown as tf.NamedAttrMap) as tf.Tensor;
  return [dx, dK, tf.sum(g, [0, 1, 2])];
}

/**
 * `RungeResidualConv2D`'s gradient: one {@link RESIDUAL_CONV_GRAD_KERNEL} call (the mask and bias
 * pass, the input gradient with `dz` added in its epilogue, the filter gradient), unless a tape
 * records the gradient itself, where the same values come from differentiable ops.
 */
const RESIDUAL_CONV_GRADIENT: tf.GradConfig = {
  kernelName: RESIDUAL_CONV_KERNEL,
  inputsToSave: ['x', 'filter'],
  outputsToSave: [true],
  gradFunc: (dys, saved, attrs) => {
    const dz = (Array.isArray(dys) ? dys[0] : dys) as tf.Tensor4D;
    const [x, filter, output] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor];
    // relu's mask is kept by the backend beside the output z; linear has none.
    const z = attrs.activation === 'relu' ? output : undefined;
    const fused =
      !tf.engine().isTapeOn() &&
      tf.getKernel(RESIDUAL_CONV_GRAD_KERNEL, tf.getBackend()) !== undefined;
    const [dx, dK, db] = fused
      ? (tf
          .engine()
          .runKernel(
            RESIDUAL_CONV_GRAD_KERNEL,
            z === undefined ? { dz, x, filter } : { dz, x, filter, z },
            {},
          ) as tf.Tensor[])
      : composed(dz, x, filter, z);
    return {
      x: () => dx as tf.Tensor,
      filter: () => dK as tf.Tensor,
      bias: () => db as tf.Tensor,
    };
  },
};

/**
 * Registers the gradient of {@link RESIDUAL_CONV_KERNEL} (once; TF.js keeps one gradient per
 * kernel for every backend). {@link registerNativeBackend} calls it.
 *
 * @example
 * ```ts
 * installResidualConvGradient();
 * tf.getGradient(RESIDUAL_CONV_KERNEL) !== undefined; // true
 * ```
 */
export function installResidualConvGradient(): void {
  if (tf.getGradient(RESIDUAL_CONV_KERNEL) !== RESIDUAL_CONV_GRADIENT) {
    tf.registerGradient(RESIDUAL_CONV_GRADIENT);
  }
}

// σ(K Y + b), the layer inside the ResNet, parabolic and Hamiltonian dynamics and FractalNet units: one kernel where possible.
import { fusedConv, isFusedConvActivation, ShapeError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { type ActivationName, activate } from '../activations.js';
import { applyK } from './operator.js';

/**
 * `σ(K Y + b)` with {@link applyK}'s conventions. For feature maps with a relu or linear `σ` and a
 * bias `[m]`, the convolution, the bias and `σ` are one kernel (`fusedConv`), forward and while
 * training; otherwise the three ops run in turn. Both give the same values and gradients.
 */
export function activatedOperator(
  y: tf.Tensor,
  K: tf.Tensor,
  b: tf.Tensor,
  activation: ActivationName,
  where: string,
): tf.Tensor {
  if (y.rank === 4 && K.rank === 4 && b.rank === 1 && isFusedConvActivation(activation)) {
    try {
      return fusedConv(y as tf.Tensor4D, K as tf.Tensor4D, b as tf.Tensor1D, { activation });
    } catch (error) {
      if (error instanceof ShapeError) {
        throw new ShapeError(`${where}: ${error.message}`, { cause: error });
      }
      throw error;
    }
  }
  return activate(activation, tf.add(applyK(y, K, where), b));
}

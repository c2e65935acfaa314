import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { outputLoss } from './output-loss.js';

/** ∇ℓ(y) by autodiff. */
const gradOf = (value: (y: tf.Tensor) => tf.Scalar, y: tf.Tensor): tf.Tensor => tf.grad(value)(y);

describe('output losses', () => {
  it('their Hessian products match central differences of their autodiff gradients', () => {
    const y = tf.tensor2d([
      [0.3, -1.2, 0.8],
      [1.5, 0.1, -0.4],
      [-0.6, 0.9, 0.2],
      [0.0, -0.3, 1.1],
    ]);
    const u = tf.tensor2d([
      [1, -0.5, 0.25],
      [-0.2, 0.7, 1.3],
      [0.9, -1.1, 0.4],
      [0.5, 0.5, -1],
    ]);
    const targets = {
      'squared-error': tf.tensor2d([
        [0, 1, 0],
        [1, 0, 2],
        [0.5, 0.5, 0],
        [1, 1, 1],
      ]),
      'softmax-cross-entropy': tf.tensor1d([2, 0, 1, 1], 'int32'),
    } as const;
    for (const [name, t] of Object.entries(targets)) {
      const loss = outputLoss(name as keyof typeof targets, t);
      const eps = 1e-2;
      const [hu, fd] = tf.tidy(() => [
        loss.hessianProduct(y, u),
        tf.div(
          tf.sub(
            gradOf(loss.value, tf.add(y, tf.mul(u, eps))),
            gradOf(loss.value, tf.sub(y, tf.mul(u, eps))),
          ),
          2 * eps,
        ),
      ]);
      const a = hu!.dataSync();
      const b = fd!.dataSync();
      // squared error: exact; cross-entropy: O(ε²) ≈ 1e-4 relative, float32 rounding ≈ 6e-8/ε
      for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i] as number, 4);
      tf.dispose([hu!, fd!]);
    }
    tf.dispose([y, u, ...Object.values(targets)]);
  });
});

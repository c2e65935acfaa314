// Test helper: an op against its reference written in other ops, in values and in the gradients of a weighted sum.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { relativeError } from './compare-backends.js';

/** An op of an input, a kernel and a bias (a convolution with its bias, fused or not). */
export type ConvLike = (x: tf.Tensor4D, kernel: tf.Tensor4D, bias: tf.Tensor1D) => tf.Tensor;

const valuesOf = (t: tf.Tensor): Float32Array => t.dataSync() as Float32Array;

/**
 * Expects `op(x, K, b)` to equal `reference(x, K, b)` in shape and values, and the gradients of
 * `Σ w · op` in x, K and b to equal those of `Σ w · reference`, each to `tol` relative to the
 * reference (normwise). Disposes what it creates.
 */
export function expectSameAsReference(
  op: ConvLike,
  reference: ConvLike,
  [x, kernel, bias]: readonly [tf.Tensor4D, tf.Tensor4D, tf.Tensor1D],
  w: tf.Tensor,
  tol = 1e-5,
): void {
  const loss =
    (f: ConvLike) =>
    (...a: tf.Tensor[]) =>
      tf.sum(tf.mul(w, f(a[0] as tf.Tensor4D, a[1] as tf.Tensor4D, a[2] as tf.Tensor1D)));
  const y = op(x, kernel, bias);
  const yRef = reference(x, kernel, bias);
  expect(y.shape).toEqual(yRef.shape);
  expect(relativeError(valuesOf(y), valuesOf(yRef))).toBeLessThan(tol);
  const g = tf.grads(loss(op))([x, kernel, bias]);
  const gRef = tf.grads(loss(reference))([x, kernel, bias]);
  for (let i = 0; i < 3; i++) {
    expect(g[i]?.shape).toEqual(gRef[i]?.shape);
    expect(relativeError(valuesOf(g[i] as tf.Tensor), valuesOf(gRef[i] as tf.Tensor))).toBeLessThan(
      tol,
    );
  }
  tf.dispose([y, yRef, ...g, ...gRef]);
}

import * as tf from '@tensorflow/tfjs-core';

/**
 * Gradients of a scalar function of some tensors, `∂fn/∂xs`, with zeros (not an error) for the
 * `xs` that `fn` does not use.
 *
 * Safe to call inside the gradient function of `tf.customGrad`: in TF.js 4.22 a nested
 * `tf.grads` there replaces the engine's active tape with its own and leaves it `null`, and the
 * outer backward pass then fails while cleaning up (`Cannot read properties of null`). The
 * outer tape is restored here.
 */
export function gradientsOf(
  fn: () => tf.Scalar,
  xs: readonly tf.Tensor[],
): { value: tf.Scalar; grads: tf.Tensor[] } {
  const engine = tf.engine();
  const outerTape = engine.state.activeTape;
  try {
    const { value, grads } = engine.gradients(fn, [...xs], undefined, true);
    return {
      value,
      grads: grads.map((g, i) => g ?? tf.zerosLike(xs[i] as tf.Tensor)),
    };
  } finally {
    engine.state.activeTape = outerTape;
  }
}

/** Whether operations run now are being recorded for a gradient computation. */
export function isRecording(): boolean {
  return tf.engine().isTapeOn();
}

/**
 * Runs `fn` with the gradient tape paused: nothing it computes is recorded, while gradient
 * computations that `fn` starts itself (an `f` built with `tf.grad`) work as at top level.
 */
export function withoutTape<T>(fn: () => T): T {
  const state = tf.engine().state;
  const { gradientDepth, activeTape } = state;
  state.gradientDepth = 0;
  try {
    return fn();
  } finally {
    state.gradientDepth = gradientDepth;
    state.activeTape = activeTape;
  }
}

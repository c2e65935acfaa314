import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { gradientsOf, isRecording, withoutTape } from './vjp.js';

/** A custom op y = sin(x)·w whose gradient function differentiates with a nested gradient call. */
function customSinTimes(nested: (fn: () => tf.Scalar, xs: tf.Tensor[]) => tf.Tensor[]) {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, w] = args as [tf.Tensor, tf.Tensor];
    return {
      value: tf.mul(tf.sin(x), w),
      gradFunc: (dy: tf.Tensor) => nested(() => tf.sum(tf.mul(tf.mul(tf.sin(x), w), dy)), [x, w]),
    };
  });
}

describe('nested gradients inside tf.customGrad (TF.js 4.22)', () => {
  it('plain tf.grads there breaks the outer backward pass (the engine tape is left null)', () => {
    const x = tf.tensor1d([0.1, 0.2]);
    const w = tf.tensor1d([2, 3]);
    let outerTape: { saved?: tf.Tensor[] }[] = [];
    const op = customSinTimes((fn, xs) => {
      outerTape = tf.engine().state.activeTape;
      return tf.grads(() => fn())(xs);
    });
    expect(() =>
      tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(op(a, b))))([x, w]),
    ).toThrow(/Cannot read properties of null \(reading 'forEach'\)/);
    // The failed backward pass never released the outer tape's saved tensors.
    for (const node of outerTape) for (const t of node.saved ?? []) t.dispose();
    tf.engine().state.activeTape = [];
    tf.dispose([x, w]);
  });

  it('gradientsOf restores the tape: the result is the analytic gradient and nothing leaks', () => {
    const x = tf.tensor1d([0.1, 0.2]);
    const w = tf.tensor1d([2, 3]);
    const op = customSinTimes((fn, xs) => {
      const { value, grads } = gradientsOf(fn, xs);
      value.dispose();
      return grads;
    });
    const before = tf.memory().numTensors;
    const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(op(a, b))))([
      x,
      w,
    ]) as [tf.Tensor, tf.Tensor];
    // L = Σ (w sin x)²: ∂L/∂x = 2 w² sin x cos x, ∂L/∂w = 2 w sin² x.
    const xs = [0.1, 0.2];
    const ws = [2, 3];
    Array.from(gx.dataSync()).forEach((v, i) => {
      const xi = xs[i] as number;
      expect(v).toBeCloseTo(2 * (ws[i] as number) ** 2 * Math.sin(xi) * Math.cos(xi), 5);
    });
    Array.from(gw.dataSync()).forEach((v, i) => {
      expect(v).toBeCloseTo(2 * (ws[i] as number) * Math.sin(xs[i] as number) ** 2, 5);
    });
    tf.dispose([gx, gw]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w]);
  });

  it('gradientsOf gives zeros for unused inputs instead of failing', () => {
    tf.tidy(() => {
      const a = tf.scalar(2);
      const unused = tf.ones([3]);
      const { grads } = gradientsOf(() => tf.square(a) as tf.Scalar, [a, unused]);
      expect(grads[0]?.dataSync()[0]).toBe(4);
      expect(Array.from(grads[1]?.dataSync() ?? [])).toEqual([0, 0, 0]);
    });
  });

  it('withoutTape pauses recording inside a gradient computation', () => {
    const seen: boolean[] = [];
    const x0 = tf.ones([2]);
    const g = tf.grad((x: tf.Tensor) => {
      seen.push(isRecording());
      withoutTape(() => seen.push(isRecording()));
      seen.push(isRecording());
      return tf.sum(tf.square(x));
    })(x0);
    tf.dispose([g, x0]);
    expect(seen).toEqual([true, false, true]);
  });
});

// The gradient-registration path on a bare TF.js (no shared test setup, so nothing has
// registered gradients): assertGradients and valueAndGrad fail with a GradientsError saying what
// to do, registerGradients registers them, and then assertGradients passes and tf.grad works.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import {
  assertGradients,
  GradientsError,
  hasGradients,
  registerGradients,
  valueAndGrad,
} from './index.js';

describe('registering gradients on a bare TF.js', () => {
  it('fails clearly before registerGradients, and differentiates after it', async () => {
    const backend = process.env.RUNGE_TEST_BACKEND ?? 'cpu';
    if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
    await tf.setBackend(backend);
    await tf.ready();
    // (silence the cpu backend's advice to install tfjs-node)
    const cpu = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
    if (cpu) cpu.firstUse = false;
    const before = tf.memory().numTensors;

    // before: no gradient is registered, and Runge's guards say how to register them
    expect(hasGradients()).toBe(false);
    expect(() => assertGradients()).toThrow(GradientsError);
    expect(() => assertGradients()).toThrow(
      /call initBackend\(\).*or import '@runge\/tensor-ops\/register'/,
    );
    const x = tf.tensor1d([3, -2]);
    const square = (v: tf.Tensor) => tf.sum(tf.mul(v, v)) as tf.Scalar;
    expect(() => valueAndGrad(square)(x)).toThrow(GradientsError);
    // (TF.js itself cannot differentiate a product yet)
    expect(() => tf.grad(square)(x)).toThrow();

    // after: registered (idempotently), the guards pass and gradients are right
    registerGradients();
    registerGradients();
    expect(hasGradients()).toBe(true);
    expect(() => assertGradients()).not.toThrow();
    const g = tf.grad(square)(x); // 2x
    expect(Array.from(g.dataSync())).toEqual([6, -4]);
    const { value, grads } = valueAndGrad(square)(x);
    expect(value.dataSync()[0]).toBe(13);
    expect(Array.from(grads.dataSync())).toEqual([6, -4]);
    // gradients of other ops than Multiply were registered too: d/dx Σ sin(x) = cos(x)
    const c = tf.grad((v: tf.Tensor) => tf.sum(tf.sin(v)))(x);
    const cos = Array.from(c.dataSync());
    [3, -2].forEach((v, i) => {
      expect(Math.abs((cos[i] as number) - Math.cos(v))).toBeLessThan(1e-6);
    });

    tf.dispose([x, g, value, grads, c]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

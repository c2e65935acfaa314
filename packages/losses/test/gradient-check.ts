// Central finite-difference gradient checks for the loss tests: the analytic gradient (tf.grad)
// is compared entry by entry with (f(x + εe_i) − f(x − εe_i)) / 2ε, f evaluated by the loss itself.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/** Reads a scalar tensor and disposes it. */
export function take(t: tf.Tensor): number {
  const v = t.dataSync()[0] as number;
  t.dispose();
  return v;
}

/** Reads a tensor's values and disposes it. */
export function takeAll(t: tf.Tensor): number[] {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
}

export interface GradientCheckOptions {
  /** Finite-difference step. Default 1e-2. */
  readonly eps?: number;
  /** Allowed error: |g − fd| ≤ atol + rtol·|fd|. Defaults 2e-3, 2e-2. */
  readonly atol?: number;
  readonly rtol?: number;
}

/**
 * Checks `tf.grad(f)` at `x` against central differences of `f`. `f` must return a scalar and
 * must not dispose its input. Returns the analytic gradient's values.
 */
export function checkGradient(
  f: (x: tf.Tensor) => tf.Scalar,
  values: readonly number[],
  shape: readonly number[],
  options: GradientCheckOptions = {},
): number[] {
  const eps = options.eps ?? 1e-2;
  const atol = options.atol ?? 2e-3;
  const rtol = options.rtol ?? 2e-2;
  const x = tf.tensor(values as number[], shape as number[], 'float32');
  const analytic = takeAll(tf.grad(f)(x));
  x.dispose();
  const at = (i: number, delta: number): number => {
    const v = [...values];
    v[i] = (v[i] as number) + delta;
    const xi = tf.tensor(v, shape as number[], 'float32');
    const y = take(tf.tidy(() => f(xi)));
    xi.dispose();
    return y;
  };
  values.forEach((_, i) => {
    const fd = (at(i, eps) - at(i, -eps)) / (2 * eps);
    const g = analytic[i] as number;
    expect(Number.isFinite(g), `gradient entry ${i} is ${g}`).toBe(true);
    expect(
      Math.abs(g - fd),
      `entry ${i}: analytic ${g} vs finite difference ${fd}`,
    ).toBeLessThanOrEqual(atol + rtol * Math.abs(fd));
  });
  return analytic;
}

/** Deterministic pseudo-random numbers in [lo, hi) for test inputs (an LCG; no tensors). */
export function numbers(n: number, seed: number, lo = -1, hi = 1): number[] {
  let s = seed >>> 0 || 1;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + ((hi - lo) * s) / 4294967296;
  });
}

// Helpers for tests that compute the same thing on the wasm and cpu backends.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/** Backends the comparisons run on. */
export type ComparedBackend = 'wasm' | 'cpu';

/**
 * Runs `f` inside `tf.tidy` on `backend` and returns copies of its outputs' values (the tensors
 * are disposed). Inputs should be created inside `f` (e.g. from a seeded `Rng`) so both backends
 * see the same numbers.
 */
export async function valuesOn(
  backend: ComparedBackend,
  f: () => tf.Tensor | tf.Tensor[],
): Promise<Float32Array[]> {
  if (tf.getBackend() !== backend) await tf.setBackend(backend);
  const outputs = tf.tidy(() => {
    const result = f();
    return Array.isArray(result) ? result : [result];
  });
  const values = outputs.map((t) => Float32Array.from(t.dataSync() as Iterable<number>));
  tf.dispose(outputs);
  return values;
}

/** `max |a - b| / max |b|`: the normwise relative error of `a` against the reference `b`. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs((a[i] as number) - (b[i] as number)));
    scale = Math.max(scale, Math.abs(b[i] as number));
  }
  return scale === 0 ? diff : diff / scale;
}

/**
 * Asserts that `f` gives the same values on wasm as on cpu to relative error `tolerance`,
 * output by output, and that the outputs are not all zero (a test that can fail).
 */
export async function expectWasmMatchesCpu(
  f: () => tf.Tensor | tf.Tensor[],
  tolerance = 1e-4,
): Promise<void> {
  const onWasm = await valuesOn('wasm', f);
  const onCpu = await valuesOn('cpu', f);
  expect(onWasm.length).toBe(onCpu.length);
  onCpu.forEach((reference, i) => {
    expect(reference.some((v) => v !== 0)).toBe(true);
    expect(relativeError(onWasm[i] as Float32Array, reference)).toBeLessThan(tolerance);
  });
}

// Test helpers: run the same computation on the native and cpu backends and compare.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { loadNativeAddon, type NativeBackendInfo, registerNativeBackend } from '../src/index.js';

/**
 * Registers the native backend (the tests need the built addon and say so loudly) and returns
 * what it set up; `simd` false selects the scalar microkernel and the baseline loops, `avx512`
 * false keeps the convolutions and loops on AVX2.
 */
export function requireNative(threads = 1, simd = true, avx512 = true): NativeBackendInfo {
  const status = loadNativeAddon();
  if (!status.ok) throw new Error(`@runge/native's tests need the built addon: ${status.reason}`);
  return registerNativeBackend({ threads, simd, avx512 });
}

/** Deterministic values in [-1, 1) (a linear congruential sequence), never exactly zero. */
export function values(size: number, seed: number): Float32Array {
  const out = new Float32Array(size);
  let s = (seed * 2654435761) >>> 0;
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1 + 1e-3;
  }
  return out;
}

/** Runs `f` on `backend` with fresh input tensors made from `inputs`; returns its values. */
export async function runOn(
  backend: string,
  inputs: ReadonlyArray<{ values: Float32Array; shape: number[] }>,
  f: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const xs = inputs.map((i) => tf.tensor(i.values, i.shape, 'float32'));
  const out = f(...xs);
  const list = Array.isArray(out) ? out : [out];
  const result = list.map((t) => t.dataSync() as Float32Array);
  const shapes = list.map((t) => t.shape);
  tf.dispose([...xs, ...list]);
  await tf.setBackend('cpu');
  shapesSeen.push(shapes);
  return result;
}

const shapesSeen: number[][][] = [];

/** max |a − b| ≤ tol · max(|b|, 1e-3): agreement to `tol` relative to the result's scale. */
export function expectClose(a: Float32Array, b: Float32Array, tol = 1e-4, label = ''): void {
  expect(a.length, `${label}: length`).toBe(b.length);
  let scale = 1e-3;
  let worst = 0;
  for (let i = 0; i < b.length; i++) {
    if (!Number.isNaN(b[i] as number)) scale = Math.max(scale, Math.abs(b[i] as number));
    const d = Math.abs((a[i] as number) - (b[i] as number));
    if (Number.isNaN(a[i] as number) !== Number.isNaN(b[i] as number))
      worst = Number.POSITIVE_INFINITY;
    else if (!Number.isNaN(d)) worst = Math.max(worst, d);
  }
  expect(
    worst / scale,
    `${label}: max error relative to max |reference| ${scale}`,
  ).toBeLessThanOrEqual(tol);
}

/** Runs `f` on native and cpu with the same inputs and compares every output. */
export async function expectNativeMatchesCpu(
  inputs: ReadonlyArray<{ values: Float32Array; shape: number[] }>,
  f: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
  label: string,
  tol = 1e-4,
): Promise<void> {
  const native = await runOn('native', inputs, f);
  const cpu = await runOn('cpu', inputs, f);
  for (const [i, v] of native.entries())
    expectClose(v, cpu[i] as Float32Array, tol, `${label} output ${i}`);
}

// Float64 references and small utilities shared by the tests.
import * as tf from '@tensorflow/tfjs-core';

export type Mat = number[][];

export function matMul(a: Mat, b: Mat): Mat {
  return a.map((row) =>
    (b[0] as number[]).map((_, j) =>
      row.reduce((s, x, k) => s + x * ((b[k] as number[])[j] as number), 0),
    ),
  );
}

export function matVec(a: Mat, v: readonly number[]): number[] {
  return a.map((row) => row.reduce((s, x, k) => s + x * (v[k] as number), 0));
}

export function transpose(a: Mat): Mat {
  return (a[0] as number[]).map((_, j) => a.map((row) => row[j] as number));
}

export function identity(n: number): Mat {
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (__, j) => (i === j ? 1 : 0)),
  );
}

export function scale(a: Mat, s: number): Mat {
  return a.map((row) => row.map((x) => x * s));
}

export function add(a: Mat, b: Mat): Mat {
  return a.map((row, i) => row.map((x, j) => x + ((b[i] as number[])[j] as number)));
}

/** e^{A} by scaling and squaring with a degree-20 Taylor series (float64; small matrices). */
export function expm(a: Mat): Mat {
  const norm = Math.max(...a.map((row) => row.reduce((s, x) => s + Math.abs(x), 0)));
  const squarings = Math.max(0, Math.ceil(Math.log2(norm + 1)) + 4);
  const as = scale(a, 2 ** -squarings);
  let term = identity(a.length);
  let sum = identity(a.length);
  for (let k = 1; k <= 20; k++) {
    term = scale(matMul(term, as), 1 / k);
    sum = add(sum, term);
  }
  for (let s = 0; s < squarings; s++) sum = matMul(sum, sum);
  return sum;
}

/** Least-squares slope of log(y) against log(x). */
export function logLogSlope(xs: readonly number[], ys: readonly number[]): number {
  const lx = xs.map(Math.log);
  const ly = ys.map(Math.log);
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let num = 0;
  let den = 0;
  lx.forEach((x, i) => {
    num += (x - mx) * ((ly[i] as number) - my);
    den += (x - mx) ** 2;
  });
  return num / den;
}

export function values(t: tf.Tensor): number[] {
  return Array.from(t.dataSync());
}

export function norm(v: readonly number[]): number {
  return Math.sqrt(v.reduce((s, x) => s + x * x, 0));
}

/** ‖a − b‖ / ‖b‖. */
export function relErr(a: readonly number[], b: readonly number[]): number {
  return norm(a.map((x, i) => x - (b[i] as number))) / norm(b);
}

/** A seeded uniform generator in [−1, 1) for test matrices (xorshift). */
export function seeded(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return (s / 2 ** 32) * 2 - 1;
  };
}

export function randomMatrix(n: number, m: number, seed: number, amplitude = 1): Mat {
  const r = seeded(seed);
  return Array.from({ length: n }, () => Array.from({ length: m }, () => amplitude * r()));
}

/** Peak growth of `tf.memory()` (bytes and tensors above the level at the call) seen by `probe`. */
export function memoryPeak(run: (probe: () => void) => void): { bytes: number; tensors: number } {
  const start = tf.memory();
  let bytes = 0;
  let tensors = 0;
  run(() => {
    const m = tf.memory();
    bytes = Math.max(bytes, m.numBytes - start.numBytes);
    tensors = Math.max(tensors, m.numTensors - start.numTensors);
  });
  return { bytes, tensors };
}

/** `tf.tidy` for work that returns plain numbers or objects (no tensor survives). */
export function tidyValue<T>(fn: () => T): T {
  return tf.tidy(fn as unknown as () => tf.TensorContainer) as unknown as T;
}

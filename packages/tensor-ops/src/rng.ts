import * as tf from '@tensorflow/tfjs-core';
import { ValueError } from './errors.js';
import { assertNumber } from './validate.js';

/**
 * The serialisable state of an {@link Rng}: the four 32-bit words of xoshiro128**.
 * Stored in checkpoints so a resumed run draws the same numbers as an uninterrupted one.
 */
export interface RngState {
  readonly algorithm: 'xoshiro128**';
  readonly words: readonly [number, number, number, number];
  /** The unused second normal of the last Box–Muller pair, if any. */
  readonly spareNormal: number | null;
}

const TWO_POW_32 = 4294967296;

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** SplitMix32: turns any 32-bit seed word into well-mixed words for the xoshiro state. */
function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function normalizeShape(shape: readonly number[], name: string): number[] {
  shape.forEach((d, i) => {
    assertNumber(d, `${name}[${i}]`, { min: 0, integer: true });
  });
  return [...shape];
}

/**
 * A seeded pseudo-random generator (xoshiro128**, period 2¹²⁸ − 1) that produces tensors
 * deterministically on every backend: numbers are drawn in JavaScript and uploaded, so the same
 * seed gives the same tensors on `cpu`, `wasm` and `tensorflow`.
 *
 * The state is four 32-bit words ({@link Rng.state}); {@link Rng.split} derives an independent
 * stream, so e.g. initialisation and data shuffling can each own a generator.
 *
 * @example
 * ```ts
 * const rng = Rng.fromSeed(42);
 * const K = rng.normal([3, 3, 16, 16], { std: 0.1 });
 * const order = rng.permutation(60000);
 * const again = Rng.fromSeed(42).normal([3, 3, 16, 16], { std: 0.1 }); // same values as K
 * ```
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** A second standard normal kept from the last Box–Muller pair. */
  private spareNormal: number | null = null;

  private constructor(words: readonly [number, number, number, number]) {
    [this.s0, this.s1, this.s2, this.s3] = words.map((w) => w >>> 0) as [
      number,
      number,
      number,
      number,
    ];
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) {
      throw new ValueError('Rng: the all-zero state is not allowed for xoshiro128**');
    }
  }

  /**
   * A generator seeded by an integer (any safe integer; both 32-bit halves are used).
   *
   * @param seed - An integer seed.
   * @returns A new generator.
   * @throws {@link ValueError} when `seed` is not a safe integer.
   */
  static fromSeed(seed: number): Rng {
    if (!Number.isSafeInteger(seed)) {
      throw new ValueError(`seed: expected a safe integer, got ${seed}`);
    }
    const low = seed >>> 0;
    const high = Math.floor(seed / TWO_POW_32) >>> 0;
    const mixLow = splitmix32(low);
    const mixHigh = splitmix32(high ^ 0x6a09e667);
    const words = [0, 0, 0, 0].map(() => (mixLow() ^ mixHigh()) >>> 0) as unknown as [
      number,
      number,
      number,
      number,
    ];
    if ((words[0] | words[1] | words[2] | words[3]) === 0) words[0] = 1;
    return new Rng(words);
  }

  /**
   * Restores a generator from a state saved with {@link Rng.state}.
   *
   * @param state - A saved state.
   * @returns A generator that continues exactly where the saved one was.
   * @throws {@link ValueError} for an unknown algorithm or malformed words.
   */
  static fromState(state: RngState): Rng {
    if (
      state?.algorithm !== 'xoshiro128**' ||
      !Array.isArray(state.words) ||
      state.words.length !== 4
    ) {
      throw new ValueError(
        `Rng.fromState: expected { algorithm: 'xoshiro128**', words: [4 integers] }, got ${JSON.stringify(state)}`,
      );
    }
    state.words.forEach((w, i) => {
      assertNumber(w, `state.words[${i}]`, { min: 0, max: TWO_POW_32 - 1, integer: true });
    });
    const rng = new Rng(state.words);
    const spare = state.spareNormal ?? null;
    rng.spareNormal = spare === null ? null : assertNumber(spare, 'state.spareNormal');
    return rng;
  }

  /**
   * The generator's current state (a plain JSON-serialisable object).
   *
   * @returns A copy of the state.
   */
  state(): RngState {
    return {
      algorithm: 'xoshiro128**',
      words: [this.s0, this.s1, this.s2, this.s3],
      spareNormal: this.spareNormal,
    };
  }

  /**
   * The next 32-bit unsigned integer of the stream.
   *
   * @returns An integer in `[0, 2³²)`.
   */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ this.s1) >>> 0;
    this.s1 = (this.s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /**
   * The next uniform double in `[0, 1)` (53 random bits).
   *
   * @returns A number in `[0, 1)`.
   */
  nextFloat(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / 9007199254740992;
  }

  /**
   * The next standard normal number (Box–Muller, polar-free form).
   *
   * @returns A sample of N(0, 1).
   */
  nextNormal(): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return z;
    }
    let u = this.nextFloat();
    while (u === 0) u = this.nextFloat();
    const v = this.nextFloat();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /**
   * An integer uniform in `[low, high)` (unbiased, by rejection).
   *
   * @param low - Smallest value.
   * @param high - One past the largest value; `high - low ≤ 2³²`.
   * @returns An integer.
   */
  nextInt(low: number, high: number): number {
    const range = high - low;
    if (!Number.isInteger(low) || !Number.isInteger(high) || range <= 0 || range > TWO_POW_32) {
      throw new ValueError(
        `nextInt: expected integers low < high with high - low <= 2^32, got [${low}, ${high})`,
      );
    }
    const limit = TWO_POW_32 - (TWO_POW_32 % range);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return low + (x % range);
  }

  /**
   * A tensor of independent uniform samples in `[low, high)`.
   *
   * @param shape - The tensor's shape.
   * @param options - `low` (default 0), `high` (default 1).
   * @returns A float32 tensor.
   * @example
   * ```ts
   * const b = rng.uniform([16], { low: -0.1, high: 0.1 });
   * ```
   */
  uniform(shape: readonly number[], options: { low?: number; high?: number } = {}): tf.Tensor {
    const dims = normalizeShape(shape, 'shape');
    const low = assertNumber(options.low ?? 0, 'low');
    const high = assertNumber(options.high ?? 1, 'high');
    if (!(high > low))
      throw new ValueError(`uniform: expected low < high, got low ${low}, high ${high}`);
    const values = new Float32Array(dims.reduce((a, b) => a * b, 1));
    for (let i = 0; i < values.length; i++) values[i] = low + (high - low) * this.nextFloat();
    return tf.tensor(values, dims, 'float32');
  }

  /**
   * A tensor of independent normal samples `mean + std · N(0, 1)`.
   *
   * @param shape - The tensor's shape.
   * @param options - `mean` (default 0), `std` (default 1, ≥ 0).
   * @returns A float32 tensor.
   * @example
   * ```ts
   * // He initialisation of a 3×3 conv with 16 input channels
   * const K = rng.normal([3, 3, 16, 16], { std: Math.sqrt(2 / (9 * 16)) });
   * ```
   */
  normal(shape: readonly number[], options: { mean?: number; std?: number } = {}): tf.Tensor {
    const dims = normalizeShape(shape, 'shape');
    const mean = assertNumber(options.mean ?? 0, 'mean');
    const std = assertNumber(options.std ?? 1, 'std', { min: 0 });
    const values = new Float32Array(dims.reduce((a, b) => a * b, 1));
    for (let i = 0; i < values.length; i++) values[i] = mean + std * this.nextNormal();
    return tf.tensor(values, dims, 'float32');
  }

  /**
   * A tensor of independent Bernoulli samples: 1 with probability `p`, else 0 (a dropout mask).
   *
   * @param shape - The tensor's shape.
   * @param p - Probability of a 1, in `[0, 1]`.
   * @returns A float32 tensor of zeros and ones.
   * @example
   * ```ts
   * const keep = rng.bernoulli([64, 128], 0.9);
   * ```
   */
  bernoulli(shape: readonly number[], p: number): tf.Tensor {
    const dims = normalizeShape(shape, 'shape');
    assertNumber(p, 'p', { min: 0, max: 1 });
    const values = new Float32Array(dims.reduce((a, b) => a * b, 1));
    for (let i = 0; i < values.length; i++) values[i] = this.nextFloat() < p ? 1 : 0;
    return tf.tensor(values, dims, 'float32');
  }

  /**
   * A uniformly random permutation of `0, …, n − 1` (Fisher–Yates).
   *
   * @param n - Length of the permutation.
   * @returns An `Int32Array` holding each index once.
   * @example
   * ```ts
   * const order = rng.permutation(10000); // epoch order
   * ```
   */
  permutation(n: number): Int32Array {
    assertNumber(n, 'n', { min: 0, integer: true });
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.nextInt(0, i + 1);
      const tmp = out[i] as number;
      out[i] = out[j] as number;
      out[j] = tmp;
    }
    return out;
  }

  /**
   * Derives an independent generator and advances this one. Use it to give each consumer
   * (initialisation, shuffling, dropout) its own stream.
   *
   * @returns A new generator seeded from this one's next four words.
   * @example
   * ```ts
   * const initRng = rng.split();
   * const dataRng = rng.split();
   * ```
   */
  split(): Rng {
    const mix = splitmix32(this.nextUint32());
    const words = [0, 0, 0, 0].map(() => (mix() ^ this.nextUint32()) >>> 0) as unknown as [
      number,
      number,
      number,
      number,
    ];
    if ((words[0] | words[1] | words[2] | words[3]) === 0) words[0] = 1;
    return new Rng(words);
  }
}

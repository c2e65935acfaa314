import { Rng, type Rng as RngType, ShapeError, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkGradient, numbers, take, takeAll } from '../test/gradient-check.js';
import { type Critic, gradientPenalty } from './gradient-penalty.js';
import { randomFeatureExtractor } from './random-feature-extractor.js';

const SEED = 17;

describe('gradientPenalty', () => {
  let real: tf.Tensor2D;
  let fake: tf.Tensor2D;
  beforeAll(() => {
    real = tf.tensor2d(numbers(4 * 3, 1), [4, 3]);
    fake = tf.tensor2d(numbers(4 * 3, 2), [4, 3]);
  });
  afterAll(() => {
    tf.dispose([real, fake]);
  });

  it('is λ(‖a‖ − 1)² exactly for a linear critic D(x) = ⟨a, x⟩', () => {
    const a = [0.6, -1.2, 2];
    const norm = Math.hypot(...a);
    const aT = tf.tensor2d(a, [3, 1]);
    const critic: Critic = (x) => tf.matMul(x, aT);
    expect(take(gradientPenalty(critic, real, fake, Rng.fromSeed(SEED)))).toBeCloseTo(
      10 * (norm - 1) ** 2,
      4,
    );
    expect(
      take(gradientPenalty(critic, real, fake, Rng.fromSeed(SEED), { weight: 2.5 })),
    ).toBeCloseTo(2.5 * (norm - 1) ** 2, 5);
    aT.dispose();
  });

  it('differentiates w.r.t. a parameter captured by the critic (double backprop): 2λ(‖a‖ − 1) a/‖a‖', () => {
    const a = [0.6, -1.2, 2];
    const norm = Math.hypot(...a);
    const g = checkGradient(
      (p) => gradientPenalty((x) => tf.matMul(x, p), real, fake, Rng.fromSeed(SEED)),
      a,
      [3, 1],
      { eps: 1e-3, rtol: 1e-2 },
    );
    g.forEach((gi, i) => {
      expect(gi).toBeCloseTo((20 * (norm - 1) * (a[i] as number)) / norm, 3);
    });
  });

  it('matches the hand-computed penalty of a softplus critic and its FD gradient in the weights', () => {
    // D(x) = Σ_k v_k softplus((x W)_k + b_k), ∇_x D = W (v ⊙ sigmoid(x W + b))
    const W = numbers(3 * 2, 3); // [3, 2]
    const v = [0.8, -1.5];
    const b = [0.1, -0.2];
    const vT = tf.tensor2d(v, [2, 1]);
    const bT = tf.tensor1d(b);
    const critic =
      (w: tf.Tensor): Critic =>
      (x) =>
        tf.matMul(tf.softplus(tf.add(tf.matMul(x, w), bT)), vT);
    const eps = takeAll(Rng.fromSeed(SEED).uniform([4, 1]));
    const r = Array.from(real.dataSync());
    const f = Array.from(fake.dataSync());
    let expected = 0;
    for (let n = 0; n < 4; n++) {
      const e = eps[n] as number;
      const xh = [0, 1, 2].map(
        (i) => e * (r[3 * n + i] as number) + (1 - e) * (f[3 * n + i] as number),
      );
      const pre = [0, 1].map((k) =>
        xh.reduce((s, xi, i) => s + xi * (W[2 * i + k] as number), b[k] as number),
      );
      const outer = pre.map((p, k) => (v[k] as number) / (1 + Math.exp(-p)));
      const grad = [0, 1, 2].map((i) =>
        outer.reduce((s, o, k) => s + o * (W[2 * i + k] as number), 0),
      );
      expected += (Math.hypot(...grad) - 1) ** 2 / 4;
    }
    const wT = tf.tensor2d(W, [3, 2]);
    expect(take(gradientPenalty(critic(wT), real, fake, Rng.fromSeed(SEED)))).toBeCloseTo(
      10 * expected,
      4,
    );
    checkGradient((w) => gradientPenalty(critic(w), real, fake, Rng.fromSeed(SEED)), W, [3, 2], {
      eps: 1e-3,
      rtol: 1e-2,
    });
    tf.dispose([vT, bT, wT]);
  });

  it('differentiates through a leaky ReLU written with abs', () => {
    const leaky = (x: tf.Tensor): tf.Tensor =>
      tf.mul(tf.add(tf.mul(x, 1.2), tf.mul(tf.abs(x), 0.8)), 0.5);
    const v = tf.tensor2d([1, -0.5], [2, 1]);
    checkGradient(
      (w) =>
        gradientPenalty(
          (x) => tf.matMul(leaky(tf.matMul(x, w)), v),
          real,
          fake,
          Rng.fromSeed(SEED),
        ),
      numbers(6, 8),
      [3, 2],
      { eps: 1e-3, rtol: 1e-2 },
    );
    v.dispose();
  });

  it('stays finite for a ReLU critic whose input gradient vanishes', () => {
    // every interpolate has x·w < 0, so ∇D = 0 and the penalty is λ (up to the 1e-12 shift)
    const w = tf.tensor2d([-1, -1, -1], [3, 1]);
    const pos = tf.tensor2d(numbers(12, 5, 0.1, 1), [4, 3]);
    const [value, grad] = tf.tidy(() => {
      const { value, grads } = tf.valueAndGrads((p: tf.Tensor) =>
        gradientPenalty((x) => tf.relu(tf.matMul(x, p)), pos, pos, Rng.fromSeed(1)),
      )([w]);
      return [value, grads[0] as tf.Tensor];
    });
    expect(take(value)).toBeCloseTo(10, 4);
    takeAll(grad).forEach((g) => {
      expect(g).toBe(0);
    });
    tf.dispose([w, pos]);
  });

  it('works through the random feature extractor (conv2d, relu, reshape-mean pooling)', () => {
    const phi = randomFeatureExtractor({ seed: 2, channels: 2, scales: 2, inputChannels: 1 });
    const imagesReal = tf.tensor4d(numbers(2 * 16, 6, 0, 1), [2, 4, 4, 1]);
    const imagesFake = tf.tensor4d(numbers(2 * 16, 7, 0, 1), [2, 4, 4, 1]);
    // critic: Σ_s readout_s · mean over positions and channels of φ_s
    const critic =
      (readout: tf.Tensor): Critic =>
      (x) => {
        const maps = phi(x as tf.Tensor4D);
        const feats = tf.stack(
          maps.map((m) => tf.mean(m, [1, 2, 3])),
          1,
        ); // [N, scales]
        return tf.matMul(feats, readout);
      };
    const g = checkGradient(
      (p) => gradientPenalty(critic(p), imagesReal, imagesFake, Rng.fromSeed(SEED)),
      [3, -2],
      [2, 1],
      { eps: 1e-2, rtol: 1e-2 },
    );
    expect(g.some((v) => v !== 0)).toBe(true);
    tf.dispose([imagesReal, imagesFake]);
    phi.dispose();
  });

  it('rejects bad arguments, naming them', () => {
    const aT = tf.ones([3, 1]);
    const ok: Critic = (x) => tf.matMul(x, aT);
    const rng = Rng.fromSeed(0);
    const short = tf.zeros([3, 3]);
    expect(() => gradientPenalty(null as unknown as Critic, real, fake, rng)).toThrow(
      /critic: expected a function/,
    );
    expect(() => gradientPenalty(ok, real, short, rng)).toThrow(ShapeError);
    expect(() => gradientPenalty(ok, real, short, rng)).toThrow(/fake: expected shape \[4, 3\]/);
    expect(() => gradientPenalty(ok, real, fake, {} as RngType)).toThrow(/rng: expected an Rng/);
    expect(() => gradientPenalty(ok, real, fake, rng, { weight: -1 })).toThrow(ValueError);
    expect(() => gradientPenalty(ok, real, fake, rng, { weight: -1 })).toThrow(/weight/);
    expect(() => gradientPenalty((x) => x, real, fake, rng)).toThrow(
      /critic: expected one score per sample, shape \[4\] or \[4, 1\], got \[4, 3\]/,
    );
    tf.dispose([aT, short]);
  });
});

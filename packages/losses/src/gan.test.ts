import { DTypeError, ShapeError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, numbers, take, takeAll } from '../test/gradient-check.js';
import {
  criticLoss,
  discriminatorLoss,
  generatorLossMinimax,
  generatorLossNonSaturating,
  wassersteinGeneratorLoss,
} from './gan.js';

const D = (l: number): number => 1 / (1 + Math.exp(-l));
const mean = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / v.length;

describe('minimax GAN losses from logits', () => {
  const real = [1.5, -0.3, 0.8];
  const fake = [-2, 0.4];

  it('match −E[log D(x)] − E[log(1 − D(G(z)))], −E[log D(G(z))] and E[log(1 − D(G(z)))]', () => {
    const r = tf.tensor1d(real);
    const f = tf.tensor2d(fake, [2, 1]);
    expect(take(discriminatorLoss(r, f))).toBeCloseTo(
      -mean(real.map((l) => Math.log(D(l)))) - mean(fake.map((l) => Math.log(1 - D(l)))),
      6,
    );
    expect(take(generatorLossNonSaturating(f))).toBeCloseTo(
      -mean(fake.map((l) => Math.log(D(l)))),
      6,
    );
    expect(take(generatorLossMinimax(f))).toBeCloseTo(mean(fake.map((l) => Math.log(1 - D(l)))), 6);
    tf.dispose([r, f]);
  });

  it('give 2 log 2 for the discriminator that outputs ½ everywhere', () => {
    const zeros = tf.zeros([4, 1]);
    expect(take(discriminatorLoss(zeros, zeros))).toBeCloseTo(2 * Math.log(2), 6);
    zeros.dispose();
  });

  it('are finite for logits of ±1e4 (D exactly 0 or 1 in float32)', () => {
    const big = tf.tensor1d([1e4, 1e4]);
    const small = tf.tensor1d([-1e4, -1e4]);
    expect(take(discriminatorLoss(big, small))).toBe(0);
    expect(take(discriminatorLoss(small, big))).toBeCloseTo(2e4, 0);
    expect(take(generatorLossNonSaturating(small))).toBeCloseTo(1e4, 0);
    expect(take(generatorLossMinimax(big))).toBeCloseTo(-1e4, 0);
    const g = tf.grad((x) => generatorLossNonSaturating(x))(small);
    takeAll(g).forEach((v) => {
      expect(v).toBeCloseTo(-0.5, 6);
    }); // −(1 − σ(ℓ))/B
    tf.dispose([big, small]);
  });

  it('saturate as described: the minimax generator gradient vanishes where D rejects, the non-saturating one does not', () => {
    const rejected = tf.tensor1d([-8]);
    const gMinimax = take(tf.grad((x) => generatorLossMinimax(x))(rejected));
    const gNonSat = take(tf.grad((x) => generatorLossNonSaturating(x))(rejected));
    expect(Math.abs(gMinimax)).toBeCloseTo(D(-8), 6);
    expect(Math.abs(gNonSat)).toBeCloseTo(1 - D(-8), 6);
    rejected.dispose();
  });

  it('have gradients matching central differences', () => {
    const f = tf.tensor1d(fake);
    const r = tf.tensor1d(real);
    checkGradient((x) => discriminatorLoss(x, f), real, [3]);
    checkGradient((x) => discriminatorLoss(r, x), fake, [2]);
    checkGradient((x) => generatorLossNonSaturating(x), fake, [2]);
    checkGradient((x) => generatorLossMinimax(x), fake, [2]);
    tf.dispose([f, r]);
  });
});

describe('Wasserstein losses', () => {
  it('are E[D(G(z))] − E[D(x)] and −E[D(G(z))], with gradients ±1/B', () => {
    const real = numbers(4, 1, -3, 3);
    const fake = numbers(2, 2, -3, 3);
    const r = tf.tensor2d(real, [4, 1]);
    const f = tf.tensor1d(fake);
    expect(take(criticLoss(r, f))).toBeCloseTo(mean(fake) - mean(real), 6);
    expect(take(wassersteinGeneratorLoss(f))).toBeCloseTo(-mean(fake), 6);
    checkGradient((x) => criticLoss(x, f), real, [4, 1]).forEach((g) => {
      expect(g).toBeCloseTo(-0.25, 6);
    });
    checkGradient((x) => criticLoss(r, x), fake, [2]).forEach((g) => {
      expect(g).toBeCloseTo(0.5, 6);
    });
    checkGradient((x) => wassersteinGeneratorLoss(x), fake, [2]);
    tf.dispose([r, f]);
  });
});

describe('GAN loss validation', () => {
  it('names the argument for scalars and integer tensors', () => {
    const s = tf.scalar(1);
    const v = tf.tensor1d([1, 2]);
    const ints = tf.tensor1d([1, 2], 'int32');
    expect(() => discriminatorLoss(s, v)).toThrow(ShapeError);
    expect(() => discriminatorLoss(s, v)).toThrow(/realLogits: expected rank >= 1/);
    expect(() => discriminatorLoss(v, ints)).toThrow(DTypeError);
    expect(() => discriminatorLoss(v, ints)).toThrow(/fakeLogits/);
    expect(() => criticLoss(v, s)).toThrow(/fakeScores/);
    expect(() => wassersteinGeneratorLoss(ints)).toThrow(/fakeScores/);
    expect(() => generatorLossNonSaturating(s)).toThrow(/fakeLogits/);
    expect(() => generatorLossMinimax(ints)).toThrow(/fakeLogits/);
    tf.dispose([s, v, ints]);
  });
});

import { DTypeError, ShapeError, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, numbers, take } from '../test/gradient-check.js';
import { type ElboOptions, elbo } from './elbo.js';

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

function klJs(mu: readonly number[], lv: readonly number[], batch: number): number {
  return (
    mu.reduce(
      (a, m, i) => a + 0.5 * (m * m + Math.exp(lv[i] as number) - (lv[i] as number) - 1),
      0,
    ) / batch
  );
}

function read(result: { loss: tf.Scalar; reconstruction: tf.Scalar; kl: tf.Scalar }) {
  return {
    loss: take(result.loss),
    reconstruction: take(result.reconstruction),
    kl: take(result.kl),
  };
}

describe('elbo', () => {
  const xs = [0, 1, 0.3, 1, 0, 0.8];
  const logits = numbers(6, 1, -3, 3);
  const mus = numbers(4, 2);
  const lvs = numbers(4, 3, -1, 1);

  it('Bernoulli: −Σ [x log σ(ℓ) + (1 − x) log(1 − σ(ℓ))] + KL, mean over the batch', () => {
    const x = tf.tensor2d(xs, [2, 3]);
    const l = tf.tensor2d(logits, [2, 3]);
    const mu = tf.tensor2d(mus, [2, 2]);
    const logVar = tf.tensor2d(lvs, [2, 2]);
    const r = read(elbo({ x, reconstructionLogits: l, mu, logVar, likelihood: 'bernoulli' }));
    const bce =
      xs.reduce((a, xi, i) => {
        const p = sigmoid(logits[i] as number);
        return a - (xi * Math.log(p) + (1 - xi) * Math.log(1 - p));
      }, 0) / 2;
    expect(r.reconstruction).toBeCloseTo(bce, 5);
    expect(r.kl).toBeCloseTo(klJs(mus, lvs, 2), 5);
    expect(r.loss).toBeCloseTo(r.reconstruction + r.kl, 5);
    tf.dispose([x, l, mu, logVar]);
  });

  it('Gaussian: Σ (x − m)²/(2σ²) + ½ log(2πσ²) + KL, mean over the batch', () => {
    const means = numbers(6, 4);
    const x = tf.tensor2d(xs, [2, 3]);
    const m = tf.tensor2d(means, [2, 3]);
    const mu = tf.tensor2d(mus, [2, 2]);
    const logVar = tf.tensor2d(lvs, [2, 2]);
    const sigma = 0.7;
    const r = read(elbo({ x, reconstructionMean: m, mu, logVar, likelihood: 'gaussian', sigma }));
    const nll =
      xs.reduce(
        (a, xi, i) =>
          a +
          (xi - (means[i] as number)) ** 2 / (2 * sigma * sigma) +
          0.5 * Math.log(2 * Math.PI * sigma * sigma),
        0,
      ) / 2;
    expect(r.reconstruction).toBeCloseTo(nll, 5);
    expect(r.loss).toBeCloseTo(nll + klJs(mus, lvs, 2), 5);
    tf.dispose([x, m, mu, logVar]);
  });

  it('is finite for logits of ±1e4 with data of exactly 0 and 1, and extreme log-variances', () => {
    const x = tf.tensor2d([[1, 0, 1, 0]]);
    const confident = tf.tensor2d([[1e4, -1e4, 1e4, -1e4]]);
    const wrong = tf.tensor2d([[-1e4, 1e4, 1e4, -1e4]]);
    const mu = tf.tensor2d([[0, 1]]);
    const logVar = tf.tensor2d([[50, -50]]);
    const right = read(
      elbo({ x, reconstructionLogits: confident, mu, logVar, likelihood: 'bernoulli' }),
    );
    const off = read(elbo({ x, reconstructionLogits: wrong, mu, logVar, likelihood: 'bernoulli' }));
    expect(right.reconstruction).toBe(0);
    expect(off.reconstruction).toBeCloseTo(2e4, 0);
    for (const v of [...Object.values(right), ...Object.values(off)])
      expect(Number.isFinite(v)).toBe(true);
    tf.dispose([x, confident, wrong, mu, logVar]);
  });

  it('has gradients w.r.t. the decoder output, μ and logVar matching central differences', () => {
    const x = tf.tensor2d(xs, [2, 3]);
    const l = tf.tensor2d(logits, [2, 3]);
    const mu = tf.tensor2d(mus, [2, 2]);
    const logVar = tf.tensor2d(lvs, [2, 2]);
    const loss = (o: ElboOptions): tf.Scalar => {
      const r = elbo(o);
      tf.dispose([r.reconstruction, r.kl]);
      return r.loss;
    };
    const g = checkGradient(
      (v) => loss({ x, reconstructionLogits: v, mu, logVar, likelihood: 'bernoulli' }),
      logits,
      [2, 3],
    );
    // ∂/∂ℓ = (σ(ℓ) − x)/B
    g.forEach((gi, i) => {
      expect(gi).toBeCloseTo((sigmoid(logits[i] as number) - (xs[i] as number)) / 2, 5);
    });
    checkGradient(
      (v) => loss({ x, reconstructionMean: v, mu, logVar, likelihood: 'gaussian', sigma: 0.5 }),
      numbers(6, 5),
      [2, 3],
    );
    checkGradient(
      (v) => loss({ x, reconstructionLogits: l, mu: v, logVar, likelihood: 'bernoulli' }),
      mus,
      [2, 2],
    );
    checkGradient(
      (v) => loss({ x, reconstructionLogits: l, mu, logVar: v, likelihood: 'bernoulli' }),
      lvs,
      [2, 2],
    );
    tf.dispose([x, l, mu, logVar]);
  });

  it('rejects inconsistent options, naming the argument', () => {
    const x = tf.zeros([2, 3]);
    const out = tf.zeros([2, 3]);
    const wide = tf.zeros([2, 4]);
    const z = tf.zeros([2, 2]);
    const z3 = tf.zeros([3, 2]);
    const ints = tf.zeros([2, 3], 'int32');
    const base = { x, mu: z, logVar: z };
    const cases: [ElboOptions, typeof ValueError, RegExp][] = [
      [{ ...base, likelihood: 'bernoulli' }, ValueError, /reconstructionLogits: required/],
      [
        { ...base, reconstructionLogits: out, likelihood: 'gaussian' },
        ValueError,
        /reconstructionLogits: not used by the gaussian/,
      ],
      [
        { ...base, reconstructionLogits: out, likelihood: 'poisson' as 'gaussian' },
        ValueError,
        /likelihood: unknown "poisson"/,
      ],
      [
        { ...base, reconstructionMean: out, likelihood: 'gaussian', sigma: 0 },
        ValueError,
        /sigma: expected a finite number > 0/,
      ],
      [
        { ...base, reconstructionLogits: wide, likelihood: 'bernoulli' },
        ShapeError,
        /reconstructionLogits: expected shape \[2, 3\]/,
      ],
      [
        { ...base, reconstructionLogits: ints, likelihood: 'bernoulli' },
        DTypeError,
        /reconstructionLogits/,
      ],
      [
        { x, mu: z3, logVar: z3, reconstructionLogits: out, likelihood: 'bernoulli' },
        ShapeError,
        /mu: expected batch 2/,
      ],
    ];
    for (const [options, kind, message] of cases) {
      expect(() => elbo(options)).toThrow(kind);
      expect(() => elbo(options)).toThrow(message);
    }
    tf.dispose([x, out, wide, z, z3, ints]);
  });
});

// Values of every activation through the 'activation' layer (and through a dense layer's
// activation), against each function's formula at chosen points, with SELU's constants typed in
// from Klambauer et al. (2017).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, type ActivationName, buildModel } from './index.js';

// λ and α of "Self-normalizing neural networks" (Klambauer et al. 2017), to double precision.
const LAMBDA = 1.0507009873554805;
const ALPHA = 1.6732632423543772;

const formulas: Record<ActivationName, (x: number) => number> = {
  relu: (x) => Math.max(0, x),
  tanh: (x) => Math.tanh(x),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  selu: (x) => (x > 0 ? LAMBDA * x : LAMBDA * ALPHA * Math.expm1(x)),
  elu: (x) => (x > 0 ? x : Math.expm1(x)),
  softplus: (x) => Math.log1p(Math.exp(x)),
  leakyRelu: (x) => (x > 0 ? x : 0.01 * x),
  linear: (x) => x,
};

// Both signs, zero, small and large magnitudes (saturation of tanh and sigmoid, SELU's limit −λα).
const XS = [-10, -3, -1, -0.25, -1e-3, 0, 1e-3, 0.25, 1, 3, 10];

/**
 * Float32 evaluation: the inputs are float32 numbers, the result is rounded (relative 2⁻²⁴) and
 * the exp/log/tanh kernels add a few units in the last place, so 8 · 2⁻²⁴ ≈ 5e-7 relative to
 * max(1, |y|) bounds the error, while a wrong constant (λ or α in its fourth digit, the leaky
 * slope) or a wrong branch is off by far more.
 */
const TOL = 5e-7;

function through(name: ActivationName, xs: number[]): number[] {
  const model = buildModel({
    input: [xs.length],
    layers: [{ type: 'activation', activation: name }],
  });
  return tf.tidy(() => {
    const { y } = model.apply({}, tf.tensor2d(xs, [1, xs.length]));
    return Array.from(y.dataSync());
  });
}

describe('activation values', () => {
  it('every activation has a formula here', () => {
    expect(Object.keys(formulas).sort()).toEqual([...ACTIVATIONS].sort());
  });

  it.each([...ACTIVATIONS])('%s matches its formula', (name) => {
    const ys = through(name, XS);
    XS.forEach((x, i) => {
      const expected = formulas[name](x);
      expect(Math.abs((ys[i] as number) - expected), `${name}(${x})`).toBeLessThanOrEqual(
        TOL * Math.max(1, Math.abs(expected)),
      );
    });
  });

  it('SELU: slope λ for x > 0 and the limit −λα for x → −∞', () => {
    const [pos, neg] = through('selu', [2, -30]);
    expect(Math.abs((pos as number) / 2 - LAMBDA)).toBeLessThan(TOL);
    expect(Math.abs((neg as number) + LAMBDA * ALPHA)).toBeLessThan(TOL * LAMBDA * ALPHA);
  });

  it('a dense layer applies its activation after x W + b', () => {
    const model = buildModel({
      input: [2],
      layers: [{ type: 'dense', units: 3, activation: 'selu' }],
    });
    const W = tf.tensor2d([1, -2, 0.5, 3, 1, -1], [2, 3]);
    const b = tf.tensor1d([0.1, 0, -0.2]);
    const x = tf.tensor2d([0.4, -0.3], [1, 2]);
    const { y } = model.apply({ dense_0: { W, b } }, x);
    // z = x W + b = (0.4 − 0.9 + 0.1, −0.8 − 0.3, 0.2 + 0.3 − 0.2) = (−0.4, −1.1, 0.3); x, W and
    // b are rounded to float32, which moves z by a few 2⁻²⁴ and σ(z) by at most λ times that
    const z = [-0.4, -1.1, 0.3];
    Array.from(y.dataSync()).forEach((v, i) => {
      expect(Math.abs(v - formulas.selu(z[i] as number))).toBeLessThan(2 * TOL);
    });
    tf.dispose([W, b, x, y]);
  });
});

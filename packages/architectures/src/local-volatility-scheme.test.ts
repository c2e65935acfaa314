// The Black–Scholes layer's local-volatility scheme: a flat profile prices like the closed form, σ(x_i) enters per node, the knot gradients match finite differences, and bad knots are rejected.
import { blackScholesCall } from '@runge/datasets';
import { valueAndGrad } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { buildModel, type Model } from './model.js';

const R = 0.05;
const POINTS = [
  [-0.25, 0.25],
  [0, 0.25],
  [0.15, 0.25],
  [-0.1, 0.5],
  [0.05, 0.5],
  [-0.3, 1],
  [0, 1],
  [0.3, 1],
];

type Params = { logSigma: tf.Tensor; logR: tf.Tensor };

function localModel(nodes: number, knots: number[], sigma = 0.2): Model {
  return buildModel({
    input: [2],
    layers: [
      {
        type: 'black-scholes',
        name: 'bs',
        coefficients: 'local-volatility',
        sigma,
        r: R,
        xMax: 1,
        nodes,
        knots,
      },
    ],
  });
}

/** The model's prices at POINTS with the knot values `sigmas` (or its initial ones). */
function prices(model: Model, sigmas?: number[]): number[] {
  const { params } = model.init(0);
  const bs = params.bs as Params;
  const p = sigmas ? { ...bs, logSigma: tf.tensor1d(sigmas.map(Math.log)) } : bs;
  const y = tf.tidy(() => model.apply({ bs: p }, tf.tensor2d(POINTS)).y);
  const out = Array.from(y.dataSync());
  tf.dispose([y, bs.logSigma, bs.logR, p.logSigma]);
  return out;
}

const maxError = (a: number[], b: number[]): number =>
  Math.max(...a.map((v, i) => Math.abs(v - (b[i] as number))));

describe('black-scholes layer, local volatility', () => {
  it('prices like the closed form when the profile is flat, closer as h falls', () => {
    const before = tf.memory().numTensors;
    const exact = POINTS.map(
      ([x, tau]) =>
        blackScholesCall({ S: Math.exp(x as number), K: 1, T: tau as number, sigma: 0.2, r: R })
          .price,
    );
    const coarse = maxError(prices(localModel(21, [-0.2, 0, 0.2])), exact);
    const fine = maxError(prices(localModel(41, [-0.2, 0, 0.2])), exact);
    expect(tf.memory().numTensors).toBe(before);
    // h = 0.1 and 0.05 on [−1, 1]: the error is a discretisation error that falls with h
    expect(fine).toBeLessThan(1e-3);
    expect(fine).toBeLessThan(coarse / 2);
  });

  it('uses σ(x_i) per node: a profile between two flat markets prices between them, and each knot acts near its moneyness', () => {
    const model = localModel(41, [-0.2, 0, 0.2]);
    const low = prices(model, [0.2, 0.2, 0.2]);
    const high = prices(model, [0.3, 0.3, 0.3]);
    const skew = prices(model, [0.3, 0.25, 0.2]);
    // a call's value rises with the volatility wherever it acts (vega > 0)
    skew.forEach((v, i) => {
      expect(v).toBeGreaterThan(low[i] as number);
      expect(v).toBeLessThan(high[i] as number);
    });
    // raising only the left knot moves a short out-of-the-money quote at x = −0.25 more than an in-the-money one at 0.15
    const left = prices(model, [0.3, 0.2, 0.2]);
    const moveOut = (left[0] as number) - (low[0] as number);
    const moveIn = (left[2] as number) - (low[2] as number);
    expect(moveOut).toBeGreaterThan(5 * moveIn);
  });

  it('has gradients in the knots and in r that match central differences of the prices', () => {
    const model = localModel(31, [-0.2, 0, 0.2], 0.25);
    const { params } = model.init(0);
    const bs = params.bs as Params;
    const skewed = tf.tensor1d([0.3, 0.25, 0.2].map(Math.log));
    const x = tf.tensor2d(POINTS);
    const before = tf.memory().numTensors;
    const total = (logSigma: tf.Tensor, logR: tf.Tensor): tf.Scalar =>
      tf.sum(model.apply({ bs: { logSigma, logR } }, x).y) as tf.Scalar;
    const { value, grads } = valueAndGrad((p: Params) => total(p.logSigma, p.logR))({
      logSigma: skewed,
      logR: bs.logR,
    });
    const g = grads as Params;
    const analytic = Array.from(g.logSigma.dataSync());
    const eps = 1e-2;
    const at = (k: number, step: number): number =>
      tf.tidy(() => {
        const shift = tf.tensor1d([0, 1, 2].map((j) => (j === k ? step : 0)));
        return total(tf.add(skewed, shift), bs.logR).dataSync()[0] as number;
      });
    for (let k = 0; k < 3; k++) {
      const numeric = (at(k, eps) - at(k, -eps)) / (2 * eps);
      expect(Math.abs((analytic[k] as number) - numeric)).toBeLessThan(
        1e-2 * Math.abs(numeric) + 1e-4,
      );
    }
    const atR = (step: number): number =>
      tf.tidy(() => total(skewed, tf.add(bs.logR, step)).dataSync()[0] as number);
    const numericR = (atR(eps) - atR(-eps)) / (2 * eps);
    expect(Math.abs((g.logR.dataSync()[0] as number) - numericR)).toBeLessThan(
      1e-2 * Math.abs(numericR) + 1e-4,
    );
    tf.dispose([value, g.logSigma, g.logR]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, skewed, bs.logSigma, bs.logR]);
  });

  it('rejects knots that are not increasing or leave the grid, knots on a constant σ, and an unknown model', () => {
    const build = (layer: Record<string, unknown>) => () =>
      buildModel({ input: [2], layers: [{ type: 'black-scholes', ...layer } as never] });
    expect(build({ coefficients: 'local-volatility', knots: [0.1, -0.1] })).toThrow(
      /strictly increasing/,
    );
    expect(build({ coefficients: 'local-volatility', knots: [-2, 0] })).toThrow(/inside/);
    expect(build({ coefficients: 'local-volatility', knots: [0] })).toThrow(/at least two/);
    expect(build({ knots: [-0.2, 0.2] })).toThrow(/"coefficients": "local-volatility"/);
    expect(build({ coefficients: 'dupire' })).toThrow(/'constant', 'local-volatility'/);
  });
});

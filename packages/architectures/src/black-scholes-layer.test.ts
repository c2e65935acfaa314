// The Black–Scholes layer's finite-difference scheme against the closed form: its error, the error's second order under refinement, its gradient and its checks.
import { blackScholesCall } from '@runge/datasets';
import { valueAndGrad } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { buildModel } from './model.js';

const SIGMA = 0.25;
const R = 0.05;
// points on every grid below: x a multiple of 0.1 (a node of every grid)
const POINTS = [
  [-0.2, 0.5],
  [0, 0.5],
  [0.2, 0.5],
  [-0.1, 1],
  [0, 1],
  [0.3, 1],
];

function exact(): number[] {
  return POINTS.map(
    ([x, tau]) =>
      blackScholesCall({ S: Math.exp(x as number), K: 1, T: tau as number, sigma: SIGMA, r: R })
        .price,
  );
}

/** The layer's prices at POINTS on a grid of spacing h = 3/(nodes − 1). */
function prices(nodes: number, at = { sigma: SIGMA, r: R }): number[] {
  const model = buildModel({
    input: [2],
    layers: [{ type: 'black-scholes', ...at, xMax: 1.5, nodes }],
  });
  const { params } = model.init(0);
  const y = tf.tidy(() => model.apply(params, tf.tensor2d(POINTS)).y);
  const out = Array.from(y.dataSync());
  tf.dispose([
    y,
    ...Object.values(params).flatMap((p) => Object.values(p as Record<string, tf.Tensor>)),
  ]);
  return out;
}

const maxError = (a: number[], b: number[]): number =>
  Math.max(...a.map((v, i) => Math.abs(v - (b[i] as number))));

describe('black-scholes layer', () => {
  it('prices calls to the scheme’s discretisation error, which falls fourfold when h halves', () => {
    const before = tf.memory().numTensors;
    const reference = exact();
    // h = 0.1, 0.05, 0.025, exact in time: error O(h²)
    const errors = [
      maxError(prices(31), reference),
      maxError(prices(61), reference),
      maxError(prices(121), reference),
    ];
    expect(tf.memory().numTensors).toBe(before);
    expect(errors[2]).toBeLessThan(1e-3);
    for (let k = 1; k < errors.length; k++) {
      const ratio = (errors[k - 1] as number) / (errors[k] as number);
      expect(ratio).toBeGreaterThan(3);
      expect(ratio).toBeLessThan(5.5);
    }
  });

  it('starts at its sigma and r and their gradients match finite differences of the prices', () => {
    const model = buildModel({
      input: [2],
      layers: [
        {
          type: 'black-scholes',
          name: 'bs',
          sigma: 0.3,
          r: 0.04,
          nodes: 61,
        },
      ],
    });
    const { params } = model.init(0);
    const bs = params.bs as { logSigma: tf.Tensor; logR: tf.Tensor };
    expect(Math.exp(bs.logSigma.dataSync()[0] as number)).toBeCloseTo(0.3, 6);
    expect(Math.exp(bs.logR.dataSync()[0] as number)).toBeCloseTo(0.04, 6);
    const x = tf.tensor2d(POINTS);
    const before = tf.memory().numTensors;
    const total = (logSigma: tf.Tensor, logR: tf.Tensor): tf.Scalar =>
      tf.sum(model.apply({ bs: { logSigma, logR } }, x).y) as tf.Scalar;
    const { value, grads } = valueAndGrad((p: { logSigma: tf.Tensor; logR: tf.Tensor }) =>
      total(p.logSigma, p.logR),
    )(bs);
    const g = grads as { logSigma: tf.Tensor; logR: tf.Tensor };
    const eps = 1e-2;
    const at = (ds: number, dr: number): number =>
      tf.tidy(() => total(tf.add(bs.logSigma, ds), tf.add(bs.logR, dr)).dataSync()[0] as number);
    // central differences of the summed prices in log σ and log r
    const dSigma = (at(eps, 0) - at(-eps, 0)) / (2 * eps);
    const dR = (at(0, eps) - at(0, -eps)) / (2 * eps);
    expect(g.logSigma.dataSync()[0]).toBeCloseTo(dSigma, 2);
    expect(g.logR.dataSync()[0]).toBeCloseTo(dR, 2);
    tf.dispose([value, g.logSigma, g.logR]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, bs.logSigma, bs.logR]);
  });

  it('rejects inputs other than pairs, unknown keys, and a σ too small for the grid', () => {
    expect(() =>
      buildModel({ input: [2], layers: [{ type: 'black-scholes', stride: 100 } as never] }),
    ).toThrow(/unknown key 'stride'/);
    expect(() => buildModel({ input: [3], layers: [{ type: 'black-scholes' }] })).toThrow(
      /\[batch, 2\]/,
    );
    const model = buildModel({
      input: [2],
      layers: [{ type: 'black-scholes', sigma: 0.01, r: 0.05, nodes: 31 }],
    });
    const { params } = model.init(0);
    const x = tf.tensor2d([[0, 0.5]]);
    expect(() => model.apply(params, x)).toThrow(/oscillate/);
    tf.dispose([x, ...Object.values(params['black-scholes_0'] as Record<string, tf.Tensor>)]);
  });
});

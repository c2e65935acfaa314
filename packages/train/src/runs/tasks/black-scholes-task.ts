// The black-scholes task: a network whose forward pass is a finite-difference scheme for the Black–Scholes PDE learns σ (a constant or a local-volatility profile) and r from call quotes; its report gives the recovered values and their relative errors.
import { blackScholesQuotes } from '@runge/datasets';
import type * as tf from '@tensorflow/tfjs-core';
import { evaluateRegressor, regression } from '../../regression.js';
import { tensorSource } from '../../tensor-source.js';
import type { RunConfig } from '../run-config.js';
import { generatedRunData } from './application-data.js';
import { networkOptions } from './network-options.js';
import { mainNetwork, type RunTask, type TaskNetwork } from './run-task.js';

/** The name of the scheme's layer in the task's network. */
const LAYER = 'bs';

/** The σ (one value, or the profile's value at each knot) and r a trained Black–Scholes network holds. */
function recovered(net: TaskNetwork): { sigmas: number[]; r: number } {
  const p = net.params[LAYER] as { logSigma: tf.Tensor; logR: tf.Tensor };
  return {
    sigmas: Array.from(p.logSigma.dataSync(), Math.exp),
    r: Math.exp(p.logR.dataSync()[0] as number),
  };
}

/** The knots of a local-volatility network, as its built layer holds them. */
function knotsOf(net: TaskNetwork): number[] {
  const layer = net.model.layers.find((l) => l.name === LAYER);
  return [...((layer?.config as { knots?: readonly number[] } | undefined)?.knots ?? [])];
}

/** The relative error `|a − b| / |b|`. */
const relative = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

/**
 * Learns the volatility σ and the rate r of a market from its call quotes: the network is one
 * `'black-scholes'` layer of @runge/architectures (explicit Euler and central differences for
 * the Black–Scholes PDE in log-moneyness, σ and r log-parameterised), trained with the mean
 * squared error on quotes priced by the closed form at `application.blackScholes.sigma` and `r`
 * (with relative noise `noise`), starting from `sigmaStart` and `rStart`. With
 * `coefficients: 'local-volatility'` σ is a profile σ(ln S/K) on `knots` and the scheme uses its
 * value at every grid node; the report then gives the profile at the knots and its largest
 * relative error against the market's σ. The data is
 * `data.points` quotes (`blackScholesQuotes` of @runge/datasets); `data.source` is not used. The
 * summary's report gives the recovered `sigma` and `r` and their relative errors. Adam
 * (`train.optimizer: adam`) suits it: the two gradients differ by orders of magnitude.
 * docs: /guide/applications#black-scholes
 */
export const blackScholesTask: RunTask = {
  name: 'black-scholes',
  description:
    'a finite-difference Black–Scholes network learns σ (one value or a local-volatility profile) and r from call quotes; the report gives them and their relative errors',
  targets: 'values',
  sources: [],
  headline: 'rmse',
  stepCycle: true,
  defaults: {
    data: { points: 200, validation: 0 },
    train: { epochs: 16, batchSize: 16, optimizer: 'adam', lr: 0.2 },
  },
  async loadData(config: RunConfig) {
    const { sigma, r, noise } = config.application.blackScholes;
    return generatedRunData(config, (n, rng) => blackScholesQuotes({ n, rng, sigma, r, noise }));
  },
  networks(config) {
    const s = config.application.blackScholes;
    return {
      model: {
        name: 'black-scholes',
        input: [2],
        layers: [
          {
            type: 'black-scholes',
            name: LAYER,
            sigma: s.sigmaStart,
            r: s.rStart,
            coefficients: s.coefficients,
            ...(s.nodes ? { nodes: s.nodes } : {}),
            ...(s.xMax ? { xMax: s.xMax } : {}),
            ...(s.knots ? { knots: s.knots } : {}),
          },
        ],
      },
    };
  },
  problem(ctx) {
    // σ and r are what the run recovers: no weight decay pulls them towards 0
    const { weightDecay: _none, ...options } = networkOptions(ctx);
    return regression(options);
  },
  evaluate(nets, data) {
    const net = mainNetwork(nets);
    const result = evaluateRegressor(net.model.apply, net.params, net.state, tensorSource(data));
    const { sigmas, r } = recovered(net);
    const sigma: Record<string, number> = sigmas.length === 1 ? { sigma: sigmas[0] as number } : {};
    return {
      loss: result.loss,
      metrics: { rmse: result.rmse, r2: result.r2, ...sigma, r },
      examples: result.examples,
    };
  },
  async report({ config, nets }) {
    const s = config.application.blackScholes;
    const net = mainNetwork(nets);
    const { sigmas, r } = recovered(net);
    const sigmaError = Math.max(...sigmas.map((v) => relative(v, s.sigma)));
    const sigma: Record<string, number | number[]> =
      s.coefficients === 'local-volatility'
        ? { knots: knotsOf(net), sigmaAtKnots: sigmas }
        : { sigma: sigmas[0] as number };
    return {
      files: [],
      summary: {
        coefficients: s.coefficients,
        ...sigma,
        r,
        sigmaTrue: s.sigma,
        rTrue: s.r,
        sigmaError,
        rError: relative(r, s.r),
        noise: s.noise,
      },
    };
  },
};

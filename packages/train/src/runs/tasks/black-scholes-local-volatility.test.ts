// The black-scholes task with a local-volatility profile: from closed-form quotes of one σ the recovered profile is flat at σ, and from a finer-grid solve with a skewed profile Gauss–Newton recovers the skew where the quotes inform it.
import { buildModel } from '@runge/architectures';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { gaussNewton } from '../../gauss-newton.js';
import { outputLoss } from '../../output-loss.js';
import { runTraining } from '../run-training.js';

const backend = (process.env.RUNGE_TEST_BACKEND ?? 'cpu') as 'cpu' | 'wasm';

/** The skewed market: σ(S) = 0.2 + 0.1·(1 − S/K), clipped to [0.1, 0.3], at x = ln(S/K). */
const skew = (x: number): number => Math.min(0.3, Math.max(0.1, 0.2 + 0.1 * (1 - Math.exp(x))));

describe('black-scholes task, local volatility', () => {
  it('recovers a flat profile within 5 % of σ and r within 5 % from closed-form quotes', async () => {
    const before = tf.memory().numTensors;
    const { summary } = await runTraining(
      {
        task: 'black-scholes',
        backend,
        threads: 1,
        data: { points: 200, validation: 0 },
        application: {
          blackScholes: { coefficients: 'local-volatility', sigmaStart: 0.3, rStart: 0.03 },
        },
        train: {
          epochs: 3,
          batchSize: 160,
          optimizer: 'gauss-newton',
          secondOrder: { cgIterations: 8, damping: 1e-6 },
        },
      },
      { dir: false },
    );
    const report = summary.report as Record<string, number | number[] | string>;
    expect(report.coefficients).toBe('local-volatility');
    expect(report.knots).toEqual([-0.2, 0, 0.2]);
    const sigmas = report.sigmaAtKnots as number[];
    for (const s of sigmas) expect(Math.abs(s - 0.2) / 0.2).toBeLessThan(0.05);
    expect(report.sigmaError).toBeCloseTo(
      Math.max(...sigmas.map((s) => Math.abs(s - 0.2) / 0.2)),
      12,
    );
    expect(report.rError).toBeLessThan(0.05);
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  it('recovers a skewed profile within 4 % at the knots from prices of a finer-grid solve', () => {
    const before = tf.memory().numTensors;
    // the truth: 81 nodes (h = 0.025) and the skew on knots 0.1 apart; the fit: 41 nodes, 3 knots
    const fineKnots = Array.from({ length: 17 }, (_, i) => -0.8 + 0.1 * i);
    const fine = buildModel({
      input: [2],
      layers: [
        {
          type: 'black-scholes',
          name: 'bs',
          coefficients: 'local-volatility',
          nodes: 81,
          knots: fineKnots,
        },
      ],
    });
    const knots = [-0.2, 0, 0.2];
    const coarse = buildModel({
      input: [2],
      layers: [
        {
          type: 'black-scholes',
          name: 'bs',
          coefficients: 'local-volatility',
          sigma: 0.25,
          r: 0.03,
          knots,
        },
      ],
    });
    const quotes: number[][] = [];
    for (let i = 0; i <= 12; i++)
      for (const tau of [0.25, 0.5, 0.75, 1]) quotes.push([-0.3 + 0.05 * i, tau]);
    const x = tf.tensor2d(quotes);
    const truth = {
      logSigma: tf.tensor1d(fineKnots.map((k) => Math.log(skew(k)))),
      logR: tf.tensor1d([Math.log(0.05)]),
    };
    const y = tf.tidy(() => fine.apply({ bs: truth }, x).y);
    const { params: start } = coarse.init(0);
    const { params: fitted, result } = gaussNewton(
      { outputs: (p) => coarse.apply(p, x).y, loss: outputLoss('squared-error', y) },
      start,
      { maxIterations: 8, cgIterations: 4, damping: 1e-6 },
    );
    const bs = fitted.bs as { logSigma: tf.Tensor; logR: tf.Tensor };
    const sigmas = Array.from(bs.logSigma.dataSync(), Math.exp);
    const r = Math.exp(bs.logR.dataSync()[0] as number);
    // the quotes span ln(S/K) ∈ [−0.3, 0.3], so every knot is informed; the fit reaches the
    // float32 floor and the knots' truth is σ(x_k) of the skew
    expect(result.value).toBeLessThan(1e-7);
    knots.forEach((k, i) => {
      expect(Math.abs((sigmas[i] as number) - skew(k)) / skew(k)).toBeLessThan(0.04);
    });
    // the skew is recovered, not flattened: the ends differ by ≥ 80 % of the true 0.040
    expect((sigmas[0] as number) - (sigmas[2] as number)).toBeGreaterThan(
      0.8 * (skew(-0.2) - skew(0.2)),
    );
    expect(Math.abs(r - 0.05) / 0.05).toBeLessThan(0.03);
    tf.dispose([
      x,
      y,
      truth.logSigma,
      truth.logR,
      ...Object.values(start.bs as object),
      bs.logSigma,
      bs.logR,
    ]);
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);
});

import { Rng } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { eigenvalues } from '../test/helpers.js';
import { analyseStability } from './block-stability.js';
import { buildModel } from './model.js';

function dispose(params: Record<string, unknown>): void {
  tf.dispose(Object.values(params).flatMap((p) => Object.values(p as Record<string, tf.Tensor>)));
}

describe('analyseStability on a sequence layer', () => {
  it('vanilla rnn: 1 + hλ (h = 1) are the eigenvalues of diag(1 − h_{j+1}²) Uᵀ, built by hand', () => {
    const model = buildModel({ input: [3, 2], layers: [{ type: 'rnn', cell: 'rnn', units: 4 }] });
    const { params } = model.init(2);
    const x = Rng.fromSeed(3).normal([1, 3, 2]);
    const [report] = analyseStability(model, params, {}, x, { stepsAt: 'last' });
    expect(report).toMatchObject({ method: 'euler', h: 1, N: 3, dimension: 4 });
    // h_2 (the state step 2 reads) and h_3, by the model itself on the first two and three rows.
    const U = (params.rnn_0 as { U: tf.Tensor2D }).U.arraySync();
    const h3 = tf.tidy(() => model.apply(params, x).y.arraySync() as number[][])[0] as number[];
    const J = h3.map((hi, i) => U.map((row) => (1 - hi * hi) * (row[i] as number)));
    const want = eigenvalues(J)
      .map(({ re, im }) => Math.hypot(re, im))
      .sort((a, b) => a - b);
    const got = (report?.steps[0]?.hLambda ?? [])
      .map(({ re, im }) => Math.hypot(1 + re, im))
      .sort((a, b) => a - b);
    expect(got).toHaveLength(4);
    got.forEach((v, i) => {
      expect(v).toBeCloseTo(want[i] as number, 4);
    });
    tf.dispose(x);
    dispose(params);
  });

  it('antisymmetric at γ = 0: every hλ on the imaginary axis; with damping and a small ε, inside Euler’s disc', () => {
    const x = Rng.fromSeed(5).normal([2, 5, 3]);
    const run = (epsilon: number, gamma: number) => {
      const model = buildModel({
        input: [5, 3],
        layers: [{ type: 'rnn', cell: 'antisymmetric', units: 6, epsilon, gamma }],
      });
      const { params } = model.init(4);
      const [report] = analyseStability(model, params, {}, x, { stepsAt: 'all' });
      dispose(params);
      return report;
    };
    const free = run(0.2, 0);
    expect(free?.steps).toHaveLength(5);
    expect(free?.h).toBe(0.2);
    const points = free?.steps.flatMap((s) => s.hLambda) ?? [];
    expect(points).toHaveLength(2 * 5 * 6);
    for (const z of points) expect(Math.abs(z.re)).toBeLessThan(1e-5);
    expect(Math.max(...points.map((z) => Math.abs(z.im)))).toBeGreaterThan(0.05);
    // |1 + iεω| > 1: just outside the disc, by O(ε²).
    expect(free?.summary.maxGrowth).toBeGreaterThan(1);
    expect(free?.summary.maxGrowth).toBeLessThan(
      1 + 0.5 * Math.max(...points.map((z) => z.im ** 2)) + 1e-5,
    );
    const damped = run(0.02, 1);
    for (const s of damped?.steps ?? []) {
      for (const z of s.hLambda) expect(Math.hypot(1 + z.re, z.im)).toBeLessThanOrEqual(1);
    }
    expect(damped?.summary.stable).toBe(true);
    tf.dispose(x);
  });
});

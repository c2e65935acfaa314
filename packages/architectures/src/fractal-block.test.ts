import { Rng, type TensorTree, treeDispose, valueAndGrad } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { distance, norm } from '../test/helpers.js';
import { endingColumns, sampleDropPlan } from './fractal-block.js';
import { buildModel } from './model.js';

type Unit = { K: tf.Tensor; b: tf.Tensor };
type FractalParams = { columns: Unit[][] };

function applyK(y: tf.Tensor, K: tf.Tensor): tf.Tensor {
  return y.rank === 2
    ? tf.matMul(y as tf.Tensor2D, K as tf.Tensor2D)
    : tf.conv2d(y as tf.Tensor4D, K as tf.Tensor4D, 1, 'same');
}

/** `u(z) = relu(K z + b)` written out for the test. */
const unit = (u: Unit, z: tf.Tensor): tf.Tensor => tf.relu(tf.add(applyK(z, u.K), u.b));
/** `u(z) = tanh(K z + b)` (never identically zero, so every column's output is distinct). */
const tanhUnit = (u: Unit, z: tf.Tensor): tf.Tensor => tf.tanh(tf.add(applyK(z, u.K), u.b));

function fractalModel(input: number[], columns: number, extra: Record<string, unknown> = {}) {
  return buildModel({ input, layers: [{ type: 'fractal', columns, channels: 3, ...extra }] });
}

describe('FractalNet block', () => {
  it.each([
    ['dense', [4]],
    ['conv', [5, 5, 2]],
  ] as const)('with C = 2 computes ½[u₀₀(y) + u₁₁(u₁₀(y))] (%s)', (_kind, input) => {
    const model = fractalModel([...input], 2);
    const { params } = model.init(4);
    const x = Rng.fromSeed(1).normal([3, ...input]);
    const { y } = model.apply(params, x);
    const [[u00], [u10, u11]] = (params.fractal_0 as FractalParams).columns as [
      [Unit],
      [Unit, Unit],
    ];
    // docs /math/odes#fractalnet: f₂(y) = join(W₂ y + b₂, W_{1,2} σ(W_{1,1} y + b_{1,1}) + b_{1,2}) with the
    // units' output activation and join = mean
    const expected = tf.tidy(() => tf.mul(0.5, tf.add(unit(u00, x), unit(u11, unit(u10, x)))));
    expect(y.shape).toEqual([3, ...input.slice(0, -1), 3]);
    expect(distance(y, expected)).toBeLessThan(1e-5 * norm(expected));
    tf.dispose([x, y, expected]);
    treeDispose(params as TensorTree);
  });

  it('with C = 3 averages the three columns ending at the last depth', () => {
    const model = fractalModel([4], 3);
    const { params } = model.init(2);
    const x = Rng.fromSeed(3).normal([2, 4]);
    const { y } = model.apply(params, x);
    const c = (params.fractal_0 as FractalParams).columns;
    const u = (k: number, j: number) => c[k]?.[j] as Unit;
    const expected = tf.tidy(() => {
      // depth 2: columns 1 and 2 end; depth 4: columns 0, 1, 2 end
      const v1 = unit(u(2, 0), x);
      const v2 = tf.mul(0.5, tf.add(unit(u(1, 0), x), unit(u(2, 1), v1)));
      const v3 = unit(u(2, 2), v2);
      return tf.div(tf.addN([unit(u(0, 0), x), unit(u(1, 1), v2), unit(u(2, 3), v3)]), 3);
    });
    expect(distance(y, expected)).toBeLessThan(1e-5 * norm(expected));
    tf.dispose([x, y, expected]);
    treeDispose(params as TensorTree);
  });

  it('global drop-path keeps exactly one column: the output is that column alone', () => {
    // globalDropPath 1: every training batch keeps a single column
    const model = fractalModel([4], 3, { globalDropPath: 1, activation: 'tanh' });
    const { params } = model.init(5);
    const x = Rng.fromSeed(6).normal([2, 4]);
    const c = (params.fractal_0 as FractalParams).columns;
    const columnPath = (k: number): tf.Tensor =>
      tf.tidy(() => (c[k] as Unit[]).reduce((z, u) => tanhUnit(u, z), x));
    const paths = [0, 1, 2].map(columnPath);
    const rng = Rng.fromSeed(8);
    const seen = new Set<number>();
    for (let trial = 0; trial < 12; trial++) {
      const plan = sampleDropPlan(3, 0.15, 1, Rng.fromState(rng.state()));
      expect(plan.kind).toBe('global');
      const column = plan.kind === 'global' ? plan.column : -1;
      seen.add(column);
      const { y } = model.apply(params, x, { training: true, rng });
      const matches = paths.map((p) => distance(y, p) < 1e-5 * norm(p));
      expect(matches.filter(Boolean)).toHaveLength(1);
      expect(matches[column]).toBe(true);
      y.dispose();
    }
    expect(seen.size).toBeGreaterThan(1);
    // parameters of dropped columns still get a (zero) gradient
    const { value, grads } = valueAndGrad((p: typeof params) =>
      tf.tidy(
        () => tf.sum(model.apply(p, x, { training: true, rng: Rng.fromSeed(1) }).y) as tf.Scalar,
      ),
    )(params);
    const gradNorms = (grads.fractal_0 as FractalParams).columns.map((col) =>
      col.reduce((s, u) => s + norm(u.K), 0),
    );
    expect(gradNorms.filter((g) => g > 0)).toHaveLength(1);
    tf.dispose([x, value, ...paths]);
    treeDispose(grads as TensorTree);
    treeDispose(params as TensorTree);
  });

  it('local drop-path keeps each join input with probability (1 − p) + pᵐ/m and never drops all', () => {
    const p = 0.4;
    const columns = 3;
    const rng = Rng.fromSeed(21);
    const trials = 6000;
    // joins of C = 3: depth 2 (columns 1, 2; m = 2) and depth 4 (columns 0, 1, 2; m = 3)
    expect(endingColumns(columns, 2)).toEqual([1, 2]);
    expect(endingColumns(columns, 4)).toEqual([0, 1, 2]);
    const kept = new Map<number, number[]>([
      [2, [0, 0]],
      [4, [0, 0, 0]],
    ]);
    for (let t = 0; t < trials; t++) {
      const plan = sampleDropPlan(columns, p, 0, rng);
      expect(plan.kind).toBe('local');
      if (plan.kind !== 'local') continue;
      for (const [d, flags] of plan.keep) {
        expect(flags.some(Boolean)).toBe(true);
        flags.forEach((f, i) => {
          if (f) (kept.get(d) as number[])[i]! += 1;
        });
      }
    }
    for (const [, counts] of kept) {
      const m = counts.length;
      const q = 1 - p + p ** m / m;
      const sd = Math.sqrt((q * (1 - q)) / trials);
      for (const c of counts) expect(Math.abs(c / trials - q)).toBeLessThan(4 * sd);
    }
  });

  it('local drop-path averages exactly the kept inputs of each join (C = 2)', () => {
    const model = fractalModel([4], 2, { dropPath: 0.5, globalDropPath: 0, activation: 'tanh' });
    const { params } = model.init(3);
    const x = Rng.fromSeed(4).normal([2, 4]);
    const [[u00], [u10, u11]] = (params.fractal_0 as FractalParams).columns as [
      [Unit],
      [Unit, Unit],
    ];
    const short = tf.tidy(() => tanhUnit(u00, x));
    const deep = tf.tidy(() => tanhUnit(u11, tanhUnit(u10, x)));
    const rng = Rng.fromSeed(12);
    const outcomes = new Set<string>();
    for (let trial = 0; trial < 10; trial++) {
      const plan = sampleDropPlan(2, 0.5, 0, Rng.fromState(rng.state()));
      const flags = plan.kind === 'local' ? (plan.keep.get(2) as boolean[]) : [];
      outcomes.add(flags.join());
      const expected = tf.tidy(() => {
        const kept = [flags[0] ? short : null, flags[1] ? deep : null].filter((t) => t !== null);
        return tf.div(tf.addN(kept as tf.Tensor[]), kept.length);
      });
      const { y } = model.apply(params, x, { training: true, rng });
      expect(distance(y, expected)).toBeLessThan(1e-5 * norm(expected));
      tf.dispose([y, expected]);
    }
    expect(outcomes.size).toBeGreaterThan(1);
    tf.dispose([x, short, deep]);
    treeDispose(params as TensorTree);
  });

  it('mixes global and local batches with probability globalDropPath, columns uniform', () => {
    const rng = Rng.fromSeed(4);
    const trials = 4000;
    let global = 0;
    const columns = [0, 0, 0, 0];
    for (let t = 0; t < trials; t++) {
      const plan = sampleDropPlan(4, 0.15, 0.5, rng);
      if (plan.kind === 'global') {
        global++;
        columns[plan.column]! += 1;
      }
    }
    expect(Math.abs(global / trials - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / trials));
    for (const c of columns) {
      expect(Math.abs(c / global - 0.25)).toBeLessThan(4 * Math.sqrt((0.25 * 0.75) / global));
    }
  });

  it('is deterministic in evaluation and draws only from the apply context in training', () => {
    const model = fractalModel([5, 5, 2], 3);
    const { params } = model.init(1);
    const x = Rng.fromSeed(2).normal([2, 5, 5, 2]);
    const a = model.apply(params, x);
    const b = model.apply(params, x, { training: false, rng: Rng.fromSeed(99) });
    expect(distance(a.y, b.y)).toBe(0);
    const c = model.apply(params, x, { training: true, rng: Rng.fromSeed(7) });
    const d = model.apply(params, x, { training: true, rng: Rng.fromSeed(7) });
    expect(distance(c.y, d.y)).toBe(0);
    expect(() => model.apply(params, x, { training: true })).toThrow(/rng/);
    tf.dispose([x, a.y, b.y, c.y, d.y]);
    treeDispose(params as TensorTree);
  });
});

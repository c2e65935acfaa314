import { Rng, ShapeError, type TensorTree, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { type PlainParams, referenceRun } from '../test/cell-reference.js';
import { CELL_NAMES, EULER_CELLS } from './cell-names.js';
import { initCell, makeCell } from './make-cell.js';
import { runCell } from './run-cell.js';

const SETTINGS = { epsilon: 0.5, gamma: 0.1 };
const [D, N, T] = [2, 3, 4];

function setup(name: (typeof CELL_NAMES)[number], seed: number) {
  const euler = EULER_CELLS.includes(name);
  const cell = makeCell(name, { inputSize: D, units: N, ...(euler ? SETTINGS : {}) });
  const rng = Rng.fromSeed(seed);
  const params = initCell(cell, rng) as Record<string, tf.Tensor>;
  const b = params.b as tf.Tensor;
  params.b = rng.normal(b.shape, { std: 0.3 });
  b.dispose();
  return { cell, params, rng };
}

function toPlain(params: Record<string, tf.Tensor>): PlainParams {
  return Object.fromEntries(
    Object.entries(params).map(([k, v]) => [k, v.arraySync() as number[][]]),
  );
}

/** loss(θ) = Σ_t Σ_j R[t][j] h_t[j] of one sequence, by the float64 reference recurrence. */
function referenceLoss(name: string, p: PlainParams, xs: number[][], R: number[][]): number {
  const hs = referenceRun(name, p, xs, N, SETTINGS);
  return hs.reduce((s, h, t) => s + h.reduce((u, v, j) => u + v * (R[t]?.[j] as number), 0), 0);
}

describe('runCell (backprop through time)', () => {
  for (const name of CELL_NAMES) {
    it(`${name}: gradients through ${T} steps match central differences of the hand-written recurrence`, () => {
      const { cell, params, rng } = setup(name, 11);
      const x = rng.normal([1, T, D]);
      const R = rng.normal([1, T, N]);
      const keys = Object.keys(params);
      const before = tf.memory().numTensors;
      const grads = tf.tidy(() =>
        tf.grads((...ps: tf.Tensor[]) => {
          const tree = Object.fromEntries(keys.map((k, i) => [k, ps[i] as tf.Tensor]));
          const { y, state } = runCell(cell, tree, x, { returnSequences: true });
          tf.dispose(state);
          return tf.sum(tf.mul(y, R));
        })(keys.map((k) => params[k] as tf.Tensor)),
      );
      expect(tf.memory().numTensors).toBe(before + keys.length);
      const plain = toPlain(params);
      const xs = (x.arraySync() as number[][][])[0] as number[][];
      const Rs = (R.arraySync() as number[][][])[0] as number[][];
      const step = 1e-6;
      keys.forEach((k, i) => {
        const g = Array.from((grads[i] as tf.Tensor).dataSync());
        const base = plain[k] as number[][] | number[];
        const flat = (base as (number | number[])[]).flat() as number[];
        const cols = Array.isArray(base[0]) ? (base[0] as number[]).length : flat.length;
        flat.forEach((_, e) => {
          const perturbed = (delta: number): PlainParams => {
            const copy = JSON.parse(JSON.stringify(plain)) as Record<string, number[][] | number[]>;
            const target = copy[k] as number[][] | number[];
            if (Array.isArray(target[0])) {
              (target as number[][])[Math.floor(e / cols)]![e % cols]! += delta;
            } else {
              (target as number[])[e]! += delta;
            }
            return copy;
          };
          const fd =
            (referenceLoss(name, perturbed(step), xs, Rs) -
              referenceLoss(name, perturbed(-step), xs, Rs)) /
            (2 * step);
          expect(Math.abs((g[e] as number) - fd)).toBeLessThan(2e-4 * (1 + Math.abs(fd)));
        });
      });
      tf.dispose([...grads, x, R, ...Object.values(params)]);
    });
  }

  for (const name of CELL_NAMES) {
    it(`${name}: padding does not change the real steps, the last state, or the gradients`, () => {
      const { cell, params, rng } = setup(name, 3);
      // Two sequences of lengths 5 and 3; the second padded with garbage in one batch, with
      // zeros in another, and alone (unpadded).
      const x = rng.normal([2, 5, D]);
      const garbage = rng.normal([1, 2, D], { std: 5 });
      const [a, b] = tf.split(x, 2, 0) as [tf.Tensor, tf.Tensor];
      const short = tf.slice(b, [0, 0, 0], [1, 3, D]);
      const padA = tf.tidy(() => tf.concat([a, tf.concat([short, garbage], 1)], 0));
      const padB = tf.tidy(() => tf.concat([a, tf.concat([short, tf.zeros([1, 2, D])], 1)], 0));
      const mask = tf.tensor2d([
        [1, 1, 1, 1, 1],
        [1, 1, 1, 0, 0],
      ]);
      const lengths = [5, 3];
      const run = (input: tf.Tensor, options: Parameters<typeof runCell>[3]) => {
        const { y, state } = runCell(cell, params, input, options);
        tf.dispose(state);
        return y;
      };
      const before = tf.memory().numTensors;
      const lastA = run(padA, { lengths });
      const lastB = run(padB, { mask });
      const alone = run(short, {});
      const seqA = run(padA, { lengths, returnSequences: true });
      expect(tf.memory().numTensors).toBe(before + 4);
      const la = lastA.arraySync() as number[][];
      const lb = lastB.arraySync() as number[][];
      const al = (alone.arraySync() as number[][])[0] as number[];
      la[1]?.forEach((v, j) => {
        expect(v).toBeCloseTo(al[j] as number, 6);
        expect(lb[1]?.[j]).toBeCloseTo(al[j] as number, 6);
      });
      // The first sequence is unaffected by the second's padding.
      la[0]?.forEach((v, j) => {
        expect(lb[0]?.[j]).toBeCloseTo(v, 6);
      });
      // Many-to-many: the state is carried over the padded steps.
      const sa = seqA.arraySync() as number[][][];
      sa[1]?.[4]?.forEach((v, j) => {
        expect(v).toBeCloseTo(al[j] as number, 6);
      });
      // Padded inputs get no gradient.
      const gx = tf.tidy(() => tf.grad((v: tf.Tensor) => tf.sum(run(v, { lengths })))(padA));
      const g = gx.arraySync() as number[][][];
      for (const t of [3, 4])
        g[1]?.[t]?.forEach((v) => {
          expect(v).toBe(0);
        });
      expect(g[1]?.[2]?.some((v) => v !== 0)).toBe(true);
      tf.dispose([x, garbage, a, b, short, padA, padB, mask, lastA, lastB, alone, seqA, gx]);
      tf.dispose(Object.values(params as TensorTree as Record<string, tf.Tensor>));
    });
  }

  it('checks its inputs', () => {
    const { cell, params } = setup('rnn', 1);
    const x = tf.zeros([2, 4, D]);
    const flat = tf.zeros([2, D]);
    expect(() => runCell(cell, params, flat)).toThrow(ShapeError);
    expect(() => runCell(cell, params, x, { lengths: [4, 5] })).toThrow(/lengths\[1\]/);
    expect(() => runCell(cell, params, x, { lengths: [4] })).toThrow(ValueError);
    const badMask = tf.ones([2, 3]);
    expect(() => runCell(cell, params, x, { mask: badMask })).toThrow(ShapeError);
    tf.dispose([x, flat, badMask, ...Object.values(params)]);
  });
});

import { Rng, ShapeError, StructureError, type TensorTree, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { type PlainParams, referenceStep } from '../test/cell-reference.js';
import { CELL_NAMES, EULER_CELLS } from './cell-names.js';
import { initCell, makeCell } from './make-cell.js';

const SETTINGS = { epsilon: 0.3, gamma: 0.2 };

function plain(params: TensorTree): PlainParams {
  const out: Record<string, number[][] | number[]> = {};
  for (const [k, v] of Object.entries(params as Record<string, tf.Tensor>)) {
    out[k] = v.arraySync() as number[][] | number[];
  }
  return out;
}

describe('recurrent cells', () => {
  for (const name of CELL_NAMES) {
    it(`${name}: one step equals its formula written out by hand`, () => {
      const euler = EULER_CELLS.includes(name);
      const cell = makeCell(name, { inputSize: 2, units: 3, ...(euler ? SETTINGS : {}) });
      const rng = Rng.fromSeed(7);
      const params = initCell(cell, rng);
      // Non-zero biases, so a wrong gate order or a missing bias shows.
      const b = (params as Record<string, tf.Tensor>).b as tf.Tensor;
      const biased = { ...(params as Record<string, tf.Tensor>), b: rng.normal(b.shape) };
      b.dispose();
      const x = rng.normal([2, 2]) as tf.Tensor2D;
      const state = Array.from({ length: cell.stateSize }, () => rng.normal([2, 3]) as tf.Tensor2D);
      const before = tf.memory().numTensors;
      const next = tf.tidy(() => cell.step(biased, x, state));
      expect(tf.memory().numTensors).toBe(before + cell.stateSize);
      const p = plain(biased);
      const xs = x.arraySync();
      const ss = state.map((s) => s.arraySync());
      for (let row = 0; row < 2; row++) {
        const want = referenceStep(
          name,
          p,
          xs[row] as number[],
          ss.map((s) => s[row] as number[]),
          SETTINGS,
        );
        next.forEach((s, i) => {
          const got = s.arraySync()[row] as number[];
          got.forEach((v, j) => {
            expect(v).toBeCloseTo(want[i]?.[j] as number, 5);
          });
        });
      }
      tf.dispose([...next, x, ...state, ...Object.values(biased)]);
    });
  }

  it('have the parameter shapes of their formulas', () => {
    const shapes = Object.fromEntries(
      CELL_NAMES.map((name) => [
        name,
        makeCell(name, { inputSize: 5, units: 4 }).params.map(
          (p) => `${p.path}${JSON.stringify(p.shape)}`,
        ),
      ]),
    );
    expect(shapes).toEqual({
      rnn: ['W[5,4]', 'U[4,4]', 'b[4]'],
      gru: ['W[5,12]', 'U[4,12]', 'b[12]'],
      lstm: ['W[5,16]', 'U[4,16]', 'b[16]'],
      antisymmetric: ['W[4,4]', 'V[5,4]', 'b[4]'],
      'gated-antisymmetric': ['W[4,4]', 'V[5,8]', 'b[8]'],
    });
  });

  it('reject bad names, sizes, settings, inputs and parameters with a clear error', () => {
    expect(() => makeCell('elman' as never, { inputSize: 2, units: 3 })).toThrow(ValueError);
    expect(() => makeCell('rnn', { inputSize: 0, units: 3 })).toThrow(/inputSize/);
    expect(() => makeCell('lstm', { inputSize: 2, units: 3, epsilon: 0.1 })).toThrow(
      /epsilon and gamma/,
    );
    expect(() => makeCell('antisymmetric', { inputSize: 2, units: 3, epsilon: 0 })).toThrow(
      /epsilon/,
    );
    expect(() => makeCell('antisymmetric', { inputSize: 2, units: 3, gamma: -1 })).toThrow(/gamma/);
    const cell = makeCell('gru', { inputSize: 2, units: 3 });
    const params = initCell(cell, 1);
    const [h] = cell.initialState(2);
    const x = tf.zeros([2, 5]) as tf.Tensor2D;
    expect(() => cell.step(params, x, [h as tf.Tensor2D])).toThrow(ShapeError);
    const ok = tf.zeros([2, 2]) as tf.Tensor2D;
    expect(() => cell.step({}, ok, [h as tf.Tensor2D])).toThrow(StructureError);
    expect(() => cell.step(params, ok, [])).toThrow(StructureError);
    tf.dispose([h as tf.Tensor, x, ok, ...Object.values(params as Record<string, tf.Tensor>)]);
  });
});

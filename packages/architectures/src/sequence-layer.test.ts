import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, Rng } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { CELL_NAMES } from './cell-names.js';
import { makeCell } from './make-cell.js';
import { buildModel } from './model.js';
import { loadModel, saveModel } from './model-io.js';
import { runCell } from './run-cell.js';

describe("the 'rnn' layer", () => {
  it('in a model is runCell of its cell, then the dense head', () => {
    const model = buildModel({
      input: [5, 2],
      layers: [
        { type: 'rnn', cell: 'antisymmetric', units: 3, epsilon: 0.2, gamma: 0.05 },
        { type: 'dense', units: 4 },
      ],
    });
    expect(model.outputShape).toEqual([4]);
    expect(model.layers[0]?.config).toMatchObject({
      cell: 'antisymmetric',
      epsilon: 0.2,
      gamma: 0.05,
    });
    // W [3,3] + V [2,3] + b [3] + dense 3·4 + 4
    expect(model.parameterCount).toBe(9 + 6 + 3 + 12 + 4);
    const { params } = model.init(1);
    const x = Rng.fromSeed(2).normal([3, 5, 2]);
    const before = tf.memory().numTensors;
    const { y } = model.apply(params, x);
    expect(tf.memory().numTensors).toBe(before + 1);
    const want = tf.tidy(() => {
      const cell = makeCell('antisymmetric', { inputSize: 2, units: 3, epsilon: 0.2, gamma: 0.05 });
      const { y: h } = runCell(cell, params.rnn_0 as never, x);
      const { W, b } = params.dense_1 as { W: tf.Tensor2D; b: tf.Tensor };
      return tf.add(tf.matMul(h as tf.Tensor2D, W), b);
    });
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(y, want))).dataSync()[0] as number);
    expect(diff).toBeLessThan(1e-6);
    tf.dispose([x, y, want, ...Object.values(params).flatMap((p) => Object.values(p as object))]);
  });

  it('stacks with returnSequences, and maskValue skips padded steps', () => {
    for (const cell of CELL_NAMES) {
      const model = buildModel({
        input: [4, 2],
        layers: [
          { type: 'rnn', cell, units: 3, returnSequences: true, maskValue: 0 },
          { type: 'rnn', cell: 'gru', units: 2 },
        ],
      });
      expect(model.layers[0]?.outputShape).toEqual([4, 3]);
      const { params } = model.init(3);
      const rng = Rng.fromSeed(4);
      const real = rng.normal([1, 2, 2]);
      const padded = tf.tidy(() => tf.concat([real, tf.zeros([1, 2, 2])], 1));
      const { y: a } = model.apply(params, padded);
      // The second layer sees the carried states at the padded steps, so compare the first layer.
      const first = buildModel({
        input: [4, 2],
        layers: [{ type: 'rnn', cell, units: 3, maskValue: 0 }],
      });
      const short = buildModel({ input: [2, 2], layers: [{ type: 'rnn', cell, units: 3 }] });
      const p0 = { rnn_0: params.rnn_0 } as never;
      const { y: pad } = first.apply(p0, padded);
      const { y: alone } = short.apply(p0, real);
      const gap = tf.tidy(() => tf.max(tf.abs(tf.sub(pad, alone))).dataSync()[0] as number);
      expect(gap).toBeLessThan(1e-6);
      expect(a.shape).toEqual([1, 2]);
      tf.dispose([real, padded, a, pad, alone]);
      tf.dispose(Object.values(params).flatMap((p) => Object.values(p as object)));
    }
  });

  it('rejects configs that do not fit, saying what to do', () => {
    const build = (layer: object, input = [4, 2]) =>
      buildModel({ input, layers: [layer as never] });
    expect(() => build({ type: 'rnn', cell: 'lstm', units: 3, epsilon: 0.1 })).toThrow(
      /epsilon and gamma/,
    );
    expect(() => build({ type: 'rnn', cell: 'elman', units: 3 })).toThrow(/'rnn', 'gru', 'lstm'/);
    expect(() => build({ type: 'rnn', cell: 'gru', units: 3 }, [8])).toThrow(ConfigError);
    expect(() => build({ type: 'rnn', cell: 'gru', units: 0 })).toThrow(/units/);
    expect(() => build({ type: 'rnn', cell: 'antisymmetric', units: 3, epsilon: -1 })).toThrow(
      /epsilon/,
    );
  });

  it('saves and loads: the loaded model gives the same outputs', async () => {
    const config = {
      input: [6, 3],
      layers: [
        { type: 'rnn' as const, cell: 'gated-antisymmetric' as const, units: 4, epsilon: 0.3 },
        { type: 'dense' as const, units: 2 },
      ],
    };
    const model = buildModel(config);
    const { params } = model.init(8);
    const x = Rng.fromSeed(9).normal([2, 6, 3]);
    const dir = await mkdtemp(join(tmpdir(), 'runge-rnn-'));
    try {
      await saveModel(join(dir, 'm.runge'), config, { params });
      const loaded = await loadModel(join(dir, 'm.runge'));
      expect(loaded.model.layers[0]?.config).toMatchObject({ epsilon: 0.3, gamma: 0.01 });
      const gap = tf.tidy(() => {
        const a = model.apply(params, x).y;
        const b = loaded.model.apply(loaded.params, x).y;
        return tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number;
      });
      expect(gap).toBe(0);
      tf.dispose(Object.values(loaded.params).flatMap((p) => Object.values(p as object)));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    tf.dispose([x, ...Object.values(params).flatMap((p) => Object.values(p as object))]);
  });
});

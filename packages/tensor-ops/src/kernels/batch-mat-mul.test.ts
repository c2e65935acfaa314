import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, it } from 'vitest';
import { expectWasmMatchesCpu } from '../../test/compare-backends.js';
import { initBackend } from '../backend.js';
import { Rng } from '../rng.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

const cases: {
  name: string;
  a: number[];
  b: number[];
  transposeA: boolean;
  transposeB: boolean;
}[] = [
  { name: 'aᵀb', a: [40, 33], b: [40, 17], transposeA: true, transposeB: false },
  { name: 'abᵀ', a: [33, 40], b: [17, 40], transposeA: false, transposeB: true },
  { name: 'aᵀbᵀ', a: [40, 33], b: [17, 40], transposeA: true, transposeB: true },
  { name: 'batched, shared b', a: [3, 21, 30], b: [30, 19], transposeA: false, transposeB: false },
  { name: 'batched, shared a', a: [21, 30], b: [3, 30, 19], transposeA: false, transposeB: false },
  {
    name: 'batched both, transposed',
    a: [2, 3, 30, 21],
    b: [2, 3, 19, 30],
    transposeA: true,
    transposeB: true,
  },
  { name: 'plain (TF.js path)', a: [33, 40], b: [40, 17], transposeA: false, transposeB: false },
  { name: 'tiny (scalar path)', a: [2, 3, 4], b: [2, 4, 5], transposeA: false, transposeB: false },
  { name: 'vector-matrix', a: [1, 64], b: [64, 96], transposeA: false, transposeB: false },
];

describe('BatchMatMul on wasm', () => {
  it.each(cases)('matches cpu: $name', async ({ a, b, transposeA, transposeB }) => {
    await expectWasmMatchesCpu(() => {
      const rng = Rng.fromSeed(a.length * 31 + b.length);
      return tf.matMul(rng.normal(a), rng.normal(b), transposeA, transposeB);
    });
  });

  it("gives matMul's gradients like cpu (the products aᵀ·dy and dy·bᵀ)", async () => {
    await expectWasmMatchesCpu(() => {
      const rng = Rng.fromSeed(5);
      const a = rng.normal([24, 50]);
      const b = rng.normal([50, 36]);
      return tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.square(tf.matMul(p, q))))([a, b]);
    });
  });
});

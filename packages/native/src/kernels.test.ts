// The native matMul, element-wise, reduction and pooling kernels against TF.js's cpu kernels.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNativeMatchesCpu, requireNative, values } from '../test/compare.js';
import { NATIVE_KERNELS } from './index.js';

const t = (shape: number[], seed: number) => ({
  values: values(
    shape.reduce((a, b) => a * b, 1),
    seed,
  ),
  shape,
});

beforeAll(() => requireNative(2));

describe('native matMul matches the cpu backend', () => {
  const shapes: Array<[number, number, number]> = [
    [1, 1, 1],
    [7, 5, 3],
    [65, 33, 17],
    [6, 144, 16],
    [130, 70, 40],
  ];
  for (const [m, k, n] of shapes) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        it(`${m}x${k} · ${k}x${n}, transposeA ${ta}, transposeB ${tb}`, async () => {
          await expectNativeMatchesCpu(
            [t(ta ? [k, m] : [m, k], m + k), t(tb ? [n, k] : [k, n], n)],
            (a, b) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, ta, tb),
            'matMul',
          );
        });
      }
    }
  }

  it('batched, with equal batches and with one matrix broadcast over the batch', async () => {
    await expectNativeMatchesCpu(
      [t([3, 5, 7], 1), t([3, 7, 4], 2)],
      (a, b) => tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D),
      'batched',
    );
    await expectNativeMatchesCpu(
      [t([1, 5, 7], 3), t([4, 4, 7], 4)],
      (a, b) => tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D, false, true),
      'broadcast a',
    );
    await expectNativeMatchesCpu(
      [t([2, 3, 7, 5], 5), t([5, 6], 6)],
      (a, b) => tf.matMul(a, b as tf.Tensor),
      'rank 4 by rank 2',
    );
  });
});

describe('native element-wise kernels match the cpu backend', () => {
  const pairs: Array<[string, number[], number[]]> = [
    ['same shape', [4, 7, 5, 3], [4, 7, 5, 3]],
    ['bias over the last axis', [4, 7, 5, 16], [16]],
    ['bias with leading ones', [3, 5, 16], [1, 1, 16]],
    ['scalar right', [9, 11], []],
    ['scalar left', [], [9, 11]],
    ['repeated left operand', [5, 3], [4, 5, 3]],
    ['general broadcast (cpu fallback)', [3, 1], [1, 4]],
    ['large (threaded chunks)', [64, 28, 28, 16], [16]],
  ];
  const ops = { add: tf.add, sub: tf.sub, mul: tf.mul, div: tf.div } as const;
  for (const [label, sa, sb] of pairs) {
    it(`add, sub, mul, div: ${label}`, async () => {
      for (const [name, op] of Object.entries(ops)) {
        await expectNativeMatchesCpu(
          [t(sa, 1), t(sb, 2)],
          (a, b) => op(a as tf.Tensor, b as tf.Tensor),
          `${name} ${label}`,
        );
      }
    });
  }

  it('neg gives −x, NaN kept, on small and large tensors', async () => {
    const x = { values: Float32Array.from([-2, -0.5, 0, 0.5, 3, Number.NaN]), shape: [6] };
    await expectNativeMatchesCpu([x], (a) => [tf.neg(a as tf.Tensor)], 'neg');
    await tf.setBackend('native');
    const n = tf.tidy(() => Array.from(tf.neg(tf.tensor1d(x.values)).dataSync()));
    await tf.setBackend('cpu');
    expect(n).toEqual([2, 0.5, -0, -0.5, -3, Number.NaN]);
    expect(NATIVE_KERNELS).toContain('Neg');
    await expectNativeMatchesCpu(
      [t([64, 28, 28, 16], 5)],
      (a) => [tf.neg(a as tf.Tensor)],
      'large',
    );
  });

  it('relu and step keep NaN and give the written-out values', async () => {
    const x = { values: Float32Array.from([-2, -0.5, 0, 0.5, 3, Number.NaN]), shape: [6] };
    await expectNativeMatchesCpu(
      [x],
      (a) => [tf.relu(a as tf.Tensor), tf.step(a as tf.Tensor, 0.25)],
      'relu, step',
    );
    await tf.setBackend('native');
    const [r, s] = tf.tidy(() => {
      const a = tf.tensor1d(x.values);
      return [Array.from(tf.relu(a).dataSync()), Array.from(tf.step(a, 0.25).dataSync())];
    });
    await tf.setBackend('cpu');
    expect(r).toEqual([0, 0, 0, 0.5, 3, Number.NaN]);
    expect(s).toEqual([0.25, 0.25, 0.25, 1, 1, Number.NaN]);
    await expectNativeMatchesCpu(
      [t([64, 28, 28, 16], 3)],
      (a) => [tf.relu(a as tf.Tensor), tf.step(a as tf.Tensor)],
      'large',
    );
  });
});

describe('native sum matches the cpu backend', () => {
  const cases: Array<[number[], number[], boolean]> = [
    [[64, 28, 28, 16], [0, 1, 2], false],
    [[5, 7, 3], [0], true],
    [[5, 7, 3], [1, 2], false],
    [[5, 7, 3], [-1], true],
    [[5, 7, 3], [0, 1, 2], false],
    [[5, 7, 3], [1], false],
  ];
  for (const [shape, axes, keepDims] of cases) {
    it(`[${shape}] over axes [${axes}], keepDims ${keepDims}`, async () => {
      await expectNativeMatchesCpu(
        [t(shape, 4)],
        (a) => tf.sum(a as tf.Tensor, axes, keepDims),
        'sum',
      );
    });
  }

  it('sums written out by hand', async () => {
    await tf.setBackend('native');
    const [lead, trail] = tf.tidy(() => {
      const a = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
      return [Array.from(tf.sum(a, 0).dataSync()), Array.from(tf.sum(a, 1).dataSync())];
    });
    await tf.setBackend('cpu');
    expect(lead).toEqual([5, 7, 9]);
    expect(trail).toEqual([6, 15]);
  });
});

describe('native average pooling matches the cpu backend', () => {
  const cases: Array<[number[], number, number, 'same' | 'valid']> = [
    [[2, 28, 28, 16], 2, 2, 'valid'],
    [[1, 7, 5, 3], 3, 1, 'same'],
    [[3, 7, 5, 1], 2, 2, 'same'],
    [[1, 6, 6, 4], 3, 2, 'valid'],
  ];
  for (const [shape, size, stride, pad] of cases) {
    it(`[${shape}], ${size}x${size}, stride ${stride}, ${pad}: value and gradient`, async () => {
      await expectNativeMatchesCpu(
        [t(shape, 5)],
        (a) => {
          const f = (x: tf.Tensor) =>
            tf.sum(
              tf.mul(
                tf.avgPool(x as tf.Tensor4D, size, stride, pad),
                tf.avgPool(x as tf.Tensor4D, size, stride, pad),
              ),
            );
          return [tf.avgPool(a as tf.Tensor4D, size, stride, pad), tf.grad(f)(a as tf.Tensor)];
        },
        'avgPool',
      );
    });
  }
});

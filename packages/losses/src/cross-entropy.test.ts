import { DTypeError, ShapeError, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, numbers, take } from '../test/gradient-check.js';
import { accuracy, softmaxCrossEntropy } from './cross-entropy.js';

const LOGITS = [
  [0.6, 1.0, 2.0],
  [1.0, 0.0, -1.0],
];

function logSoftmaxJs(row: readonly number[]): number[] {
  const lse = Math.log(row.reduce((a, v) => a + Math.exp(v), 0));
  return row.map((v) => v - lse);
}

describe('softmaxCrossEntropy', () => {
  it('equals −mean_b log S(C)[b, label] for integer labels', () => {
    const logits = tf.tensor2d(LOGITS);
    const labels = tf.tensor1d([2, 0], 'int32');
    const expected =
      -(
        (logSoftmaxJs(LOGITS[0] as number[])[2] as number) +
        (logSoftmaxJs(LOGITS[1] as number[])[0] as number)
      ) / 2;
    expect(take(softmaxCrossEntropy(logits, labels))).toBeCloseTo(expected, 6);
    // −log 0.619… for the first row alone, from the rounded softmax
    const first = tf.tensor2d([LOGITS[0] as number[]]);
    const two = tf.tensor1d([2], 'int32');
    expect(take(softmaxCrossEntropy(first, two))).toBeCloseTo(-Math.log(0.619), 2);
    tf.dispose([logits, labels, first, two]);
  });

  it('gives the same value for int32, float32-integer and one-hot labels', () => {
    const logits = tf.tensor2d(numbers(4 * 5, 2, -3, 3), [4, 5]);
    const classes = [4, 0, 2, 2];
    const ints = tf.tensor1d(classes, 'int32');
    const floats = tf.tensor1d(classes, 'float32');
    const oneHot = tf.tensor2d(
      classes.map((c) => [0, 1, 2, 3, 4].map((k) => (k === c ? 1 : 0))),
      [4, 5],
    );
    const a = take(softmaxCrossEntropy(logits, ints));
    expect(take(softmaxCrossEntropy(logits, floats))).toBe(a);
    expect(take(softmaxCrossEntropy(logits, oneHot))).toBeCloseTo(a, 6);
    tf.dispose([logits, ints, floats, oneHot]);
  });

  it('computes −Σ C_gt log S(C) for probability labels', () => {
    const logits = tf.tensor2d(LOGITS);
    const probs = [
      [0.2, 0.3, 0.5],
      [0, 1, 0],
    ];
    const labels = tf.tensor2d(probs);
    let expected = 0;
    probs.forEach((row, b) => {
      const lp = logSoftmaxJs(LOGITS[b] as number[]);
      row.forEach((y, k) => {
        expected -= (y * (lp[k] as number)) / 2;
      });
    });
    expect(take(softmaxCrossEntropy(logits, labels))).toBeCloseTo(expected, 6);
    tf.dispose([logits, labels]);
  });

  it('is finite for logits of ±1e4 and labels of exactly 0 and 1', () => {
    const logits = tf.tensor2d([
      [1e4, -1e4],
      [1e4, -1e4],
    ]);
    const right = tf.tensor1d([0, 0], 'int32');
    const mixed = tf.tensor1d([0, 1], 'int32');
    expect(Math.abs(take(softmaxCrossEntropy(logits, right)))).toBe(0);
    expect(take(softmaxCrossEntropy(logits, mixed))).toBeCloseTo(1e4, 0); // (0 + 2e4) / 2
    const g = tf.grad((x) => softmaxCrossEntropy(x, mixed))(logits);
    expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([logits, right, mixed, g]);
  });

  it('has the gradient (S − C_gt)/B, matching central differences', () => {
    const labels = tf.tensor1d([1, 2, 0], 'int32');
    const x0 = numbers(9, 4, -2, 2);
    const g = checkGradient((x) => softmaxCrossEntropy(x, labels), x0, [3, 3]);
    for (let b = 0; b < 3; b++) {
      const row = x0.slice(3 * b, 3 * b + 3);
      const s = logSoftmaxJs(row).map(Math.exp);
      s.forEach((p, k) => {
        const y = k === [1, 2, 0][b] ? 1 : 0;
        expect(g[3 * b + k]).toBeCloseTo((p - y) / 3, 5);
      });
    }
    const probs = tf.tensor2d([0.1, 0.6, 0.3, 1, 0, 0, 0.5, 0.25, 0.25], [3, 3]);
    checkGradient((x) => softmaxCrossEntropy(x, probs), x0, [3, 3]);
    tf.dispose([labels, probs]);
  });

  it('rejects bad inputs with errors naming the argument', () => {
    const logits = tf.tensor2d(LOGITS);
    const cases: [tf.Tensor, typeof ValueError, RegExp][] = [
      [tf.tensor1d([3, 0], 'int32'), ValueError, /labels: entry 0 is 3.*\[0, 2\]/],
      [tf.tensor1d([-1, 0], 'int32'), ValueError, /labels: entry 0 is -1/],
      [tf.tensor1d([0.5, 1], 'float32'), ValueError, /labels: entry 0 is 0\.5/],
      [tf.tensor1d([0, 1, 2], 'int32'), ShapeError, /labels: expected shape \[2\].*got \[3\]/],
      [tf.tensor2d([[1, 0, 0, 0]]), ShapeError, /labels: .*\[2, 3\]/],
      [
        tf.tensor2d([
          [0.5, 0.2, 0],
          [0, 1, 0],
        ]),
        ValueError,
        /labels: each row .* sum to 1/,
      ],
      [
        tf.tensor2d([
          [2, -1, 0],
          [0, 1, 0],
        ]),
        ValueError,
        /labels: .*\[0, 1\]/,
      ],
      [tf.tensor1d([true, false], 'bool'), DTypeError, /labels: expected dtype/],
    ];
    for (const [labels, kind, message] of cases) {
      expect(() => softmaxCrossEntropy(logits, labels)).toThrow(kind);
      expect(() => softmaxCrossEntropy(logits, labels)).toThrow(message);
      labels.dispose();
    }
    const flat = tf.tensor1d([1, 2, 3]);
    const zero = tf.tensor1d([0], 'int32');
    expect(() => softmaxCrossEntropy(flat, zero)).toThrow(
      /logits: expected shape \[batch, classes\]/,
    );
    tf.dispose([logits, flat, zero]);
  });

  it('skips reading the labels when checkLabels is false', () => {
    const logits = tf.tensor2d(LOGITS);
    const outOfRange = tf.tensor1d([5, 0], 'int32');
    // oneHot gives an all-zero target row for index 5, so only row 1 contributes
    const expected = -(logSoftmaxJs(LOGITS[1] as number[])[0] as number) / 2;
    expect(take(softmaxCrossEntropy(logits, outOfRange, { checkLabels: false }))).toBeCloseTo(
      expected,
      6,
    );
    tf.dispose([logits, outOfRange]);
  });
});

describe('accuracy', () => {
  it('is the fraction of rows whose arg-max logit is the label', () => {
    const logits = tf.tensor2d([
      [2, 1, 0],
      [0, 3, 1],
      [0, 0, 5],
      [1, 0, 0],
    ]);
    const labels = tf.tensor1d([0, 1, 1, 2], 'int32');
    const oneHot = tf.oneHot(labels, 3);
    expect(accuracy(logits, labels)).toBe(0.5);
    expect(accuracy(logits, oneHot)).toBe(0.5);
    tf.dispose([logits, labels, oneHot]);
  });
});

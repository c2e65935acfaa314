// A state or parameters of the wrong shape fail with a message that names them, not with TF.js's own error.
import { ShapeError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { solve } from './solve.js';

const linear = (_t: number, y: tf.Tensor, p: { K: tf.Tensor }) => tf.matMul(y, p.K);

function failure(run: () => unknown): Error {
  try {
    run();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the solve to fail');
}

describe('solve with arguments of the wrong shape', () => {
  it('a y0 of the wrong width names y0 and both shapes', () => {
    const y0 = tf.ones([2, 4]);
    const K = tf.eye(3);
    const e = failure(() => solve({ f: linear, y0, params: { K }, steps: 2 }));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toMatch(
      /f failed on the state of shape \[2, ?4\] with parameters of shapes \[3, ?3\]/,
    );
    expect(e.message).toMatch(/check that y0 has the shape f expects/);
    tf.dispose([y0, K]);
  });

  it('a y0 of the wrong rank, and controls of the wrong shape, are named the same way', () => {
    const y0 = tf.ones([3]);
    const K = tf.eye(3);
    expect(() => solve({ f: linear, y0, params: { K }, steps: 2 })).toThrow(
      /f failed on the state of shape \[3\]/,
    );
    const y = tf.ones([2, 3]);
    const Ks = tf.ones([4, 2, 2]);
    expect(() => solve({ f: linear, y0: y, controls: { values: { K: Ks } }, steps: 4 })).toThrow(
      /with parameters of shapes \[2, ?2\].*params\/controls have the shapes f uses/,
    );
    tf.dispose([y0, K, y, Ks]);
  });
});

import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { DTypeError, NumericalError, RungeError, ShapeError, ValueError } from './errors.js';
import {
  assertDtype,
  assertFinite,
  assertNumber,
  assertOneOf,
  assertRank,
  assertSameShape,
  assertShape,
  assertTensor,
  formatShape,
  isTensor,
} from './validate.js';

describe('validation at the boundary', () => {
  it('recognises tensors and rejects other values with the argument name', () => {
    const x = tf.zeros([2]);
    expect(isTensor(x)).toBe(true);
    expect(isTensor([1, 2])).toBe(false);
    expect(() => assertTensor([1, 2], 'images')).toThrow(
      /images: expected a tf.Tensor, got an array/,
    );
    x.dispose();
    expect(() => assertTensor(x, 'images')).toThrow(/images: the tensor was already disposed/);
  });

  it('names the argument, the expected and the actual shape', () => {
    const x = tf.zeros([5, 5, 1, 2]);
    expect(() => assertRank(x, 2, 'kernel')).toThrow(ShapeError);
    expect(() => assertRank(x, [2, 3], 'kernel')).toThrow(
      'kernel: expected rank 2 or 3, got rank 4 with shape [5, 5, 1, 2]',
    );
    expect(() => assertShape(x, [3, 3, null, null], 'kernel')).toThrow(
      'kernel: expected shape [3, 3, *, *], got [5, 5, 1, 2]',
    );
    expect(() => assertShape(x, [5, 5, null, 2], 'kernel')).not.toThrow();
    const y = tf.zeros([5, 5, 2, 1]);
    expect(() => assertSameShape(x, y, ['a', 'b'])).toThrow(
      'a and b must have the same shape, got [5, 5, 1, 2] and [5, 5, 2, 1]',
    );
    tf.dispose([x, y]);
  });

  it('checks dtypes and finiteness', () => {
    const labels = tf.tensor([1, 2], [2], 'float32');
    expect(() => assertDtype(labels, 'int32', 'labels')).toThrow(DTypeError);
    expect(() => assertDtype(labels, ['int32', 'float32'], 'labels')).not.toThrow();
    const bad = tf.tensor([1, Number.NaN, 3]);
    expect(() => assertFinite(bad, 'loss')).toThrow(NumericalError);
    expect(() => assertFinite(bad, 'loss')).toThrow(/loss: entry 1 .* is NaN/);
    tf.dispose([labels, bad]);
  });

  it('validates numbers and enumerations with the allowed values in the message', () => {
    expect(assertNumber(3, 'steps', { min: 1, integer: true })).toBe(3);
    expect(() => assertNumber(0, 'steps', { min: 1, integer: true })).toThrow(
      'steps: expected an integer >= 1, got 0',
    );
    expect(() => assertNumber(1.5, 'steps', { integer: true })).toThrow(ValueError);
    expect(() => assertNumber(Number.NaN, 'h')).toThrow('h: expected a finite number, got null');
    expect(() => assertNumber(0, 'h', { min: 0, exclusiveMin: true })).toThrow(
      'h: expected a finite number > 0, got 0',
    );
    expect(assertOneOf('rk4', ['euler', 'rk4'] as const, 'method')).toBe('rk4');
    expect(() => assertOneOf('rk5', ['euler', 'rk4'] as const, 'method')).toThrow(
      `method: unknown "rk5"; expected one of 'euler', 'rk4'`,
    );
  });

  it('gives every error a code and a RungeError base', () => {
    const e = new ShapeError('x');
    expect(e).toBeInstanceOf(RungeError);
    expect(e.code).toBe('E_SHAPE');
    expect(e.name).toBe('ShapeError');
    expect(formatShape([1, null])).toBe('[1, *]');
  });
});

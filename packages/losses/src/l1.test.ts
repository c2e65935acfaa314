import { DTypeError, StructureError, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, take } from '../test/gradient-check.js';
import { l1 } from './l1.js';

describe('l1', () => {
  it('is λ Σ |w| over every leaf of a tree, or over one tensor', () => {
    const tree = {
      W: tf.tensor2d([
        [1, -2],
        [0, 3],
      ]),
      blocks: [{ b: tf.tensor1d([-0.5, 0.25]) }],
    };
    expect(take(l1(tree, 0.1))).toBeCloseTo(0.1 * (6 + 0.75), 6);
    expect(take(l1(tree.W, 2))).toBeCloseTo(12, 6);
    expect(take(l1(tree, 0))).toBe(0);
    expect(take(l1([], 1))).toBe(0);
    tf.dispose([tree.W, tree.blocks[0]?.b as tf.Tensor]);
  });

  it('has the gradient λ sign(w), matching central differences away from 0', () => {
    const w0 = [0.5, -1.5, 2, -0.25];
    const g = checkGradient((w) => l1({ w }, 0.3), w0, [4]);
    g.forEach((gi, i) => {
      expect(gi).toBeCloseTo(0.3 * Math.sign(w0[i] as number), 6);
    });
  });

  it('rejects λ < 0, integer leaves and non-trees', () => {
    const w = tf.tensor1d([1]);
    const ints = tf.tensor1d([1], 'int32');
    expect(() => l1(w, -1)).toThrow(ValueError);
    expect(() => l1(w, -1)).toThrow(/lambda: expected a finite number >= 0, got -1/);
    expect(() => l1({ layer: { K: ints } }, 1)).toThrow(DTypeError);
    expect(() => l1({ layer: { K: ints } }, 1)).toThrow(/tree\.layer\.K/);
    expect(() => l1({ K: 3 } as never, 1)).toThrow(StructureError);
    tf.dispose([w, ints]);
  });
});

// The input-selection layer scales each feature by its own weight, starts as the identity, and takes feature vectors only.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { buildModel } from './model.js';

describe('input-selection layer', () => {
  it('starts at w = 1 and computes x ⊙ w', () => {
    const model = buildModel({ input: [3], layers: [{ type: 'input-selection', name: 'select' }] });
    const { params } = model.init(0);
    const w0 = (params.select as { w: tf.Tensor }).w;
    expect(Array.from(w0.dataSync())).toEqual([1, 1, 1]);
    const x = tf.tensor2d([1, 2, 3, -4, 5, -6], [2, 3]);
    const w = tf.tensor1d([0.5, 0, -2]);
    const before = tf.memory().numTensors;
    const y = tf.tidy(() => model.apply({ select: { w } }, x).y);
    expect(Array.from(y.dataSync())).toEqual([0.5, 0, -6, -2, 0, 12]);
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([w0, x, w]);
  });

  it('rejects image features and unknown keys', () => {
    expect(() => buildModel({ input: [4, 4, 1], layers: [{ type: 'input-selection' }] })).toThrow(
      /vector features/,
    );
    expect(() =>
      buildModel({ input: [4], layers: [{ type: 'input-selection', lambda: 1 } as never] }),
    ).toThrow(/unknown key 'lambda'/);
  });
});

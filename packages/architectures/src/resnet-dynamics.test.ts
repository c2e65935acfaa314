import { Rng, ShapeError, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { naiveConvSame } from '../test/helpers.js';
import type { ActivationName } from './activations.js';
import { resnet2Dynamics, resnetDynamics } from './resnet-dynamics.js';

describe('resnetDynamics', () => {
  it('computes σ(K Y + b) on dense features (worked example)', () => {
    // y K = [1·1 + 2·2, 1·(−1) + 2·0.5] = [5, 0]; + b = [4, 0.5]
    const out = tf.tidy(() => {
      const y = tf.tensor2d([[1, 2]]);
      const K = tf.tensor2d([
        [1, -1],
        [2, 0.5],
      ]);
      const b = tf.tensor1d([-1, 0.5]);
      return [
        resnetDynamics()(0, y, { K, b }).arraySync(),
        resnetDynamics({ activation: 'tanh' })(0, y, { K, b }).arraySync(),
      ];
    });
    expect((out[0] as number[][])[0]).toEqual([4, 0.5]);
    const t = (out[1] as number[][])[0] as number[];
    expect(t[0]).toBeCloseTo(Math.tanh(4), 6);
    expect(t[1]).toBeCloseTo(Math.tanh(0.5), 6);
  });

  it('computes σ(conv(Y, K) + b) on feature maps, equal to a loop convolution', () => {
    const rng = Rng.fromSeed(5);
    tf.tidy(() => {
      const y = rng.normal([2, 5, 4, 3]) as tf.Tensor4D;
      const K = rng.normal([3, 3, 3, 3]) as tf.Tensor4D;
      const b = rng.normal([3]);
      const got = resnetDynamics({ activation: 'relu' })(0.3, y, { K, b });
      expect(got.shape).toEqual([2, 5, 4, 3]);
      const ref = tf.relu(tf.add(tf.tensor4d(naiveConvSame(y, K)), b));
      expect(tf.max(tf.abs(tf.sub(got, ref))).dataSync()[0]).toBeLessThan(1e-4);
    });
  });

  it('rejects features and kernels that do not fit, and unknown activations', () => {
    tf.tidy(() => {
      const f = resnetDynamics();
      expect(() => f(0, tf.zeros([2, 3]), { K: tf.zeros([3, 3, 3, 3]), b: tf.zeros([3]) })).toThrow(
        ShapeError,
      );
    });
    expect(() => resnetDynamics({ activation: 'gelu' as ActivationName })).toThrow(ValueError);
  });
});

describe('resnet2Dynamics', () => {
  it('computes K₂ σ(K₁ Y + b₁) + b₂ (worked example with a wider hidden layer)', () => {
    // y K1 + b1 = [1, −2, 3] + [0, 0, −4] = [1, −2, −1] → relu [1, 0, 0]; · K2 = [2, −1]; + b2
    const out = tf.tidy(() => {
      const y = tf.tensor2d([[1, 1]]);
      const K1 = tf.tensor2d([
        [1, -1, 1],
        [0, -1, 2],
      ]);
      const b1 = tf.tensor1d([0, 0, -4]);
      const K2 = tf.tensor2d([
        [2, -1],
        [5, 5],
        [7, 7],
      ]);
      const b2 = tf.tensor1d([0.5, 0.25]);
      return resnet2Dynamics()(0, y, { K1, b1, K2, b2 }).arraySync() as number[][];
    });
    expect(out[0]).toEqual([2.5, -0.75]);
  });

  it('keeps the shape of feature maps', () => {
    const rng = Rng.fromSeed(1);
    tf.tidy(() => {
      const y = rng.normal([1, 4, 4, 2]);
      const p = {
        K1: rng.normal([3, 3, 2, 5]),
        b1: tf.zeros([5]),
        K2: rng.normal([3, 3, 5, 2]),
        b2: tf.zeros([2]),
      };
      expect(resnet2Dynamics()(0, y, p).shape).toEqual([1, 4, 4, 2]);
    });
  });
});

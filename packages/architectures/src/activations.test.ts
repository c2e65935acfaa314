import { ConfigError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  ACTIVATIONS,
  type ActivationName,
  activate,
  SELU_ALPHA,
  SELU_LAMBDA,
} from './activations.js';

describe('activations', () => {
  it('SELU uses the constants of Klambauer et al. (2017)', () => {
    // The paper's values (to double precision), typed in independently of the implementation.
    expect(SELU_LAMBDA).toBeCloseTo(1.0507009873554805, 15);
    expect(SELU_ALPHA).toBeCloseTo(1.6732632423543772, 15);
    const xs = [-3, -1, -0.25, 0, 0.5, 2];
    const y = tf.tidy(() => activate('selu', tf.tensor1d(xs)).arraySync() as number[]);
    xs.forEach((x, i) => {
      const expected =
        x > 0 ? 1.0507009873554805 * x : 1.0507009873554805 * 1.6732632423543772 * Math.expm1(x);
      expect(y[i]).toBeCloseTo(expected, 5);
    });
  });

  it('SELU has the fixed point of self-normalisation: mean 0, variance 1 maps to itself', () => {
    // E[selu(z)] = 0 and E[selu(z)²] = 1 for z ~ N(0, 1), by quadrature on a fine grid.
    const n = 20001;
    const zs = Array.from({ length: n }, (_, i) => -10 + (20 * i) / (n - 1));
    const s = tf.tidy(() => activate('selu', tf.tensor1d(zs)).arraySync() as number[]);
    let m1 = 0;
    let m2 = 0;
    zs.forEach((z, i) => {
      const w = (Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI)) * (20 / (n - 1));
      m1 += w * (s[i] as number);
      m2 += w * (s[i] as number) ** 2;
    });
    expect(Math.abs(m1)).toBeLessThan(1e-4);
    expect(Math.abs(m2 - 1)).toBeLessThan(1e-4);
  });

  it.each(ACTIVATIONS)('%s is monotone non-decreasing and keeps the shape', (name) => {
    const xs = Array.from({ length: 41 }, (_, i) => -4 + i * 0.2);
    const y = tf.tidy(() => {
      const out = activate(name as ActivationName, tf.tensor2d(xs, [41, 1]));
      expect(out.shape).toEqual([41, 1]);
      return out.dataSync().slice();
    });
    for (let i = 1; i < y.length; i++)
      expect(y[i]).toBeGreaterThanOrEqual((y[i - 1] as number) - 1e-7);
  });

  it('rejects an unknown name with the allowed ones', () => {
    const x = tf.scalar(1);
    expect(() => activate('swish' as ActivationName, x)).toThrow(ConfigError);
    expect(() => activate('swish' as ActivationName, x)).toThrow(/'relu', 'tanh'/);
    x.dispose();
  });
});

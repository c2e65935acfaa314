import { jacobianSpectrum } from '@runge/integrators';
import { convTranspose, Rng, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { eigenvalues, jacobian } from '../test/helpers.js';
import { antisymmetricDynamics } from './antisymmetric-dynamics.js';
import { type FeatureDynamics, type KernelWeights, resnetDynamics } from './resnet-dynamics.js';

type Kind = 'dense' | 'conv';

function problem(kind: Kind, seed: number) {
  const rng = Rng.fromSeed(seed);
  const y = kind === 'dense' ? rng.normal([1, 6]) : rng.normal([1, 3, 3, 2]);
  const K = kind === 'dense' ? rng.normal([6, 6]) : rng.normal([3, 3, 2, 2], { std: 0.7 });
  const b = rng.normal([kind === 'dense' ? 6 : 2], { std: 0.5 });
  return { y, K, b };
}

/**
 * Largest |λ| and the extreme real parts of the Jacobian of `f` at `y`, by the integrators'
 * `jacobianSpectrum`, cross-checked against a Jacobian built here row by row and ml-matrix.
 */
function spectrum(f: FeatureDynamics<KernelWeights>, y: tf.Tensor, params: KernelWeights) {
  const { eigenvalues: eig, spectralRadius } = jacobianSpectrum(f, 0, y, params);
  const own = eigenvalues(jacobian((v) => f(0, v, params), y));
  const ownRadius = Math.max(...own.map(({ re, im }) => Math.hypot(re, im)));
  expect(Math.abs(ownRadius - spectralRadius)).toBeLessThan(1e-4 * spectralRadius);
  return {
    maxAbs: spectralRadius,
    maxRe: Math.max(...eig.map(({ re }) => re)),
    minRe: Math.min(...eig.map(({ re }) => re)),
  };
}

describe('antisymmetricDynamics', () => {
  it('on feature maps equals σ(conv(Y, K) − convTranspose(Y, K) − γY + b)', () => {
    const { y, K, b } = problem('conv', 4);
    tf.tidy(() => {
      const got = antisymmetricDynamics({ activation: 'tanh', damping: 0.3 })(0, y, { K, b });
      const ref = tf.tanh(
        tf.add(
          tf.sub(
            tf.sub(
              tf.conv2d(y as tf.Tensor4D, K as tf.Tensor4D, 1, 'same'),
              convTranspose(y as tf.Tensor4D, K as tf.Tensor4D, { inputShape: y.shape }),
            ),
            tf.mul(0.3, y),
          ),
          b,
        ),
      );
      expect(tf.max(tf.abs(tf.sub(got, ref))).dataSync()[0]).toBeLessThan(1e-5);
    });
    tf.dispose([y, K, b]);
  });

  // J = D (A − γI) with D = diag(σ') ≥ 0 and A antisymmetric. For γ = 0 its non-zero
  // eigenvalues are those of the antisymmetric D^{1/2} A D^{1/2}: purely imaginary, whatever σ'
  // is at the state. (J itself is not antisymmetric.)
  it.each([
    ['dense', 'tanh', 1],
    ['dense', 'tanh', 2],
    ['dense', 'relu', 3],
    ['dense', 'sigmoid', 4],
    ['conv', 'tanh', 5],
    ['conv', 'relu', 6],
  ] as const)(
    'without damping the Jacobian spectrum is on the imaginary axis (%s, %s, seed %i)',
    (kind, activation, seed) => {
      const { y, K, b } = problem(kind, seed);
      const f = antisymmetricDynamics({ activation });
      const { maxAbs, maxRe, minRe } = spectrum(f, y, { K, b });
      expect(maxAbs).toBeGreaterThan(0.1);
      expect(Math.max(Math.abs(maxRe), Math.abs(minRe))).toBeLessThan(1e-4 * maxAbs);
      tf.dispose([y, K, b]);
    },
  );

  it.each(['dense', 'conv'] as const)(
    'with damping γ the real parts lie in [−γ max σ′, 0) (%s, tanh)',
    (kind) => {
      const { y, K, b } = problem(kind, 7);
      const gamma = 0.5;
      const f = antisymmetricDynamics({ activation: 'tanh', damping: gamma });
      const { maxRe, minRe } = spectrum(f, y, { K, b });
      // σ' = 1 − tanh² at the pre-activation, computed independently
      const maxSlope = tf.tidy(() => {
        const pre = tf.add(
          tf.sub(
            y.rank === 2
              ? tf.sub(
                  tf.matMul(y as tf.Tensor2D, K as tf.Tensor2D),
                  tf.matMul(y as tf.Tensor2D, K as tf.Tensor2D, false, true),
                )
              : tf.sub(
                  tf.conv2d(y as tf.Tensor4D, K as tf.Tensor4D, 1, 'same'),
                  convTranspose(y as tf.Tensor4D, K as tf.Tensor4D, { inputShape: y.shape }),
                ),
            tf.mul(gamma, y),
          ),
          b,
        );
        return tf.max(tf.sub(1, tf.square(tf.tanh(pre)))).dataSync()[0] as number;
      });
      expect(maxRe).toBeLessThan(0);
      expect(minRe).toBeGreaterThanOrEqual(-gamma * maxSlope * (1 + 1e-4));
      tf.dispose([y, K, b]);
    },
  );

  it('counter-check: a general K (ResNet dynamics) has eigenvalues off the imaginary axis', () => {
    const { y, K, b } = problem('dense', 1);
    const f = resnetDynamics({ activation: 'tanh' });
    const { maxAbs, maxRe, minRe } = spectrum(f, y, { K, b });
    expect(Math.max(Math.abs(maxRe), Math.abs(minRe))).toBeGreaterThan(1e-2 * maxAbs);
    tf.dispose([y, K, b]);
  });

  it('rejects negative damping', () => {
    expect(() => antisymmetricDynamics({ damping: -1 })).toThrow(ValueError);
  });
});

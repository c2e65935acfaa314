import {
  convSpectralNorm,
  Rng,
  spectralNorm,
  type TensorTree,
  treeDispose,
} from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { distance } from '../test/helpers.js';
import { buildModel } from './model.js';
import { parabolicDynamics } from './parabolic-dynamics.js';

/** `ψ` with `ψ' = σ`, so that `−Kᵀσ(K Y + b) = −∇_Y Σ ψ(K Y + b)`. */
const potentials = {
  relu: (z: tf.Tensor) => tf.mul(0.5, tf.square(tf.relu(z))),
  tanh: (z: tf.Tensor) => tf.log(tf.cosh(z)),
} as const;

function applyK(y: tf.Tensor, K: tf.Tensor): tf.Tensor {
  return y.rank === 2
    ? tf.matMul(y as tf.Tensor2D, K as tf.Tensor2D)
    : tf.conv2d(y as tf.Tensor4D, K as tf.Tensor4D, 1, 'same');
}

describe('parabolicDynamics', () => {
  it.each([
    ['relu', 'dense'],
    ['tanh', 'dense'],
    ['relu', 'conv'],
    ['tanh', 'conv'],
  ] as const)('with %s on %s features is the negative gradient of Σ ψ(K Y + b)', (act, kind) => {
    const rng = Rng.fromSeed(11);
    tf.tidy(() => {
      const y = kind === 'dense' ? rng.normal([3, 5]) : rng.normal([2, 5, 4, 3]);
      const K = kind === 'dense' ? rng.normal([5, 7]) : rng.normal([3, 3, 3, 4], { std: 0.5 });
      const b = rng.normal([kind === 'dense' ? 7 : 4]);
      const f = parabolicDynamics({ activation: act })(0, y, { K, b });
      const grad = tf.grad((v: tf.Tensor) => tf.sum(potentials[act](tf.add(applyK(v, K), b))))(y);
      expect(f.shape).toEqual(y.shape);
      const err = tf.max(tf.abs(tf.add(f, grad))).dataSync()[0] as number;
      expect(err).toBeLessThan(1e-4 * (tf.max(tf.abs(grad)).dataSync()[0] as number));
    });
  });
});

/** The operator norm of each control slice (dense matrix or 'same' conv on the image size). */
function operatorNorms(K: tf.Tensor, image: readonly number[] | null): number[] {
  const slices = tf.unstack(K);
  const norms = slices.map((k) => {
    const r =
      image === null
        ? spectralNorm(k as tf.Tensor2D, { iterations: 500, tolerance: 1e-7 })
        : convSpectralNorm(k as tf.Tensor4D, {
            inputShape: [...image],
            iterations: 500,
            tolerance: 1e-7,
          });
    tf.dispose([r.u, r.v]);
    return r.sigma;
  });
  tf.dispose(slices);
  return norms;
}

describe('parabolic ODE block with forward Euler', () => {
  const cases = [1, 2, 3].flatMap((seed) =>
    (['relu', 'tanh'] as const).flatMap((activation) =>
      (['dense', 'conv'] as const).map((kind) => ({ seed, activation, kind })),
    ),
  );

  function setup(kind: 'dense' | 'conv', seed: number) {
    const input = kind === 'dense' ? [6] : [5, 5, 3];
    const probe = buildModel({
      input,
      layers: [{ type: 'ode', dynamics: 'parabolic', steps: 4 }],
    });
    const { params } = probe.init(seed);
    const K = (params.ode_0 as { K: tf.Tensor }).K;
    const b = (params.ode_0 as { b: tf.Tensor }).b;
    // random biases, so the activation pattern is not trivial
    const p = {
      ode_0: { K, b: tf.tidy(() => tf.add(b, Rng.fromSeed(seed + 100).normal(b.shape))) },
    };
    b.dispose();
    const maxNorm = Math.max(...operatorNorms(K, kind === 'dense' ? null : input.slice(0, 2)));
    return { input, params: p, maxNorm };
  }

  it.each(cases)(
    'never moves two inputs apart when h ≤ 2/‖K‖² ($kind, $activation, seed $seed)',
    ({ seed, activation, kind }) => {
      const { input, params, maxNorm } = setup(kind, seed);
      const steps = 4;
      const h = 1.8 / maxNorm ** 2;
      const model = buildModel({
        input,
        layers: [{ type: 'ode', dynamics: 'parabolic', steps, T: steps * h, activation }],
      });
      const rng = Rng.fromSeed(seed + 7);
      const y0 = rng.normal([4, ...input], { std: 2 });
      const y1 = tf.tidy(() => tf.add(y0, rng.normal([4, ...input], { std: 0.5 })));
      const a = model.apply(params, y0);
      const b = model.apply(params, y1);
      const before = distance(y0, y1);
      const after = distance(a.y, b.y);
      expect(after).toBeLessThanOrEqual(before * (1 + 1e-5));
      // the flow does act (it is not the identity)
      expect(distance(a.y, y0)).toBeGreaterThan(1e-3 * before);
      tf.dispose([y0, y1, a.y, b.y]);
      treeDispose(params as TensorTree);
    },
  );

  it.each(['dense', 'conv'] as const)(
    'can move them apart with a much larger step (counter-check, %s)',
    (kind) => {
      const { input, params, maxNorm } = setup(kind, 1);
      const steps = 2;
      const h = 20 / maxNorm ** 2;
      const model = buildModel({
        input,
        layers: [{ type: 'ode', dynamics: 'parabolic', steps, T: steps * h, activation: 'tanh' }],
      });
      // small states and zero bias: tanh is nearly linear, so the step matrix is ≈ I − h KᵀK
      const zeroBias = {
        ode_0: {
          K: (params.ode_0 as { K: tf.Tensor }).K,
          b: tf.zerosLike((params.ode_0 as { b: tf.Tensor }).b),
        },
      };
      const rng = Rng.fromSeed(3);
      const y0 = rng.normal([4, ...input], { std: 0.01 });
      const y1 = tf.tidy(() => tf.add(y0, rng.normal([4, ...input], { std: 0.01 })));
      const a = model.apply(zeroBias, y0);
      const b = model.apply(zeroBias, y1);
      expect(distance(a.y, b.y)).toBeGreaterThan(2 * distance(y0, y1));
      tf.dispose([y0, y1, a.y, b.y, zeroBias.ode_0.b]);
      treeDispose(params as TensorTree);
    },
  );
});

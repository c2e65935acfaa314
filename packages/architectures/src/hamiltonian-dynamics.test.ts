import { Rng, type TensorTree, treeDispose, valueAndGrad } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { distance, norm } from '../test/helpers.js';
import { hamiltonianDynamics } from './hamiltonian-dynamics.js';
import { buildModel } from './model.js';
import { hamiltonianFlow } from './ode-block.js';
import type { KernelWeights } from './resnet-dynamics.js';

function applyK(y: tf.Tensor, K: tf.Tensor): tf.Tensor {
  return y.rank === 2
    ? tf.matMul(y as tf.Tensor2D, K as tf.Tensor2D)
    : tf.conv2d(y as tf.Tensor4D, K as tf.Tensor4D, 1, 'same');
}

describe('hamiltonianDynamics', () => {
  it.each(['dense', 'conv'] as const)(
    'dq = ∇Φ(p), dp = −∇Φ(q) with Φ(x) = Σ ½ relu(K x + b)² (%s)',
    (kind) => {
      const rng = Rng.fromSeed(2);
      tf.tidy(() => {
        const x = kind === 'dense' ? rng.normal([3, 4]) : rng.normal([2, 4, 4, 2]);
        const K = kind === 'dense' ? rng.normal([4, 5]) : rng.normal([3, 3, 2, 3]);
        const b = rng.normal([kind === 'dense' ? 5 : 3]);
        const grad = tf.grad((v: tf.Tensor) =>
          tf.sum(tf.mul(0.5, tf.square(tf.relu(tf.add(applyK(v, K), b))))),
        )(x);
        const f = hamiltonianDynamics();
        const scale = tf.max(tf.abs(grad)).dataSync()[0] as number;
        expect(tf.max(tf.abs(tf.sub(f.dq(0, x, { K, b }), grad))).dataSync()[0]).toBeLessThan(
          1e-5 * scale,
        );
        expect(tf.max(tf.abs(tf.add(f.dp(0, x, { K, b }), grad))).dataSync()[0]).toBeLessThan(
          1e-5 * scale,
        );
      });
    },
  );
});

describe('Hamiltonian ODE block', () => {
  const cases = [
    { kind: 'dense', interpolation: 'constant', steps: 8, controls: 8 },
    { kind: 'dense', interpolation: 'linear', steps: 12, controls: 4 },
    { kind: 'conv', interpolation: 'constant', steps: 8, controls: 4 },
  ] as const;

  function setup(
    kind: 'dense' | 'conv',
    interpolation: 'constant' | 'linear',
    steps: number,
    controls: number,
  ) {
    const input = kind === 'dense' ? [5] : [4, 4, 2];
    const model = buildModel({
      input,
      layers: [
        {
          type: 'ode',
          dynamics: 'hamiltonian',
          steps,
          controls,
          interpolation,
          activation: 'tanh',
        },
      ],
    });
    const { params } = model.init(3);
    const x = Rng.fromSeed(9).normal([3, ...input]);
    return { model, params, x };
  }

  it.each(cases)(
    'runs backwards from its final { q, p } to the input ($kind, $interpolation, N=$steps, M=$controls)',
    ({ kind, interpolation, steps, controls }) => {
      const { model, params, x } = setup(kind, interpolation, steps, controls);
      const weights = params.ode_0 as KernelWeights;
      const p0 = tf.zerosLike(x);
      const end = hamiltonianFlow(
        weights,
        { q: x, p: p0 },
        { steps, interpolation, activation: 'tanh' },
      );
      // the layer's output is q(T) of this flow
      const { y } = model.apply(params, x);
      expect(distance(y, end.q)).toBeLessThan(1e-6 * norm(end.q));
      // the flow really moved the state
      expect(distance(end.q, x)).toBeGreaterThan(1e-2 * norm(x));
      const back = hamiltonianFlow(weights, end, {
        steps,
        interpolation,
        activation: 'tanh',
        reverse: true,
      });
      expect(distance(back.q, x)).toBeLessThan(1e-4 * norm(x));
      expect(norm(back.p)).toBeLessThan(1e-4 * norm(x));
      tf.dispose([x, p0, y, end.q, end.p, back.q, back.p]);
      treeDispose(params as TensorTree);
    },
  );

  it('counter-check: reversing with other weights does not recover the input', () => {
    const { params, x } = setup('dense', 'constant', 8, 8);
    const weights = params.ode_0 as KernelWeights;
    const p0 = tf.zerosLike(x);
    const end = hamiltonianFlow(weights, { q: x, p: p0 }, { steps: 8, activation: 'tanh' });
    const other = { K: tf.mul(weights.K, 1.5), b: weights.b };
    const back = hamiltonianFlow(other, end, { steps: 8, activation: 'tanh', reverse: true });
    expect(distance(back.q, x)).toBeGreaterThan(1e-2 * norm(x));
    tf.dispose([x, p0, end.q, end.p, back.q, back.p, other.K]);
    treeDispose(params as TensorTree);
  });

  it("gradient mode 'reversible' gives the backprop gradient", () => {
    const grads = (['backprop', 'reversible'] as const).map((gradient) => {
      const model = buildModel({
        input: [4],
        layers: [
          {
            type: 'ode',
            dynamics: 'hamiltonian',
            steps: 6,
            controls: 3,
            gradient,
            activation: 'tanh',
          },
        ],
      });
      const { params } = model.init(1);
      const x = Rng.fromSeed(2).normal([5, 4]);
      const { value, grads: g } = valueAndGrad((p: typeof params) =>
        tf.tidy(() => tf.sum(tf.square(model.apply(p, x).y)) as tf.Scalar),
      )(params);
      const flat = tf.tidy(() =>
        Array.from(
          tf
            .concat([
              tf.reshape((g.ode_0 as KernelWeights).K, [-1]),
              tf.reshape((g.ode_0 as KernelWeights).b, [-1]),
            ])
            .dataSync(),
        ),
      );
      tf.dispose([x, value]);
      treeDispose(g as TensorTree);
      treeDispose(params as TensorTree);
      return flat;
    });
    const [a, b] = grads as [number[], number[]];
    const scale = Math.max(...a.map(Math.abs));
    expect(scale).toBeGreaterThan(1e-3);
    a.forEach((v, i) => {
      expect(Math.abs(v - (b[i] as number))).toBeLessThan(1e-4 * scale);
    });
  });
});

import { DTypeError, ShapeError, StateError, StructureError, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { values } from '../test/helpers.js';
import type { GradientMode } from './gradient-mode.js';
import { solve } from './solve.js';

const decay = (_t: number, y: tf.Tensor): tf.Tensor => tf.neg(y);

describe('solve: options are validated at the boundary', () => {
  const cases: [string, Record<string, unknown>, RegExp, unknown][] = [
    [
      'unknown method',
      { method: 'rk5', steps: 4 },
      /method: unknown 'rk5'; expected one of 'euler', 'midpoint', 'heun', 'rk4', 'dopri5', 'leapfrog'/,
      ValueError,
    ],
    ['steps and dt', { steps: 4, dt: 0.1 }, /either steps .* or dt .* not both/, ValueError],
    ['neither steps nor dt', {}, /method 'rk4' takes fixed steps: give steps .* or dt/, ValueError],
    ['bad steps', { steps: 2.5 }, /steps/, ValueError],
    ['bad dt', { dt: -0.1 }, /dt/, ValueError],
    [
      'params and controls',
      { steps: 4, params: { a: 1 }, controls: { values: {} } },
      /either params .* or controls .* not both/,
      ValueError,
    ],
    [
      'saveAt outside',
      { steps: 4, saveAt: [0.5, 1.5] },
      /saveAt\[1\] = 1.5 is outside the interval \[0, 1\]/,
      ValueError,
    ],
    [
      'saveAt unsorted',
      { steps: 4, saveAt: [0.5, 0.25] },
      /saveAt must be strictly increasing/,
      ValueError,
    ],
    [
      'saveAt off the grid',
      { steps: 4, saveAt: [0.3] },
      /saveAt\[0\] = 0.3 is not on the step grid .* use method 'dopri5'/,
      ValueError,
    ],
    [
      'leapfrog with a plain f',
      { method: 'leapfrog', steps: 4 },
      /'leapfrog' needs PartitionedDynamics/,
      ValueError,
    ],
    [
      'adaptive settings with a fixed-step method',
      { steps: 4, adaptive: { rtol: 1e-3 } },
      /adaptive applies to adaptive solves only .* use method 'dopri5'/,
      ValueError,
    ],
    [
      'unknown option',
      { steps: 4, stepz: 3 },
      /unknown option\(s\) 'stepz'; allowed: f, y0, t0, t1, steps/,
      ValueError,
    ],
    [
      'unknown gradient',
      { steps: 4, gradient: 'magic' },
      /gradient: unknown mode 'magic'; expected one of 'backprop', 'checkpoint', 'adjoint', 'reversible'/,
      ValueError,
    ],
    [
      'a checkpoint spacing with another mode',
      { steps: 4, gradient: { mode: 'adjoint', every: 2 } },
      /gradient: 'every' does not apply to mode 'adjoint' \('every' belongs to 'checkpoint'\)/,
      ValueError,
    ],
    ['empty interval', { steps: 4, t1: 0 }, /t0 and t1 are both 0/, ValueError],
    [
      'bad controller',
      { method: 'dopri5', adaptive: { controller: { safety: 2 } } },
      /controller.safety/,
      ValueError,
    ],
    ['negative rtol', { method: 'dopri5', adaptive: { rtol: -1 } }, /rtol/, ValueError],
    [
      'unknown adaptive setting',
      { method: 'dopri5', adaptive: { rtl: 1e-3 } },
      /adaptive: unknown key\(s\) 'rtl'; allowed: rtol, atol/,
      ValueError,
    ],
    [
      'a checkpoint spacing of 0',
      { steps: 4, gradient: { mode: 'checkpoint', every: 0 } },
      /gradient.every/,
      ValueError,
    ],
    [
      'a PI memory too large for the pair',
      { method: 'dopri5', adaptive: { controller: { beta: 0.3 } } },
      /controller.beta: 0.3 is too large for an embedded pair of order 4/,
      ValueError,
    ],
  ];

  it.each(cases)('%s', (_label, options, message, type) => {
    const y0 = tf.ones([2, 1]);
    try {
      expect(() => solve({ f: decay, y0, ...options } as never)).toThrow(type as typeof Error);
      expect(() => solve({ f: decay, y0, ...options } as never)).toThrow(message);
    } finally {
      y0.dispose();
    }
  });

  it('rejects a non-float32 state, a disposed state, a missing f and a partitioned state that is not { q, p }', () => {
    const ints = tf.tensor1d([1, 2], 'int32');
    expect(() => solve({ f: decay, y0: ints, steps: 2 })).toThrow(DTypeError);
    ints.dispose();
    expect(() => solve({ f: decay, y0: ints, steps: 2 })).toThrow(/already disposed/);
    const y = tf.ones([1]);
    expect(() => solve({ f: 3 as never, y0: y, steps: 2 })).toThrow(/f: expected a function/);
    expect(() =>
      solve({ f: { dq: (_t, p) => p, dp: (_t, q) => q }, y0: { x: y } as never, steps: 2 }),
    ).toThrow(StructureError);
    y.dispose();
  });

  it('reports a right-hand side that returns the wrong shape, naming the leaf', () => {
    const y0 = tf.ones([2, 3]);
    expect(() => solve({ f: (_t, y) => tf.sum(y, 1), y0, steps: 2 })).toThrow(ShapeError);
    expect(() => solve({ f: (_t, y) => tf.sum(y, 1), y0, steps: 2 })).toThrow(
      /derivative leaf 0 has shape \[2\] but the state leaf has \[2, 3\]/,
    );
    y0.dispose();
  });
});

describe('solve: what it computes', () => {
  it('batched states and pytrees: each leaf is integrated (y′ = −y, z′ = 2z)', () => {
    tf.tidy(() => {
      const { y } = solve({
        f: (_t, s: { a: tf.Tensor; b: [tf.Tensor] }) => ({
          a: tf.neg(s.a),
          b: [tf.mul(s.b[0], 2)] as [tf.Tensor],
        }),
        y0: {
          a: tf.tensor2d([
            [1, 2],
            [3, 4],
          ]),
          b: [tf.ones([3])] as [tf.Tensor],
        },
        steps: 20,
      });
      values(y.a).forEach((v, i) => {
        expect(v).toBeCloseTo((i + 1) * Math.exp(-1), 5);
      });
      values(y.b[0]).forEach((v) => {
        expect(v).toBeCloseTo(Math.exp(2), 4);
      });
    });
  });

  it('dt gives ceil(|T|/dt) equal steps ending exactly at t1', () => {
    tf.tidy(() => {
      const { stats, ys } = solve({
        f: decay,
        y0: tf.ones([1]),
        t1: 1,
        dt: 0.3,
        method: 'euler',
        saveAt: [0.5, 1],
      });
      expect(stats.steps).toBe(4);
      expect(values(ys[0] as tf.Tensor)[0]).toBeCloseTo(0.75 ** 2, 6);
      expect(values(ys[1] as tf.Tensor)[0]).toBeCloseTo(0.75 ** 4, 6);
    });
  });

  it('integrates backwards in time with fixed steps (t1 < t0)', () => {
    tf.tidy(() => {
      const { y, ys, ts } = solve({
        f: (t, y) => tf.mul(y, Math.cos(t)),
        y0: tf.scalar(Math.exp(Math.sin(2))),
        t0: 2,
        t1: 0,
        steps: 40,
        saveAt: [1.5, 0.5],
      });
      expect(ts).toEqual([1.5, 0.5]);
      expect(values(y)[0]).toBeCloseTo(1, 5);
      expect(values(ys[0] as tf.Tensor)[0]).toBeCloseTo(Math.exp(Math.sin(1.5)), 5);
      expect(values(ys[1] as tf.Tensor)[0]).toBeCloseTo(Math.exp(Math.sin(0.5)), 5);
    });
  });

  it('saveAt may include t0 and t1; the outputs are separate tensors the caller owns', () => {
    const y0 = tf.ones([2]);
    const { y, ys } = solve({ f: decay, y0, steps: 4, saveAt: [0, 1] });
    expect(ys[0]).not.toBe(y0);
    expect(ys[1]).not.toBe(y);
    expect(values(ys[0] as tf.Tensor)).toEqual([1, 1]);
    expect(values(ys[1] as tf.Tensor)).toEqual(values(y));
    tf.dispose([y, ...ys, y0]);
  });

  it('partitioned dynamics can also be integrated with an RK method', () => {
    tf.tidy(() => {
      const { y } = solve({
        f: { dq: (_t, p: tf.Tensor) => p, dp: (_t, q: tf.Tensor) => tf.neg(q) },
        y0: { q: tf.scalar(1), p: tf.scalar(0) },
        t1: Math.PI / 2,
        steps: 20,
        method: 'rk4',
      });
      expect(values(y.q)[0]).toBeCloseTo(0, 5);
      expect(values(y.p)[0]).toBeCloseTo(-1, 5);
    });
  });

  it('f may return its input, a parameter or a captured tensor: the solver never disposes them', () => {
    const c = tf.ones([2]);
    const y0 = tf.ones([2]);
    const a = tf.scalar(0.5);
    for (const method of ['euler', 'dopri5'] as const) {
      const r1 = solve({ f: (_t, y) => y, y0, steps: 2, method });
      const r2 = solve({ f: () => c, y0, steps: 2, method });
      const r3 = solve({
        f: (_t, _y, p: { a: tf.Tensor }) => tf.broadcastTo(p.a, [2]),
        y0,
        params: { a },
        steps: 2,
        method,
      });
      tf.dispose([r1.y, r2.y, r3.y]);
    }
    expect(c.isDisposed || y0.isDisposed || a.isDisposed).toBe(false);
    tf.dispose([c, y0, a]);
  });
});

describe('solve: training through a solve', () => {
  it.each(['backprop', 'checkpoint', 'adjoint'] as const)(
    '%s: gradient descent on a tf.variable learns y′ = a y with y(1) = e^{−1}',
    (gradient) => {
      const a = tf.tidy(() => tf.variable(tf.scalar(0.5)));
      const y0 = tf.ones([4, 1]);
      const target = tf.fill([4, 1], Math.exp(-1));
      try {
        for (let i = 0; i < 60; i++) {
          tf.tidy(() => {
            const { value, grads } = tf.variableGrads(() => {
              const { y } = solve({
                f: (_t, x: tf.Tensor, p: { a: tf.Tensor }) => tf.mul(x, p.a),
                y0,
                params: { a },
                steps: 8,
                gradient,
              });
              return tf.mean(tf.square(tf.sub(y, target))) as tf.Scalar;
            }, [a]);
            a.assign(tf.sub(a, tf.mul(grads[a.name] as tf.Tensor, 0.5)));
            value.dispose();
          });
        }
        // RK4 with 8 steps is accurate to ~1e-6 here, so a → −1.
        expect(a.dataSync()[0]).toBeCloseTo(-1, 3);
      } finally {
        tf.dispose([a, y0, target]);
      }
    },
  );
});

describe('solve: no tensor is left behind', () => {
  const modes: [GradientMode, 'rk4' | 'dopri5' | 'leapfrog'][] = [
    ['backprop', 'rk4'],
    ['checkpoint', 'rk4'],
    ['adjoint', 'rk4'],
    ['backprop', 'dopri5'],
    ['checkpoint', 'dopri5'],
    ['adjoint', 'dopri5'],
    ['backprop', 'leapfrog'],
    ['checkpoint', 'leapfrog'],
    ['adjoint', 'leapfrog'],
    ['reversible', 'leapfrog'],
  ];

  it.each(modes)(
    '%s / %s: after the solve and after a gradient, tf.memory() is back where it was',
    (gradient, method) => {
      const K = tf.tensor2d([
        [0.3, -0.2],
        [0.5, 0.1],
      ]);
      const controls = { values: { K: tf.tidy(() => tf.stack([K, tf.neg(K), K])) } };
      const y0 = tf.tensor2d([[1, -1]]);
      const p0 = tf.tensor2d([[0.5, 0.25]]);
      const before = tf.memory().numTensors;
      const run = (q: tf.Tensor, p: tf.Tensor, k: tf.Tensor) => {
        const options = {
          controls: { values: { K: k } },
          gradient,
          saveAt: [0.5],
          ...(method === 'dopri5' ? { method, adaptive: { rtol: 1e-4 } } : { method, steps: 8 }),
        };
        if (method === 'leapfrog') {
          const r = solve({
            f: {
              dq: (_t, x: tf.Tensor, c: { K: tf.Tensor }) => tf.tanh(tf.matMul(x, c.K)),
              dp: (_t, x: tf.Tensor, c: { K: tf.Tensor }) =>
                tf.neg(tf.tanh(tf.matMul(x, c.K, false, true))),
            },
            y0: { q, p },
            ...options,
          });
          return [r.y.q, r.y.p, (r.ys[0] as { q: tf.Tensor }).q, (r.ys[0] as { p: tf.Tensor }).p];
        }
        const r = solve({
          f: (_t, x: tf.Tensor, c: { K: tf.Tensor }) => tf.tanh(tf.matMul(x, c.K)),
          y0: tf.add(q, p),
          ...options,
        });
        return [r.y, ...r.ys];
      };
      try {
        const outs = tf.tidy(() => run(y0, p0, controls.values.K).map((o) => tf.keep(o)));
        expect(tf.memory().numTensors).toBe(before + outs.length);
        tf.dispose(outs);
        expect(tf.memory().numTensors).toBe(before);
        const grads = tf.grads(
          (q: tf.Tensor, p: tf.Tensor, k: tf.Tensor) =>
            tf.addN(run(q, p, k).map((o) => tf.sum(tf.square(o)))) as tf.Scalar,
        )([y0, p0, controls.values.K]);
        expect(grads.map((g) => g.shape)).toEqual([
          [1, 2],
          [1, 2],
          [3, 2, 2],
        ]);
        expect(tf.memory().numTensors).toBe(before + grads.length);
        tf.dispose(grads);
        expect(tf.memory().numTensors).toBe(before);
      } finally {
        tf.dispose([K, controls.values.K, y0, p0]);
      }
    },
  );

  it('explains a closure tensor disposed before the backward pass', () => {
    const y0 = tf.ones([2]);
    const a = tf.scalar(0.5);
    let caught: unknown;
    try {
      const g = tf.grad((x: tf.Tensor) => {
        const w = tf.mul(a, 2); // created in the forward scope, released before the backward pass
        return tf.sum(
          solve({ f: (_t, y) => tf.mul(y, w), y0: x, steps: 4, gradient: 'checkpoint' }).y,
        );
      })(y0);
      g.dispose();
    } catch (e) {
      caught = e;
    }
    // A failed backward pass leaves the tape's saved tensors to the caller in TF.js.
    for (const node of tf.engine().state.activeTape ?? [])
      for (const t of node.saved ?? []) t.dispose();
    tf.dispose([y0, a]);
    expect(caught).toBeInstanceOf(StateError);
    expect((caught as Error).message).toMatch(/pass them through params or controls/);
  });
});

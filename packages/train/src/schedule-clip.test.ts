import { ConfigError, treeDispose } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { clipByGlobalNorm } from './clip.js';
import { schedule } from './schedule.js';

const at = (epoch: number, batch = 0, batchesPerEpoch = 10, epochs = 10) => ({
  epoch,
  batch,
  batchesPerEpoch,
  epochs,
});

describe('learning-rate schedules', () => {
  it('evaluate their formulas', () => {
    expect(schedule(0.3)(at(5))).toBe(0.3);
    const step = schedule({ type: 'step', lr: 0.1, factor: 0.5, every: 2 });
    expect(step(at(0))).toBeCloseTo(0.1, 12);
    expect(step(at(1, 9))).toBeCloseTo(0.1, 12);
    expect(step(at(2))).toBeCloseTo(0.05, 12);
    expect(step(at(5))).toBeCloseTo(0.025, 12);
    const exp = schedule({ type: 'exponential', lr: 1, decay: 0.9 });
    expect(exp(at(2, 5))).toBeCloseTo(0.9 ** 2.5, 12);
    const cos = schedule({ type: 'cosine', lr: 0.2, final: 0.02, warmup: 2 });
    expect(cos(at(1))).toBeCloseTo(0.1, 12); // half-way through warm-up
    expect(cos(at(2))).toBeCloseTo(0.2, 12); // peak
    expect(cos(at(6))).toBeCloseTo((0.2 + 0.02) / 2, 12); // half-way through the cosine
    expect(cos(at(10))).toBeCloseTo(0.02, 12);
  });

  it('reject invalid configurations with the field name', () => {
    expect(() => schedule({ type: 'linear', lr: 1 } as never)).toThrow(ConfigError);
    expect(() => schedule({ type: 'linear', lr: 1 } as never)).toThrow(
      /type: unknown "linear"; expected one of 'constant', 'step'/,
    );
    expect(() => schedule({ type: 'step', lr: 0.1, factor: 0, every: 1 })).toThrow(/factor/);
    expect(() => schedule({ type: 'constant', lr: -1 })).toThrow(
      /lr: expected a finite number >= 0/,
    );
  });
});

describe('clipping by global norm', () => {
  it('rescales to norm τ when above and keeps the direction; leaves small gradients alone', () => {
    const grads = { a: tf.tensor1d([3, 0]), b: [tf.tensor1d([0, 4])] }; // ‖g‖ = 5
    const { grads: clipped, norm } = clipByGlobalNorm(grads, 1);
    expect(norm).toBeCloseTo(5, 6);
    expect(Array.from(clipped.a.dataSync())).toEqual([expect.closeTo(0.6, 6), 0]);
    expect(Array.from(clipped.b[0]!.dataSync())).toEqual([0, expect.closeTo(0.8, 6)]);
    const { grads: same, norm: n2 } = clipByGlobalNorm(grads, 10);
    expect(n2).toBeCloseTo(5, 6);
    expect(Array.from(same.a.dataSync())).toEqual([3, 0]);
    treeDispose([grads, clipped, same]);
    expect(() => clipByGlobalNorm(grads, 0)).toThrow(/maxNorm/);
  });
});

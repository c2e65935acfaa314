import { Rng, StructureError, type TensorTree, treeDispose, ValueError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { naiveConvSame } from '../test/helpers.js';
import type { LayerConfig } from './layer-config.js';
import { buildModel } from './model.js';

function single(input: number[], layer: LayerConfig) {
  return buildModel({ input, layers: [layer] });
}

describe('shapes of the plain layers', () => {
  it.each([
    [[28, 28, 1], { type: 'conv', channels: 16 }, [28, 28, 16]],
    [[28, 28, 1], { type: 'conv', channels: 4, stride: 2 }, [14, 14, 4]],
    [[7, 7, 3], { type: 'conv', channels: 2, stride: 2 }, [4, 4, 2]],
    [[7, 7, 3], { type: 'conv', channels: 2, kernelSize: 3, padding: 'valid' }, [5, 5, 2]],
    [[28, 28, 2], { type: 'pool', mode: 'avg', size: 2 }, [14, 14, 2]],
    [[7, 7, 2], { type: 'pool', mode: 'max', size: 2 }, [3, 3, 2]],
    [[7, 7, 2], { type: 'pool', mode: 'max', size: 2, padding: 'same' }, [4, 4, 2]],
    [[5, 6, 3], { type: 'global-pool', mode: 'avg' }, [3]],
    [[5, 6, 3], { type: 'flatten' }, [90]],
    [[12], { type: 'dense', units: 5, activation: 'selu' }, [5]],
    [[12], { type: 'batchnorm' }, [12]],
    [[4, 4, 3], { type: 'batchnorm' }, [4, 4, 3]],
    [[4, 4, 3], { type: 'dropout', rate: 0.5 }, [4, 4, 3]],
    [[4, 4, 3], { type: 'activation', activation: 'selu' }, [4, 4, 3]],
    [[4, 4, 3], { type: 'ode', dynamics: 'resnet2', steps: 2, hidden: 5 }, [4, 4, 3]],
    [[4, 4, 3], { type: 'fractal', columns: 3, channels: 6 }, [4, 4, 6]],
  ] as [number[], LayerConfig, number[]][])('%j with %j → %j', (input, layer, output) => {
    const model = single(input, layer);
    expect(model.outputShape).toEqual(output);
    const { params, state } = model.init(0);
    const x = Rng.fromSeed(1).normal([2, ...input]);
    const { y, state: next } = model.apply(params, x, {
      state,
      training: true,
      rng: Rng.fromSeed(2),
    });
    expect(y.shape).toEqual([2, ...output]);
    tf.dispose([x, y]);
    treeDispose(params as TensorTree);
    treeDispose(state as TensorTree);
    treeDispose(next as TensorTree);
  });
});

describe('conv, dense, pool, flatten', () => {
  it('conv computes σ(conv2d(x, K) + b) like a loop convolution', () => {
    const model = single([5, 4, 2], { type: 'conv', channels: 3, activation: 'relu' });
    const { params } = model.init(3);
    const { K, b } = params.conv_0 as { K: tf.Tensor4D; b: tf.Tensor };
    const x = Rng.fromSeed(1).normal([2, 5, 4, 2]) as tf.Tensor4D;
    const { y } = model.apply(params, x);
    const ref = tf.tidy(() => tf.relu(tf.add(tf.tensor4d(naiveConvSame(x, K)), b)));
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(y, ref))).dataSync()[0])).toBeLessThan(1e-5);
    tf.dispose([x, y, ref]);
    treeDispose(params as TensorTree);
  });

  it('flatten is row-major over [H, W, C] and dense is x W + b', () => {
    const model = buildModel({
      input: [2, 2, 2],
      layers: [{ type: 'flatten' }, { type: 'dense', units: 1, useBias: false }],
    });
    // W picks entry (i·W + j)·C + c = (1·2 + 0)·2 + 1 = 5: pixel (1, 0), channel 1
    const W = tf.tensor2d([0, 0, 0, 0, 0, 1, 0, 0], [8, 1]);
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2]);
    const { y } = model.apply({ dense_1: { W } }, x);
    expect(y.dataSync()[0]).toBe(6);
    tf.dispose([W, x, y]);
  });

  it('average pooling halves the resolution by means of 2×2 blocks', () => {
    const model = single([2, 2, 1], { type: 'pool', mode: 'avg', size: 2 });
    const x = tf.tensor4d([1, 2, 3, 6], [1, 2, 2, 1]);
    const { y } = model.apply({}, x);
    expect(y.dataSync()[0]).toBe(3);
    tf.dispose([x, y]);
  });
});

describe('batch normalisation', () => {
  it('normalises per channel with batch statistics in training and updates the running ones', () => {
    const model = single([3, 3, 2], { type: 'batchnorm', momentum: 0.8 });
    const { params, state } = model.init(0);
    // channel 0 ~ N(5, 2²), channel 1 ~ N(−1, 0.5²)
    const x = tf.tidy(() => {
      const z = Rng.fromSeed(4).normal([16, 3, 3, 2]);
      return tf.add(tf.mul(z, tf.tensor1d([2, 0.5])), tf.tensor1d([5, -1]));
    });
    const { y, state: next } = model.apply(params, x, { training: true, state });
    const stats = (t: tf.Tensor) =>
      tf.tidy(() => {
        const m = tf.moments(t, [0, 1, 2]);
        return { mean: Array.from(m.mean.dataSync()), variance: Array.from(m.variance.dataSync()) };
      });
    const out = stats(y);
    const batch = stats(x);
    for (let c = 0; c < 2; c++) {
      expect(Math.abs(out.mean[c] as number)).toBeLessThan(1e-4);
      expect(out.variance[c]).toBeCloseTo(
        (batch.variance[c] as number) / ((batch.variance[c] as number) + 1e-5),
        4,
      );
    }
    const n = 16 * 9;
    const running = next.batchnorm_0 as { mean: tf.Tensor; variance: tf.Tensor };
    const rm = running.mean.dataSync();
    const rv = running.variance.dataSync();
    for (let c = 0; c < 2; c++) {
      // μ_run = 0.8·0 + 0.2·μ;  v_run = 0.8·1 + 0.2·v·n/(n − 1)
      expect(rm[c]).toBeCloseTo(0.2 * (batch.mean[c] as number), 4);
      expect(rv[c]).toBeCloseTo(0.8 + (0.2 * (batch.variance[c] as number) * n) / (n - 1), 4);
    }
    // evaluation uses the running statistics: y = (x − μ_run)/√(v_run + ε)
    const evalOut = model.apply(params, x, { training: false, state: next });
    const ref = tf.tidy(() =>
      tf.div(tf.sub(x, running.mean), tf.sqrt(tf.add(running.variance, 1e-5))),
    );
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(evalOut.y, ref))).dataSync()[0])).toBeLessThan(1e-4);
    // the state handed back is always new tensors (the trainer disposes the old one)
    const evalState = evalOut.state.batchnorm_0 as { mean: tf.Tensor };
    expect(evalState.mean).not.toBe(running.mean);
    tf.dispose([x, y, evalOut.y, ref]);
    for (const t of [params, state, next, evalOut.state]) treeDispose(t as TensorTree);
  });

  it('says what to do when the state is missing', () => {
    const model = single([3], { type: 'batchnorm' });
    const { params, state } = model.init(0);
    const x = tf.ones([2, 3]);
    expect(() => model.apply(params, x, { training: true })).toThrow(StructureError);
    tf.dispose(x);
    treeDispose(params as TensorTree);
    treeDispose(state as TensorTree);
  });
});

describe('dropout', () => {
  it('drops a fraction `rate` in training and scales the rest by 1/(1 − rate)', () => {
    const model = single([50, 40, 1], { type: 'dropout', rate: 0.3 });
    const x = tf.ones([5, 50, 40, 1]);
    const { y } = model.apply({}, x, { training: true, rng: Rng.fromSeed(1) });
    const values = y.dataSync();
    let zeros = 0;
    for (const v of values) {
      if (v === 0) zeros++;
      else expect(v).toBeCloseTo(1 / 0.7, 5);
    }
    const n = values.length;
    expect(Math.abs(zeros / n - 0.3)).toBeLessThan(4 * Math.sqrt((0.3 * 0.7) / n));
    tf.dispose([x, y]);
  });

  it('is the identity in evaluation, unless mcDropout keeps it on', () => {
    const x = tf.ones([4, 10]);
    const plain = single([10], { type: 'dropout', rate: 0.5 });
    const mc = single([10], { type: 'dropout', rate: 0.5, mcDropout: true });
    const a = plain.apply({}, x, { training: false });
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(a.y, x))).dataSync()[0])).toBe(0);
    const b = mc.apply({}, x, { training: false, rng: Rng.fromSeed(3) });
    const c = mc.apply({}, x, { training: false, rng: Rng.fromSeed(4) });
    expect(Array.from(b.y.dataSync()).some((v) => v === 0)).toBe(true);
    expect(Array.from(b.y.dataSync())).not.toEqual(Array.from(c.y.dataSync()));
    expect(() => mc.apply({}, x, { training: false })).toThrow(ValueError);
    tf.dispose([x, a.y, b.y, c.y]);
  });
});

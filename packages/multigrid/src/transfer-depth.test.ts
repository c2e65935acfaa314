import {
  buildModel,
  type ModelConfig,
  type ModelParams,
  toyConfig,
  w1Config,
  withSteps,
} from '@runge/architectures';
import { Rng, type TensorTree, treeDispose } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { prolongDepth, restrictDepth } from './transfer-depth.js';
import type { TransferredModel } from './transfer-model.js';

function values(t: tf.Tensor | TensorTree): number[] {
  return Array.from((t as tf.Tensor).dataSync());
}

function rows(t: tf.Tensor): number[][] {
  const [m] = t.shape as [number];
  const v = values(t);
  const size = v.length / m;
  return Array.from({ length: m }, (_, j) => v.slice(j * size, (j + 1) * size));
}

function odeOf(config: ModelConfig): { steps: number; controls: number } {
  const layer = buildModel(config).layers.find((l) => l.type === 'ode');
  return {
    steps: layer?.config.steps as number,
    controls: layer?.config.controls as number,
  };
}

/** A one-feature ODE block whose controls are the scalars `K[j]` (b = 0). */
function scalarOde(controls: number[], steps: number, interpolation: 'constant' | 'linear') {
  const config: ModelConfig = {
    input: [1],
    layers: [
      {
        type: 'ode',
        dynamics: 'resnet',
        activation: 'tanh',
        steps,
        controls: controls.length,
        interpolation,
      },
    ],
  };
  const params: ModelParams = {
    ode_0: {
      K: tf.tensor3d(controls, [controls.length, 1, 1]),
      b: tf.zeros([controls.length, 1]),
    },
  };
  return { config, params };
}

function dispose(...models: { params: ModelParams; state?: unknown }[]): void {
  for (const m of models) {
    treeDispose(m.params as TensorTree);
    if (m.state) treeDispose(m.state as TensorTree);
  }
}

describe('prolongDepth', () => {
  it('repeats piecewise-constant controls and doubles steps and controls', () => {
    const config = toyConfig({ steps: 4, width: 3 });
    const { params } = buildModel(config).init(1);
    const deep = prolongDepth({ config, params });
    expect(odeOf(deep.config)).toEqual({ steps: 8, controls: 8 });
    for (const key of ['K', 'b'] as const) {
      const before = rows((params.ode_1 as Record<string, tf.Tensor>)[key] as tf.Tensor);
      const after = rows((deep.params.ode_1 as Record<string, tf.Tensor>)[key] as tf.Tensor);
      expect(after).toEqual(before.flatMap((r) => [r, r]));
    }
    expect(values((deep.params.dense_0 as { W: tf.Tensor }).W)).toEqual(
      values((params.dense_0 as { W: tf.Tensor }).W),
    );
    dispose({ params }, deep);
  });

  it('interpolates piecewise-linear controls at the new midpoints (M → 2M − 1 nodes)', () => {
    const m = scalarOde([0, 1, 4], 4, 'linear');
    const deep = prolongDepth(m);
    expect(odeOf(deep.config)).toEqual({ steps: 8, controls: 5 });
    expect(values((deep.params.ode_0 as { K: tf.Tensor }).K)).toEqual([0, 0.5, 1, 2.5, 4]);
    dispose(m, deep);
  });

  it('keeps a decoupled (coarser) control grid under auto, refines it when asked', () => {
    const m = scalarOde([1, -1], 8, 'constant');
    const keep = prolongDepth(m);
    expect(odeOf(keep.config)).toEqual({ steps: 16, controls: 2 });
    expect(values((keep.params.ode_0 as { K: tf.Tensor }).K)).toEqual([1, -1]);
    const refine = prolongDepth(m, { controls: 'refine' });
    expect(odeOf(refine.config)).toEqual({ steps: 16, controls: 4 });
    expect(values((refine.params.ode_0 as { K: tf.Tensor }).K)).toEqual([1, 1, -1, -1]);
    dispose(m, keep, refine);
  });

  it('keeps the control function: the prolonged model is the original one run with 2N steps', () => {
    const config = toyConfig({ steps: 4, width: 4, dynamics: 'resnet', activation: 'tanh' });
    const { params } = buildModel(config).init(2);
    const x = Rng.fromSeed(3).normal([6, 2]);
    const deep = prolongDepth({ config, params });
    const a = buildModel(deep.config).apply(deep.params, x).y;
    const b = buildModel(withSteps(config, 8)).apply(params, x).y;
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number);
    expect(diff).toBeLessThan(1e-6);
    tf.dispose([x, a, b]);
    dispose({ params }, deep);
  });

  // Forward Euler has global error C·h: the outputs of N, 2N, 4N, 8N steps on the same
  // (piecewise-constant) control function differ by C·h/2 each time, so successive differences
  // shrink by a factor 2 (up to O(h²)), and the models converge to the ODE's solution.
  it.each([
    ['dense (toy)', toyConfig({ steps: 4, width: 4, activation: 'tanh' }), [8, 2]],
    [
      'convolutional (W1-like)',
      w1Config({ channels: 2, steps: 4, input: [6, 6, 1] }),
      [2, 6, 6, 1],
    ],
  ] as const)(
    '%s: N → 2N → 4N → 8N changes the output by O(h), converging at order 1',
    (_name, config, shape) => {
      const init = buildModel(config).init(4);
      const x = Rng.fromSeed(5).normal([...shape]);
      let model: TransferredModel = { config, params: init.params, state: init.state };
      const outputs: tf.Tensor[] = [];
      for (let level = 0; level < 4; level++) {
        outputs.push(buildModel(model.config).apply(model.params, x).y);
        const next = prolongDepth(model);
        dispose(model);
        model = next;
      }
      const d = outputs
        .slice(1)
        .map((y, i) =>
          tf.tidy(() => tf.norm(tf.sub(y, outputs[i] as tf.Tensor)).dataSync()[0] as number),
        );
      const size = tf.tidy(() => tf.norm(outputs[0] as tf.Tensor).dataSync()[0] as number);
      // O(h): the first change, relative to the output, is below h = T/N = ¼ (Euler's error
      // constant ½·T·|y''|/|y| is below 1 for these mildly nonlinear blocks)
      expect(d[0] as number).toBeGreaterThan(0);
      expect(d[0] as number).toBeLessThan(size / 4);
      for (let i = 1; i < d.length; i++) {
        const ratio = (d[i - 1] as number) / (d[i] as number);
        expect(ratio).toBeGreaterThan(1.6);
        expect(ratio).toBeLessThan(2.5);
      }
      tf.dispose([x, ...outputs]);
      dispose(model);
    },
  );
});

describe('restrictDepth', () => {
  it('averages pairs of piecewise-constant controls, or samples the first of each pair', () => {
    const m = scalarOde([1, 3, -2, 0], 4, 'constant');
    const avg = restrictDepth(m);
    expect(odeOf(avg.config)).toEqual({ steps: 2, controls: 2 });
    expect(values((avg.params.ode_0 as { K: tf.Tensor }).K)).toEqual([2, -1]);
    const sample = restrictDepth(m, { method: 'sample' });
    expect(values((sample.params.ode_0 as { K: tf.Tensor }).K)).toEqual([1, -2]);
    dispose(m, avg, sample);
  });

  it('applies full weighting in time to piecewise-linear controls', () => {
    // nodes at t = 0, ¼, ½, ¾, 1 → 0, ½, 1: weights [⅔, ⅓], [¼, ½, ¼], [⅓, ⅔] (hat functions of
    // half-width ½ at the old nodes, normalised)
    const m = scalarOde([0, 1, 4, 9, 16], 8, 'linear');
    const avg = restrictDepth(m);
    expect(odeOf(avg.config)).toEqual({ steps: 4, controls: 3 });
    const got = values((avg.params.ode_0 as { K: tf.Tensor }).K);
    [1 / 3, 1 / 4 + 2 + 9 / 4, 9 / 3 + 32 / 3].forEach((v, i) => {
      expect(got[i]).toBeCloseTo(v, 5);
    });
    const sample = restrictDepth(m, { method: 'sample' });
    expect(values((sample.params.ode_0 as { K: tf.Tensor }).K)).toEqual([0, 4, 16]);
    dispose(m, avg, sample);
  });

  it.each([
    ['constant', 'average'],
    ['constant', 'sample'],
    ['linear', 'sample'],
  ] as const)('undoes prolongDepth exactly (%s controls, %s)', (interpolation, method) => {
    const m = scalarOde([0.5, -1, 2, 0.25], 4, interpolation);
    const deep = prolongDepth(m);
    const back = restrictDepth(deep, { method });
    expect(back.config).toEqual(buildModel(m.config).config);
    const got = values((back.params.ode_0 as { K: tf.Tensor }).K);
    [0.5, -1, 2, 0.25].forEach((v, i) => {
      expect(got[i]).toBeCloseTo(v, 6);
    });
    dispose(m, deep, back);
  });

  it('rejects odd steps, non-ODE layer names and models without ODE blocks', () => {
    const m = scalarOde([1, 2, 3], 3, 'constant');
    expect(() => restrictDepth(m)).toThrow(/'ode_0' has 3 steps, an odd number/);
    expect(() => prolongDepth(m, { layers: ['dense_9'] })).toThrow(
      /'dense_9' is not an ODE layer of this model; ODE layers: 'ode_0'/,
    );
    dispose(m);
    const config: ModelConfig = { input: [2], layers: [{ type: 'dense', units: 2 }] };
    const { params } = buildModel(config).init(1);
    expect(() => prolongDepth({ config, params })).toThrow(/no ODE layer/);
    dispose({ params });
  });
});

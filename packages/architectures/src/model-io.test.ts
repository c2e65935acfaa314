import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigError,
  DataError,
  Rng,
  ShapeError,
  StructureError,
  saveTrees,
  type TensorTree,
  treeDispose,
  treeEntries,
} from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelConfig } from './layer-config.js';
import { buildModel } from './model.js';
import { loadModel, saveModel } from './model-io.js';
import { toyConfig, w1Config } from './presets.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'runge-arch-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const config: ModelConfig = {
  name: 'io',
  input: [6, 6, 1],
  layers: [
    { type: 'conv', channels: 2, activation: 'relu' },
    { type: 'batchnorm' },
    { type: 'ode', dynamics: 'resnet', steps: 4, controls: 2 },
    { type: 'fractal', columns: 2 },
    { type: 'flatten' },
    { type: 'dense', units: 3 },
  ],
};

function values(tree: unknown): Record<string, number[]> {
  return Object.fromEntries(
    treeEntries(tree as TensorTree).map(([p, t]) => [p, Array.from(t.dataSync())]),
  );
}

describe('saveModel / loadModel', () => {
  it('round-trips the config, parameters and state exactly', async () => {
    const model = buildModel(config);
    const { params, state } = model.init(7);
    // a training step changes the batch-norm state away from its initial values
    const x = Rng.fromSeed(1).normal([4, 6, 6, 1]);
    const { y, state: trained } = model.apply(params, x, {
      training: true,
      state,
      rng: Rng.fromSeed(2),
    });
    const file = join(dir, 'model.runge');
    const bytes = await saveModel(file, config, { params, state: trained }, { meta: { epoch: 3 } });
    expect(bytes).toBeGreaterThan(0);
    const loaded = await loadModel(file);
    expect(loaded.config).toEqual(config);
    expect(loaded.meta).toEqual({ epoch: 3 });
    expect(values(loaded.params)).toEqual(values(params));
    expect(values(loaded.state)).toEqual(values(trained));
    expect(loaded.model.parameterCount).toBe(model.parameterCount);
    // the loaded model computes what the original does
    const a = model.apply(params, x, { state: trained });
    const b = loaded.model.apply(loaded.params, x, { state: loaded.state });
    expect(Array.from(b.y.dataSync())).toEqual(Array.from(a.y.dataSync()));
    tf.dispose([x, y, a.y, b.y]);
    for (const t of [params, state, trained, loaded.params, loaded.state, a.state, b.state]) {
      treeDispose(t as TensorTree);
    }
  });

  it('refuses to save parameters that do not belong to the config', async () => {
    const { params } = buildModel(toyConfig({ steps: 8 })).init(0);
    const file = join(dir, 'never.runge');
    await expect(saveModel(file, toyConfig({ width: 4 }), { params })).rejects.toThrow(ShapeError);
    await expect(readFile(file)).rejects.toThrow();
    treeDispose(params as TensorTree);
  });

  it('rejects a file whose trees do not fit its config, naming the entry, and leaks nothing', async () => {
    const model = buildModel(w1Config({ channels: 2, steps: 2, input: [8, 8, 1] }));
    const { params } = model.init(0);
    const bigger = w1Config({ channels: 2, steps: 3, input: [8, 8, 1] });
    const meta = { format: 'runge-model', version: 1, config: bigger, meta: null };
    const file = join(dir, 'mismatch.runge');
    await saveTrees(file, { trees: { params, state: {} }, meta: meta as never });
    const before = tf.memory().numTensors;
    await expect(loadModel(file)).rejects.toThrow(ShapeError);
    await expect(loadModel(file)).rejects.toThrow(
      /params\.ode_1\.K: expected shape \[3, 3, 3, 2, 2\], got \[2, 3, 3, 2, 2\]/,
    );
    expect(tf.memory().numTensors).toBe(before);
    // a missing layer is a structure error
    const { dense_4: _, ...partial } = params;
    await saveTrees(file, {
      trees: { params: partial, state: {} },
      meta: { ...meta, config: w1Config({ channels: 2, steps: 2, input: [8, 8, 1] }) } as never,
    });
    await expect(loadModel(file)).rejects.toThrow(StructureError);
    await expect(loadModel(file)).rejects.toThrow(/missing entry 'dense_4'/);
    expect(tf.memory().numTensors).toBe(before);
    treeDispose(params as TensorTree);
  });

  it('rejects files that are not saved models, and invalid stored configs', async () => {
    const file = join(dir, 'other.ckpt');
    const t = tf.zeros([2]);
    await saveTrees(file, { trees: { params: { t } }, meta: { format: 'runge-fit' } });
    await expect(loadModel(file)).rejects.toThrow(DataError);
    await saveTrees(file, {
      trees: { params: { t } },
      meta: {
        format: 'runge-model',
        version: 1,
        config: { input: [2], layers: [{ type: 'rnn' }] },
        meta: null,
      },
    });
    await expect(loadModel(file)).rejects.toThrow(ConfigError);
    await expect(loadModel(join(dir, 'missing.runge'))).rejects.toThrow(DataError);
    t.dispose();
  });
});

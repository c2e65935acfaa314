// A user's TF.js layers model as φ: saved the standard way to a folder and read back with Node's file system, its features are the model's own intermediate outputs; bad folders, layers and inputs are clear errors; a style flow under it lowers the style loss.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFeatureModel } from './feature-model.js';
import { stylizeFiles } from './stylize-files.js';

const layers = createRequire(import.meta.url)('@tensorflow/tfjs-layers') as typeof tfl;

/** Saves a layers model as `model.save` does to files: `model.json` and one `weights.bin`. */
async function save(model: tfl.LayersModel, dir: string): Promise<void> {
  await model.save({
    async save(artifacts) {
      const weights = artifacts.weightData as ArrayBuffer;
      await writeFile(join(dir, 'weights.bin'), new Uint8Array(weights));
      const json = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      await writeFile(join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    },
  });
}

/** A seeded Glorot-uniform initialiser: the same weights in every run. */
const seeded = (seed: number) => layers.initializers.glorotUniform({ seed });

/** conv c1 (4 maps) → max-pool p1 → conv c2 (6 maps) → global average → dense, on `channels`-channel images. */
function tinyModel(channels: number): tfl.LayersModel {
  const input = layers.input({ shape: [null, null, channels] });
  const c1 = layers.layers
    .conv2d({
      name: 'c1',
      filters: 4,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: seeded(1),
    })
    .apply(input) as tfl.SymbolicTensor;
  const p1 = layers.layers
    .maxPooling2d({ name: 'p1', poolSize: 2 })
    .apply(c1) as tfl.SymbolicTensor;
  const c2 = layers.layers
    .conv2d({
      name: 'c2',
      filters: 6,
      kernelSize: 3,
      padding: 'same',
      activation: 'tanh',
      kernelInitializer: seeded(2),
    })
    .apply(p1) as tfl.SymbolicTensor;
  const g = layers.layers.globalAveragePooling2d({ name: 'gap' }).apply(c2) as tfl.SymbolicTensor;
  const out = layers.layers
    .dense({ name: 'head', units: 2, kernelInitializer: seeded(3) })
    .apply(g) as tfl.SymbolicTensor;
  return layers.model({ inputs: input, outputs: out });
}

describe('feature model', () => {
  let dir = '';
  let grey = '';
  let model: tfl.LayersModel;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'runge-phi-'));
    grey = await mkdtemp(join(tmpdir(), 'runge-phi-grey-'));
    model = tinyModel(3);
    await save(model, dir);
    const one = tinyModel(1);
    await save(one, grey);
    one.dispose();
  });

  afterAll(async () => {
    model.dispose();
    await rm(dir, { recursive: true, force: true });
    await rm(grey, { recursive: true, force: true });
  });

  it('reads the model back and its features are the model’s own outputs of every conv layer', async () => {
    const before = tf.memory().numTensors;
    const phi = await loadFeatureModel(dir);
    expect(phi.layers).toEqual(['c1', 'c2']);
    const x = tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
    const reference = layers.model({
      inputs: model.inputs,
      outputs: [model.getLayer('c1').output, model.getLayer('c2').output] as tfl.SymbolicTensor[],
    });
    const expected = reference.predict(x) as tf.Tensor[];
    const got = tf.tidy(() => [...phi.extractor(x)]);
    expect(got.map((t) => t.shape)).toEqual([
      [2, 8, 8, 4],
      [2, 4, 4, 6],
    ]);
    got.forEach((t, i) => {
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(t, expected[i] as tf.Tensor))).dataSync()[0]);
      expect(diff).toBeLessThan(1e-6);
    });
    // the chosen layer p1 only
    const pooled = await loadFeatureModel(dir, { layers: ['p1'] });
    const maps = tf.tidy(() => [...pooled.extractor(x)]);
    expect(maps.map((t) => t.shape)).toEqual([[2, 4, 4, 4]]);
    tf.dispose([x, ...expected, ...got, ...maps]);
    phi.dispose();
    pooled.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names a missing model.json, an unknown layer with the model’s layers, and a channel mismatch', async () => {
    await expect(loadFeatureModel(join(dir, 'nowhere'))).rejects.toThrow(
      /nowhere\/model\.json: cannot read the feature model/,
    );
    await expect(loadFeatureModel(dir, { layers: ['c1', 'conv9'] })).rejects.toThrow(
      /no layer 'conv9'; its layers are .*c1, p1, c2, gap, head/,
    );
    await expect(loadFeatureModel(dir, { layers: ['head'] })).rejects.toThrow(
      /layer 'head' outputs \[.*2\], not a feature map/,
    );
    await expect(loadFeatureModel(grey)).rejects.toThrow(/one image input of 3 channels/);
  });

  it('serves as φ of a style flow, which lowers its style loss', async () => {
    const before = tf.memory().numTensors;
    const out = await mkdtemp(join(tmpdir(), 'runge-phi-out-'));
    try {
      const result = await stylizeFiles({
        out,
        size: 12,
        iterations: 20,
        lr: 0.01,
        // this φ's Gram statistics weigh little against its content features: weigh style up
        styleWeight: 50,
        featureModel: dir,
      });
      expect(result.featureLayers).toEqual(['c1', 'c2']);
      expect(result.style.end).toBeLessThan(result.style.start / 2);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);
});

// The one training pipeline: a multilevel schedule on images (every transfer method), numbered epochs, one learning-rate schedule, and variables that reproduce the last validation.
import { buildModel, type ModelParams, w1Config } from '@runge/architectures';
import { createDataset, type Dataset, disposeDataset } from '@runge/datasets';
import { Rng, type TensorTree, treeDispose } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { evaluateClassifier } from '../classification.js';
import { schedule } from '../schedule.js';
import { tensorSource } from '../tensor-source.js';
import { resolveRunConfig } from './resolve-run-config.js';
import type { RunData } from './run-data.js';
import type { RunEvent } from './run-events.js';
import { scheduleOf } from './run-optimizer.js';
import { trainLevels } from './run-pipeline.js';
import { taskOf } from './tasks/registry.js';

/** 8×8 images of a blob in the upper-left (class 0) or lower-right (class 1) quarter, plus noise. */
function blobs(n: number, seed: number): Dataset {
  const rng = Rng.fromSeed(seed);
  const noiseTensor = rng.uniform([n, 8, 8, 1]);
  const noise = noiseTensor.dataSync();
  noiseTensor.dispose();
  const pixels = new Float32Array(n * 64);
  const labels = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const label = k % 2;
    labels[k] = label;
    const c = label === 0 ? 2 : 5;
    for (let i = 0; i < 8; i++)
      for (let j = 0; j < 8; j++)
        pixels[k * 64 + i * 8 + j] =
          Math.exp(-((i - c) ** 2 + (j - c) ** 2) / 3) +
          0.2 * (noise[k * 64 + i * 8 + j] as number);
  }
  return createDataset({
    x: tf.tensor4d(pixels, [n, 8, 8, 1]),
    y: tf.tensor1d(labels, 'int32'),
    numClasses: 2,
    name: 'blobs',
  });
}

function runData(train: Dataset, validation: Dataset, test: Dataset): RunData {
  return {
    train,
    validation,
    test,
    inputShape: [8, 8, 1],
    numClasses: 2,
    outputs: 2,
    dispose: () => {
      for (const ds of [train, validation, test]) disposeDataset(ds);
    },
  };
}

describe('trainLevels', () => {
  it.each(['naive', 'galerkin', 'rediscretize'] as const)(
    '%s: trains coarse to fine (4×4, 2 steps → 8×8, 4 steps), ends at full resolution and evaluates',
    async (method) => {
      const data = runData(blobs(64, 1), blobs(32, 2), blobs(8, 3));
      const config = resolveRunConfig({
        seed: 3,
        data: { shift: 0 },
        train: {
          epochs: 4,
          batchSize: 8,
          lr: 0.1,
          schedule: 'cosine',
          multilevel: 2,
          multilevelMethod: method,
          multilevelDepth: true,
        },
      });
      const model = w1Config({ channels: 2, steps: 4, classes: 2, input: [8, 8, 1] });
      const events: RunEvent[] = [];
      const result = await trainLevels({
        config,
        task: taskOf(config),
        data,
        networks: { model },
        levels: [
          { resolution: 4, steps: 2, epochs: 2 },
          { resolution: 8, steps: 4, epochs: 2 },
        ],
        onEvent: (e) => events.push(e),
      });
      expect(result.reason).toBe('completed');
      const net = result.nets.model as NonNullable<(typeof result.nets)['model']>;
      expect(net.config).toEqual(buildModel(model).config);
      const built = buildModel(net.config);
      expect(() => built.checkVariables(net)).not.toThrow();
      expect(result.history.map((r) => [r.epoch, r.level, r.resolution])).toEqual([
        [0, 0, 4],
        [1, 0, 4],
        [2, 1, 8],
        [3, 1, 8],
      ]);
      expect(result.levels.map((l) => [l.resolution, l.steps, l.firstEpoch])).toEqual([
        [[4, 4], { ode_1: 2 }, 0],
        [[8, 8], { ode_1: 4 }, 2],
      ]);
      expect(result.steps).toBe(4 * (64 / 8)); // 4 epochs of 64 examples in batches of 8
      // one learning-rate schedule over the 4 epochs of the whole run
      const lr = schedule(scheduleOf(config));
      result.history.forEach((r, e) => {
        expect(r.learningRate).toBeCloseTo(
          lr({ epoch: e, batch: 8, batchesPerEpoch: 8, epochs: 4 }),
          10,
        );
      });
      expect(events.filter((e) => e.type === 'level-start').length).toBe(2);
      const ends = events.filter((e) => e.type === 'train' && e.event.type === 'epoch-end');
      expect(ends.length).toBe(4);
      const evaluation = evaluateClassifier(
        built.apply,
        net.params as ModelParams,
        net.state as TensorTree,
        tensorSource(data.validation as Dataset),
      );
      // the returned variables are the trained ones: they reproduce the last validation accuracy
      expect(evaluation.accuracy).toBeCloseTo(
        result.history[3]?.validation?.accuracy as number,
        10,
      );
      if (method === 'naive') {
        // the blobs are separable; with the well-conditioned naive warm start the classifier finds them
        expect(evaluation.accuracy).toBeGreaterThan(0.9);
      }
      treeDispose([net.params, net.state] as TensorTree);
      data.dispose();
    },
  );
});

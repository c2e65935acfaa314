import { buildModel, w1Config } from '@runge/architectures';
import { createDataset, type Dataset, disposeDataset } from '@runge/datasets';
import { Rng, type TensorTree, treeDispose } from '@runge/tensor-ops';
import { evaluateClassifier, schedule, sgd, tensorSource } from '@runge/train';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { type MultilevelEvent, multilevelSchedule, trainMultilevel } from './multilevel.js';

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

describe('trainMultilevel', () => {
  it.each(['naive', 'galerkin', 'rediscretize'] as const)(
    '%s: trains coarse to fine (4×4, 2 steps → 8×8, 4 steps), ends at full resolution and evaluates',
    async (method) => {
      const train = blobs(64, 1);
      const validation = blobs(32, 2);
      const config = w1Config({ channels: 2, steps: 4, classes: 2, input: [8, 8, 1] });
      const events: MultilevelEvent[] = [];
      const learningRate = { type: 'cosine', lr: 0.1, final: 0.01 } as const;
      const result = await trainMultilevel({
        config,
        train,
        validation,
        levels: [
          { resolution: 4, steps: 2, epochs: 2 },
          { resolution: 8, steps: 4, epochs: 2 },
        ],
        method,
        batchSize: 8,
        seed: 3,
        optimizer: sgd({ momentum: 0.9 }),
        learningRate,
        onEvent: (e) => events.push(e),
      });
      expect(result.reason).toBe('completed');
      expect(result.config).toEqual(buildModel(config).config);
      const model = buildModel(result.config);
      expect(() => model.checkVariables(result)).not.toThrow();
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
      const lr = schedule(learningRate);
      result.history.forEach((r, e) => {
        expect(r.learningRate).toBeCloseTo(
          lr({ epoch: e, batch: 8, batchesPerEpoch: 8, epochs: 4 }),
          10,
        );
      });
      expect(events.filter((e) => e.type === 'level-start').length).toBe(2);
      expect(events.filter((e) => e.type === 'train' && e.event.type === 'epoch-end').length).toBe(
        4,
      );
      const evaluation = evaluateClassifier(
        model.apply as never,
        result.params as TensorTree,
        result.state as TensorTree,
        tensorSource(validation),
      );
      // the returned variables are the trained ones: they reproduce the last validation accuracy
      expect(evaluation.accuracy).toBeCloseTo(
        result.history[3]?.validation?.accuracy as number,
        10,
      );
      expect(Number.isFinite(evaluation.loss)).toBe(true);
      if (method === 'naive') {
        // the blobs are separable; with the well-conditioned naive warm start the classifier finds
        // them (operator-keeping refinement amplifies the stencils' high-order parts on these
        // rough 8×8 images, see transferModel)
        expect(evaluation.accuracy).toBeGreaterThan(0.9);
      }
      treeDispose([result.params, result.state] as TensorTree);
      disposeDataset(train);
      disposeDataset(validation);
    },
  );

  it('rejects resolutions outside the pyramid, steps that are not powers of two apart, and a config of another size', async () => {
    const train = blobs(8, 1);
    const config = w1Config({ channels: 1, steps: 2, classes: 2, input: [8, 8, 1] });
    const common = { config, train, batchSize: 4, seed: 1 };
    await expect(
      trainMultilevel({ ...common, levels: [{ resolution: 5, epochs: 1 }] }),
    ).rejects.toThrow(
      /levels\[0\]\.resolution: 5 is not a level of the 8×8 data's pyramid; use one of 8, 4/,
    );
    await expect(
      trainMultilevel({ ...common, levels: [{ resolution: 8, steps: 3, epochs: 1 }] }),
    ).rejects.toThrow(/levels\[0\]\.steps: 3 is not 2·2\^k for ODE layer 'ode_1'/);
    await expect(
      trainMultilevel({
        ...common,
        config: w1Config({ input: [4, 4, 1] }),
        levels: [{ resolution: 4, epochs: 1 }],
      }),
    ).rejects.toThrow(/input \[4, 4, 1\] must be the training images' shape \[8, 8, 1\]/);
    disposeDataset(train);
  });
});

describe('multilevelSchedule', () => {
  it('halves the resolution per level and splits the epochs, the remainder to the finest levels', () => {
    expect(multilevelSchedule({ resolution: 28, levels: 3, epochs: 6 })).toEqual([
      { resolution: 7, epochs: 2 },
      { resolution: 14, epochs: 2 },
      { resolution: 28, epochs: 2 },
    ]);
    expect(
      multilevelSchedule({ resolution: 28, levels: 3, epochs: 4 }).map((l) => l.epochs),
    ).toEqual([1, 1, 2]);
    expect(
      multilevelSchedule({ resolution: 28, levels: 3, epochs: 8 }).map((l) => l.epochs),
    ).toEqual([2, 3, 3]);
    expect(multilevelSchedule({ resolution: 32, levels: 1, epochs: 3 })).toEqual([
      { resolution: 32, epochs: 3 },
    ]);
    expect(
      multilevelSchedule({ resolution: 28, levels: 3, epochs: 3, steps: 8 }).map((l) => l.steps),
    ).toEqual([2, 4, 8]);
  });

  it('explains impossible schedules', () => {
    expect(() => multilevelSchedule({ resolution: 28, levels: 3, epochs: 2 })).toThrow(
      /2 epoch\(s\) cannot be split across 3 levels/,
    );
    expect(() => multilevelSchedule({ resolution: 2, levels: 3, epochs: 3 })).toThrow(
      /2×2 images cannot be halved 2 times; use at most 2 levels/,
    );
    expect(() => multilevelSchedule({ resolution: 28, levels: 3, epochs: 3, steps: 6 })).toThrow(
      /6 steps cannot be halved 2 times; use a multiple of 4 steps/,
    );
  });
});

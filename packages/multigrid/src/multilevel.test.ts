// Multilevel schedules: the standard split of levels and epochs, and plans resolved against a model.
import { buildModel, type ModelConfig, toyConfig, w1Config } from '@runge/architectures';
import { type TensorTree, treeDispose, treeFlatten } from '@runge/tensor-ops';
import type * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { multilevelSchedule, planMultilevel } from './multilevel.js';
import { prolongDepth } from './transfer-depth.js';
import { transferModel } from './transfer-model.js';

describe('planMultilevel', () => {
  it('resolves sizes, depths and configs of each level, and the pyramid the data needs', () => {
    const config = w1Config({ channels: 2, steps: 4, classes: 2, input: [9, 9, 1] });
    const plan = planMultilevel({
      config,
      levels: [
        { resolution: 3, steps: 1, epochs: 1 },
        { resolution: 5, steps: 2, epochs: 2 },
        { resolution: 9, steps: 4, epochs: 3 },
      ],
    });
    // ⌈9/2⌉ = 5, ⌈5/2⌉ = 3: three pyramid levels
    expect(plan.pyramidDepth).toBe(3);
    expect(plan.epochs).toBe(6);
    expect(
      plan.levels.map((l) => [l.resolution, l.pyramidLevel, l.firstEpoch, l.steps.ode_1]),
    ).toEqual([
      [[3, 3], 2, 0, 1],
      [[5, 5], 1, 1, 2],
      [[9, 9], 0, 3, 4],
    ]);
    expect(plan.levels[2]?.config).toEqual(buildModel(config).config);
    for (const level of plan.levels) {
      expect(buildModel(level.config).inputShape).toEqual([...(level.resolution ?? []), 1]);
    }
  });

  it('a model of feature vectors has depth levels only: N = 2 → 4 → 8, controls prolonged', () => {
    const config = toyConfig({ dynamics: 'resnet', steps: 8, width: 3 });
    const levels = multilevelSchedule({ levels: 3, epochs: 3, steps: 8 });
    expect(levels).toEqual([
      { steps: 2, epochs: 1 },
      { steps: 4, epochs: 1 },
      { steps: 8, epochs: 1 },
    ]);
    const plan = planMultilevel({ config, levels });
    expect(plan.pyramidDepth).toBe(1);
    expect(plan.levels.map((l) => [l.resolution, l.steps.ode_1])).toEqual([
      [null, 2],
      [null, 4],
      [null, 8],
    ]);
    const coarse = buildModel(plan.levels[0]?.config as ModelConfig).init(2);
    const moved = plan.transfer({ config: plan.levels[0]?.config as ModelConfig, ...coarse }, 2);
    const once = prolongDepth({ config: plan.levels[0]?.config as ModelConfig, ...coarse });
    const twice = prolongDepth(once);
    expect(moved.config).toEqual(plan.levels[2]?.config);
    const a = treeFlatten(moved.params as TensorTree).leaves;
    const b = treeFlatten(twice.params as TensorTree).leaves;
    a.forEach((leaf, i) => {
      expect(Array.from(leaf.dataSync())).toEqual(Array.from((b[i] as tf.Tensor).dataSync()));
    });
    expect(() => planMultilevel({ config, levels: [{ resolution: 2, epochs: 1 }] })).toThrow(
      /takes feature vectors \[2\], not images; its levels change the depth only/,
    );
    expect(() => multilevelSchedule({ levels: 2, epochs: 2 })).toThrow(/give the steps N/);
    for (const m of [coarse, moved, once, twice]) treeDispose([m.params, m.state] as TensorTree);
  });

  it.each(['naive', 'galerkin', 'rediscretize'] as const)(
    '%s: transfer moves a model level by level exactly as transferModel and prolongDepth do',
    (method) => {
      const config = w1Config({ channels: 2, steps: 4, classes: 2, input: [8, 8, 1] });
      const plan = planMultilevel({
        config,
        method,
        levels: [
          { resolution: 4, steps: 2, epochs: 1 },
          { resolution: 8, steps: 4, epochs: 1 },
        ],
      });
      const coarse = buildModel(plan.levels[0]?.config as ModelConfig).init(5);
      const bundle = { config: plan.levels[0]?.config as ModelConfig, ...coarse };
      const moved = plan.transfer(bundle, 1);
      const byHand = transferModel(bundle, { to: [8, 8], method });
      const expected = prolongDepth(byHand);
      expect(moved.config).toEqual(plan.levels[1]?.config);
      expect(moved.config).toEqual(expected.config);
      const a = treeFlatten(moved.params as TensorTree).leaves;
      const b = treeFlatten(expected.params as TensorTree).leaves;
      expect(a.length).toBe(b.length);
      a.forEach((leaf, i) => {
        expect(Array.from(leaf.dataSync())).toEqual(Array.from((b[i] as tf.Tensor).dataSync()));
      });
      // the input stays with the caller
      expect(() => treeFlatten(bundle.params as TensorTree).leaves[0]?.dataSync()).not.toThrow();
      for (const m of [coarse, moved, byHand, expected]) {
        treeDispose([m.params, m.state] as TensorTree);
      }
    },
  );

  it('rejects resolutions outside the pyramid, steps that are not powers of two apart, and models without images', () => {
    const config = w1Config({ channels: 1, steps: 2, classes: 2, input: [8, 8, 1] });
    expect(() => planMultilevel({ config, levels: [{ resolution: 5, epochs: 1 }] })).toThrow(
      /levels\[0\]\.resolution: 5 is not a level of the 8×8 images' pyramid; use one of 8, 4/,
    );
    expect(() =>
      planMultilevel({ config, levels: [{ resolution: 8, steps: 3, epochs: 1 }] }),
    ).toThrow(/levels\[0\]\.steps: 3 is not 2·2\^k for ODE layer 'ode_1'/);
    expect(() => planMultilevel({ config, levels: [] })).toThrow(/non-empty list/);
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

  it('takes the epochs of each level as given, coarsest first', () => {
    expect(
      multilevelSchedule({ resolution: 112, levels: 4, epochs: 12, levelEpochs: [8, 2, 1, 1] }),
    ).toEqual([
      { resolution: 14, epochs: 8 },
      { resolution: 28, epochs: 2 },
      { resolution: 56, epochs: 1 },
      { resolution: 112, epochs: 1 },
    ]);
    expect(() =>
      multilevelSchedule({ resolution: 28, levels: 3, epochs: 6, levelEpochs: [4, 2] }),
    ).toThrow(/must give 3 positive whole numbers of epochs/);
    expect(() =>
      multilevelSchedule({ resolution: 28, levels: 2, epochs: 6, levelEpochs: [0, 6] }),
    ).toThrow(/must give 2 positive whole numbers/);
    expect(() =>
      multilevelSchedule({ resolution: 28, levels: 2, epochs: 6, levelEpochs: [4, 3] }),
    ).toThrow(/sum to 7 epochs, but the run has 6/);
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

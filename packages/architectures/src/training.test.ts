import { disposeDataset, spirals } from '@runge/datasets';
import { Rng, type TensorTree, treeDispose } from '@runge/tensor-ops';
import { adam, classification, evaluateClassifier, fit, tensorSource } from '@runge/train';
import { describe, expect, it } from 'vitest';
import type { ModelConfig } from './layer-config.js';
import { buildModel, type ModelParams } from './model.js';
import { toyConfig } from './presets.js';

/**
 * Trains a config on two interleaved spirals (300 points, 1.5 turns) with full-batch Adam and
 * returns the training-set accuracy in evaluation mode.
 */
async function trainOnSpirals(config: ModelConfig, epochs = 300): Promise<number> {
  const data = spirals({ n: 300, numClasses: 2, noise: 0.02, turns: 1.5, rng: Rng.fromSeed(3) });
  const model = buildModel(config);
  const { params, state } = model.init(1);
  const source = tensorSource({ x: data.x, y: data.y });
  try {
    const result = await fit({
      problem: classification({
        apply: model.apply,
        params,
        state,
        optimizer: adam(),
        learningRate: 0.03,
      }),
      train: source,
      epochs,
      batchSize: 300,
      seed: 1,
    });
    const { accuracy } = evaluateClassifier(
      model.apply,
      result.params.model as ModelParams,
      result.state,
      source,
    );
    treeDispose(result.params as TensorTree);
    treeDispose(result.state);
    return accuracy;
  } finally {
    disposeDataset(data);
  }
}

describe('every block trains a small classifier on 2-D spirals', () => {
  it.each(['resnet', 'resnet2', 'parabolic', 'antisymmetric', 'hamiltonian', 'fractal'] as const)(
    '%s reaches ≥ 95% training accuracy',
    async (dynamics) => {
      const accuracy = await trainOnSpirals(toyConfig({ dynamics, width: 8, steps: 4 }));
      expect(accuracy).toBeGreaterThanOrEqual(0.95);
    },
  );

  it('counter-check: a linear classifier with the same budget stays far below 95%', async () => {
    const accuracy = await trainOnSpirals({
      name: 'linear',
      input: [2],
      layers: [{ type: 'dense', units: 2 }],
    });
    expect(accuracy).toBeLessThan(0.8);
  });
});

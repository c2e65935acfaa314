// Models of @runge/architectures trained by fit: stable blocks learn the spirals.

import {
  type ApplyFn,
  buildModel,
  type ModelConfig,
  type ModelParams,
  toyConfig,
} from '@runge/architectures';
import { disposeDataset, spirals } from '@runge/datasets';
import { Rng, type TensorTree, treeDispose } from '@runge/tensor-ops';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { adam } from './adam.js';
import { classification, evaluateClassifier } from './classification.js';
import { fit } from './fit.js';
import { tensorSource } from './tensor-source.js';

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

  it('a model of @runge/architectures is a forward pass for the trainer, with no cast', () => {
    const model = buildModel(toyConfig());
    expectTypeOf(model.apply).toMatchTypeOf<ApplyFn<ModelParams>>();
    const { params } = model.init(0);
    const problem = classification({ apply: model.apply, params, optimizer: adam() });
    expect(problem.players).toHaveLength(1);
    treeDispose(params as TensorTree);
  });
});

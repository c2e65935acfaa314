// Run tasks judge a model exactly: cross-entropy, accuracy and confusion for classes; MSE, RMSE and R² for values.
import { buildModel, type ModelConfig, type ModelParams } from '@runge/architectures';
import { createDataset, disposeDataset } from '@runge/datasets';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { resolveRunConfig } from '../resolve-run-config.js';
import { RUN_TASKS, taskOf } from './registry.js';
import { TASK_NAMES } from './task-names.js';

describe('run tasks', () => {
  it('classification evaluates mean cross-entropy, accuracy and the confusion matrix exactly', () => {
    // a dense 2 → 2 layer with W = I, b = 0: the logits are the inputs themselves
    const config: ModelConfig = { input: [2], layers: [{ type: 'dense', units: 2 }] };
    const built = buildModel(config);
    const init = built.init(0);
    const name = Object.keys(init.params)[0] as string;
    for (const v of Object.values(init.params)) {
      tf.dispose(Object.values(v as Record<string, tf.Tensor>));
    }
    const params = { dense_0: { W: tf.tensor2d([1, 0, 0, 1], [2, 2]), b: tf.zeros([2]) } };
    const data = createDataset({
      x: tf.tensor2d([2, 0, 0, 1, 1, 3], [3, 2]),
      y: tf.tensor1d([0, 1, 0], 'int32'),
      numClasses: 2,
      name: 'three points',
    });
    const result = taskOf({ task: 'classification' }).evaluate(
      { model: { model: built, params: { [name]: params.dense_0 } as ModelParams, state: {} } },
      data,
      { config: resolveRunConfig({}) },
    );
    // losses log(1 + e^{−2}), log(1 + e^{−1}), log(1 + e^{2}); predictions 0, 1, 1
    const expected =
      (Math.log1p(Math.exp(-2)) + Math.log1p(Math.exp(-1)) + Math.log1p(Math.exp(2))) / 3;
    expect(result.loss).toBeCloseTo(expected, 5);
    expect(result.metrics).toEqual({ accuracy: 2 / 3 });
    expect(result.examples).toBe(3);
    expect(result.confusion).toEqual([
      [1, 1],
      [0, 1],
    ]);
    tf.dispose([params.dense_0.W, params.dense_0.b]);
    for (const v of Object.values(init.params))
      tf.dispose(Object.values(v as Record<string, tf.Tensor>));
    disposeDataset(data);
  });

  it('regression evaluates the mean squared error, its root and R² exactly', () => {
    // the same identity layer as predictions: ŷ = x; targets y
    const config: ModelConfig = { input: [2], layers: [{ type: 'dense', units: 2 }] };
    const built = buildModel(config);
    const params = { dense_0: { W: tf.tensor2d([1, 0, 0, 1], [2, 2]), b: tf.zeros([2]) } };
    const data = createDataset({
      x: tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]),
      y: tf.tensor2d([1, 2, 3, 5, 6, 6], [3, 2]),
      name: 'three points',
    });
    const result = taskOf({ task: 'regression' }).evaluate(
      { model: { model: built, params: params as unknown as ModelParams, state: {} } },
      data,
      { config: resolveRunConfig({ task: 'regression', data: { source: 'peaks' } }) },
    );
    // errors (0, 0, 0, −1, −1, 0): SSE = 2 over 6 entries; SST per column: y₁ = 1, 3, 6 (mean 10/3)
    // gives 38/3, y₂ = 2, 5, 6 (mean 13/3) gives 26/3, in all 64/3
    expect(result.loss).toBeCloseTo(2 / 6, 6);
    expect(result.metrics.rmse).toBeCloseTo(Math.sqrt(2 / 6), 6);
    expect(result.metrics.r2).toBeCloseTo(1 - 2 / (64 / 3), 6);
    expect(result.examples).toBe(3);
    tf.dispose([params.dense_0.W, params.dense_0.b]);
    disposeDataset(data);
  });

  it('every task name has an entry, named after it', () => {
    expect(Object.keys(RUN_TASKS)).toEqual([...TASK_NAMES]);
    for (const name of TASK_NAMES) expect(taskOf({ task: name }).name).toBe(name);
  });
});

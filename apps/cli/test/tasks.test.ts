import { buildModel, type ModelConfig } from '@runge/architectures';
import { createDataset, disposeDataset } from '@runge/datasets';
import type { TensorTree } from '@runge/tensor-ops';
import type { ApplyFn } from '@runge/train';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { formatEvaluation, TASKS, taskOf } from '../src/tasks.js';

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
      built.apply as unknown as ApplyFn,
      { [name]: params.dense_0 } as TensorTree,
      {},
      data,
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
    expect(formatEvaluation(result)).toBe(`accuracy 66.67%, loss ${expected.toFixed(4)}`);
    tf.dispose([params.dense_0.W, params.dense_0.b]);
    for (const v of Object.values(init.params))
      tf.dispose(Object.values(v as Record<string, tf.Tensor>));
    disposeDataset(data);
  });

  it('every task of the configuration schema has an entry', () => {
    expect(Object.keys(TASKS)).toEqual(['classification']);
    expect(taskOf({ task: 'classification' }).name).toBe('classification');
  });
});

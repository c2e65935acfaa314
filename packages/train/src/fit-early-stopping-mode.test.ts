// Early stopping in fit: 'max' mode (explicit, and inferred for accuracy metrics) and minDelta
// (an improvement smaller than minDelta does not reset patience), on scripted metric values.
import { treeDispose } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  type DataSource,
  type EarlyStoppingOptions,
  type FitResult,
  fit,
  sgd,
  type TrainEvent,
  type TrainingProblem,
} from './index.js';

/** A data source of `n` empty batches. */
function steps(n: number): DataSource<null> {
  return { size: n, take: () => null, disposeBatch: () => {} };
}

/**
 * Trains a trivial problem whose validation metric `name` takes the scripted values, one per
 * epoch, and returns the result and the early-stop event.
 */
async function scripted(
  name: string,
  script: number[],
  earlyStopping: Omit<EarlyStoppingOptions, 'metric'>,
): Promise<{ result: FitResult; stop: TrainEvent | undefined }> {
  let epoch = 0;
  const problem: TrainingProblem<null> = {
    params: { model: tf.scalar(1) },
    players: [
      {
        params: 'model',
        optimizer: sgd(),
        learningRate: 0.1,
        loss: (p) => ({ loss: tf.square(p.model as tf.Scalar) }),
      },
    ],
    evaluate: () => ({ [name]: script[epoch++] as number }),
  };
  const events: TrainEvent[] = [];
  const result = await fit({
    problem,
    train: steps(1),
    validation: steps(1),
    epochs: script.length,
    batchSize: 1,
    seed: 0,
    earlyStopping: { metric: `validation.${name}`, ...earlyStopping },
    onEvent: (e) => events.push(e),
  });
  treeDispose(result.params);
  return { result, stop: events.find((e) => e.type === 'early-stop') };
}

describe("early stopping in 'max' mode", () => {
  // larger is better: best 0.7 at epoch 1, then two epochs without a new maximum
  const script = [0.5, 0.7, 0.65, 0.69, 0.9, 0.95];

  it('stops after `patience` epochs without a new maximum', async () => {
    const { result, stop } = await scripted('score', script, { mode: 'max', patience: 2 });
    expect(result.reason).toBe('early-stopping');
    expect(result.history).toHaveLength(4);
    expect(stop).toEqual({
      type: 'early-stop',
      epoch: 3,
      metric: 'validation.score',
      best: 0.7,
      bestEpoch: 1,
    });
  });

  it('is the default for a metric named accuracy', async () => {
    const { result, stop } = await scripted('accuracy', script, { patience: 2 });
    expect(result.history).toHaveLength(4);
    expect(stop).toMatchObject({ best: 0.7, bestEpoch: 1 });
  });

  it("counter-check: in 'min' mode the same values stop at the first rise", async () => {
    // smaller is better: best 0.5 at epoch 0; 0.7 and 0.65 are no improvement
    const { result, stop } = await scripted('score', script, { mode: 'min', patience: 2 });
    expect(result.history).toHaveLength(3);
    expect(stop).toMatchObject({ best: 0.5, bestEpoch: 0 });
  });
});

describe('early stopping with minDelta', () => {
  it("'min': decreases smaller than minDelta do not reset patience", async () => {
    // each epoch improves on the previous by 0.02 < minDelta = 0.05, and on the best (1.0) by
    // less than 0.05 until epoch 3, when patience 2 has already run out at epoch 2
    const script = [1.0, 0.98, 0.96, 0.94, 0.5];
    const { result, stop } = await scripted('loss', script, { minDelta: 0.05, patience: 2 });
    expect(result.history).toHaveLength(3);
    expect(stop).toMatchObject({ best: 1.0, bestEpoch: 0 });
    // without minDelta every epoch is an improvement and training runs to the end
    const plain = await scripted('loss', script, { patience: 2 });
    expect(plain.result.reason).toBe('completed');
    expect(plain.result.history).toHaveLength(5);
  });

  it("'min': an improvement larger than minDelta resets patience and becomes the best", async () => {
    // epoch 1: 0.97 (−0.03, no); epoch 2: 0.9 (−0.1 from the best, yes); epochs 3, 4: no
    const script = [1.0, 0.97, 0.9, 0.88, 0.87, 0.1];
    const { result, stop } = await scripted('loss', script, { minDelta: 0.05, patience: 2 });
    expect(result.history).toHaveLength(5);
    expect(stop).toMatchObject({ epoch: 4, best: 0.9, bestEpoch: 2 });
  });

  it("'max': increases smaller than minDelta do not reset patience", async () => {
    const script = [0.5, 0.55, 0.58, 0.95];
    const { result, stop } = await scripted('accuracy', script, { minDelta: 0.1, patience: 2 });
    expect(result.history).toHaveLength(3);
    expect(stop).toMatchObject({ best: 0.5, bestEpoch: 0 });
  });
});

// Non-trainable state through fit: a model with batch norm trained N epochs equals k epochs,
// a checkpoint and N − k more, bit for bit in its parameters and running statistics; and with
// restoreBest fit returns the parameters and the state of the best epoch.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModel } from '@runge/architectures';
import { loadTrees, Rng, type TensorTree, treeDispose, treeEntries } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adam } from './adam.js';
import { classification } from './classification.js';
import { fit } from './fit.js';
import type { FitOptions, FitResult } from './fit-options.js';
import type { DataSource, TrainingProblem } from './problem.js';
import { type Batch, tensorSource } from './tensor-source.js';

const model = buildModel({
  name: 'bn',
  input: [4],
  layers: [
    { type: 'dense', units: 6, activation: 'relu' },
    { type: 'batchnorm', momentum: 0.7 },
    { type: 'dense', units: 3 },
  ],
});

/** Every leaf of a tree by path, as plain numbers (a snapshot that owns no tensors). */
function snapshot(tree: TensorTree): Record<string, number[]> {
  return Object.fromEntries(treeEntries(tree).map(([path, t]) => [path, Array.from(t.dataSync())]));
}

/** 60 points in R⁴ labelled by the largest of three fixed linear functions. */
function data(): { x: tf.Tensor; y: tf.Tensor } {
  const x = Rng.fromSeed(7).normal([60, 4]);
  const y = tf.tidy(() =>
    tf.argMax(
      tf.matMul(
        x,
        tf.tensor2d([
          [1, -1, 0],
          [0, 1, -1],
          [-1, 0, 1],
          [0.5, 0.5, -1],
        ]),
      ),
      -1,
    ),
  );
  return { x, y };
}

let dir: string;
let train: { x: tf.Tensor; y: tf.Tensor };
let source: DataSource<Batch>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'runge-bn-fit-'));
  train = data();
  source = tensorSource(train);
});

afterAll(async () => {
  tf.dispose([train.x, train.y]);
  await rm(dir, { recursive: true, force: true });
});

function problem(): TrainingProblem<Batch> {
  const { params, state } = model.init(3);
  return classification({
    apply: model.apply,
    params,
    state,
    optimizer: adam(),
    learningRate: 0.02,
  });
}

/** 60 examples in batches of 16: four batches per epoch, the last one of 12. */
function options(epochs: number): FitOptions<Batch> {
  return { problem: problem(), train: source, epochs, batchSize: 16, seed: 5 };
}

function variables(result: FitResult): {
  params: Record<string, number[]>;
  state: Record<string, number[]>;
} {
  const out = { params: snapshot(result.params), state: snapshot(result.state) };
  treeDispose(result.params);
  treeDispose(result.state);
  return out;
}

describe('fit with batch-norm state', () => {
  it('trains the running statistics: they move away from their initial 0 and 1', async () => {
    const { state } = variables(await fit(options(1)));
    const mean = state['batchnorm_1.mean'] as number[];
    const variance = state['batchnorm_1.variance'] as number[];
    expect(mean).toHaveLength(6);
    expect(mean.some((m) => m !== 0)).toBe(true);
    expect(variance.some((v) => v !== 1)).toBe(true);
  });

  it('N epochs equal k epochs, a checkpoint, and N − k more: identical parameters and state', async () => {
    const straight = variables(await fit(options(3)));

    const file = join(dir, 'epoch.ckpt');
    variables(await fit({ ...options(1), checkpoint: { file } }));
    const resumed = variables(await fit({ ...options(3), resume: await loadTrees(file) }));
    expect(resumed.params).toEqual(straight.params);
    expect(resumed.state).toEqual(straight.state);

    // interrupted after the 2nd batch of epoch 1 (global step 5), then resumed
    const controller = new AbortController();
    const file2 = join(dir, 'mid-epoch.ckpt');
    const interrupted = await fit({
      ...options(3),
      checkpoint: { file: file2 },
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'step' && e.step === 5) controller.abort();
      },
    });
    expect(interrupted.reason).toBe('interrupted');
    variables(interrupted);
    const finished = variables(await fit({ ...options(3), resume: await loadTrees(file2) }));
    expect(finished.params).toEqual(straight.params);
    expect(finished.state).toEqual(straight.state);
  });

  /**
   * Trains with early stopping on a scripted validation loss (best at epoch 1, patience 2) and
   * records the variables each evaluation sees; `first` is the epoch the run starts at.
   */
  function scripted(
    base: FitOptions<Batch>,
    first: number,
    seen: Record<number, { params: Record<string, number[]>; state: Record<string, number[]> }>,
  ): FitOptions<Batch> {
    const script = [3, 1, 2, 2.5, 0.5, 0.4];
    let epoch = first;
    const inner = base.problem;
    return {
      ...base,
      validation: source,
      earlyStopping: { metric: 'validation.loss', patience: 2, restoreBest: true },
      problem: {
        ...inner,
        evaluate: (params, state) => {
          seen[epoch] = { params: snapshot(params), state: snapshot(state) };
          return { loss: script[epoch++] as number };
        },
      },
    };
  }

  it('restoreBest returns the parameters and the state of the best epoch', async () => {
    const seen: Record<
      number,
      { params: Record<string, number[]>; state: Record<string, number[]> }
    > = {};
    const result = await fit(scripted(options(6), 0, seen));
    expect(result.reason).toBe('early-stopping');
    expect(result.history).toHaveLength(4);
    const best = variables(result);
    expect(best.params).toEqual(seen[1]?.params);
    expect(best.state).toEqual(seen[1]?.state);
    // the last epoch's are different, so the check above can tell them apart
    expect(seen[3]?.params).not.toEqual(seen[1]?.params);
    expect(seen[3]?.state).not.toEqual(seen[1]?.state);
  });

  it('restoreBest keeps the best parameters and state across a checkpoint and resume', async () => {
    const seen: Record<
      number,
      { params: Record<string, number[]>; state: Record<string, number[]> }
    > = {};
    const file = join(dir, 'best.ckpt');
    // three epochs (best at 1), checkpoint, then resume and stop early at epoch 3
    variables(await fit({ ...scripted(options(3), 0, seen), checkpoint: { file } }));
    const resumed = await fit({ ...scripted(options(6), 3, seen), resume: await loadTrees(file) });
    expect(resumed.reason).toBe('early-stopping');
    const best = variables(resumed);
    expect(best.params).toEqual(seen[1]?.params);
    expect(best.state).toEqual(seen[1]?.state);
  });
});

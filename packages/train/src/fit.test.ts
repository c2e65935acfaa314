import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigError,
  loadTrees,
  NumericalError,
  Rng,
  type TensorTree,
  treeDispose,
} from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { adam } from './adam.js';
import type { TrainEvent } from './events.js';
import { fit } from './fit.js';
import type { FitOptions } from './fit-options.js';
import type { DataSource, Player, TrainingProblem } from './problem.js';
import { sgd } from './sgd.js';
import { type Batch, tensorSource } from './tensor-source.js';

const W_TRUE = [1, -2, 0.5];
const B_TRUE = 0.3;

function regressionData(n: number, seed: number): { x: tf.Tensor; y: tf.Tensor } {
  const x = Rng.fromSeed(seed).normal([n, 3]);
  const y = tf.tidy(() => tf.add(tf.matMul(x, tf.tensor2d(W_TRUE, [3, 1])), B_TRUE));
  return { x, y };
}

type Params = { w: tf.Tensor; b: tf.Tensor };

function regression(
  options: { noise?: number; optimizer?: Player<Batch>['optimizer']; lr?: number } = {},
): TrainingProblem<Batch> {
  const noise = options.noise ?? 0;
  return {
    params: { model: { w: tf.zeros([3, 1]), b: tf.zeros([1]) } },
    players: [
      {
        params: 'model',
        optimizer: options.optimizer ?? sgd(),
        learningRate: options.lr ?? 0.1,
        loss: (params, _state, batch, ctx) => {
          const p = params.model as Params;
          // input noise drawn from the step's generator exercises the RNG bookkeeping
          const x =
            noise > 0 ? tf.add(batch.x, ctx.rng.normal(batch.x.shape, { std: noise })) : batch.x;
          const pred = tf.add(tf.matMul(x, p.w), p.b);
          return {
            loss: tf.mean(tf.square(tf.sub(pred, batch.y))) as tf.Scalar,
            metrics: { mae: tf.mean(tf.abs(tf.sub(pred, batch.y))) as tf.Scalar },
          };
        },
      },
    ],
    evaluate: (params, _state, data) => {
      const all = data.take(Int32Array.from({ length: data.size }, (_, i) => i));
      const p = params.model as Params;
      const mse = tf.tidy(
        () =>
          tf
            .mean(tf.square(tf.sub(tf.add(tf.matMul(all.x, p.w), p.b), all.y)))
            .dataSync()[0] as number,
      );
      data.disposeBatch(all);
      return { loss: mse };
    },
  };
}

function values(params: Record<string, TensorTree>): number[] {
  const p = params.model as Params;
  return [...p.w.dataSync(), ...p.b.dataSync()];
}

async function withData<T>(
  fn: (train: DataSource<Batch>, validation: DataSource<Batch>) => Promise<T>,
): Promise<T> {
  const train = regressionData(96, 1);
  const valid = regressionData(32, 2);
  try {
    return await fn(tensorSource(train), tensorSource(valid));
  } finally {
    tf.dispose([train.x, train.y, valid.x, valid.y]);
  }
}

describe('fit', () => {
  it('recovers the coefficients of a noise-free linear regression', async () => {
    await withData(async (train, validation) => {
      const events: TrainEvent[] = [];
      const result = await fit({
        problem: regression(),
        train,
        validation,
        epochs: 30,
        batchSize: 16,
        seed: 3,
        onEvent: (e) => events.push(e),
      });
      const v = values(result.params);
      [...W_TRUE, B_TRUE].forEach((expected, i) => {
        expect(Math.abs((v[i] as number) - expected)).toBeLessThan(1e-3);
      });
      expect(result.reason).toBe('completed');
      expect(result.history).toHaveLength(30);
      expect(result.steps).toBe(30 * 6);
      expect(result.history.at(-1)?.validation?.loss ?? Number.NaN).toBeLessThan(1e-5);
      expect(result.history[0]!.train.loss).toBeGreaterThan(
        result.history.at(-1)!.train.loss ?? Number.NaN,
      );
      expect(events[0]).toMatchObject({
        type: 'start',
        epochs: 30,
        batchesPerEpoch: 6,
        examples: 96,
      });
      expect(events.filter((e) => e.type === 'step')).toHaveLength(180);
      expect(events.at(-1)).toMatchObject({ type: 'end', reason: 'completed' });
      treeDispose(result.params);
    });
  });

  it('is deterministic, and 2 epochs equal 1 epoch + resume + 1 epoch (also from mid-epoch)', async () => {
    await withData(async (train) => {
      const dir = await mkdtemp(join(tmpdir(), 'runge-fit-'));
      const base = (): Omit<FitOptions<Batch>, 'epochs'> => ({
        problem: regression({ noise: 0.05, optimizer: adam(), lr: 0.05 }),
        train,
        batchSize: 20,
        seed: 11,
      });
      const straight = await fit({ ...base(), epochs: 2 });
      const again = await fit({ ...base(), epochs: 2 });
      expect(values(again.params)).toEqual(values(straight.params));

      const file = join(dir, 'a.ckpt');
      const first = await fit({ ...base(), epochs: 1, checkpoint: { file } });
      treeDispose(first.params);
      const resumed = await fit({ ...base(), epochs: 2, resume: await loadTrees(file) });
      values(resumed.params).forEach((v, i) => {
        expect(Math.abs(v - (values(straight.params)[i] as number))).toBeLessThan(1e-6);
      });
      expect(resumed.history).toHaveLength(2);

      // interrupted after the 3rd batch of epoch 0, then resumed
      const controller = new AbortController();
      const file2 = join(dir, 'b.ckpt');
      const interrupted = await fit({
        ...base(),
        epochs: 2,
        checkpoint: { file: file2 },
        signal: controller.signal,
        onEvent: (e) => {
          if (e.type === 'step' && e.step === 2) controller.abort();
        },
      });
      expect(interrupted.reason).toBe('interrupted');
      expect(interrupted.history).toHaveLength(0);
      treeDispose(interrupted.params);
      const ckpt = await loadTrees(file2);
      expect(ckpt.meta).toMatchObject({ epoch: 0, batch: 3, step: 3 });
      const finished = await fit({ ...base(), epochs: 2, resume: ckpt });
      values(finished.params).forEach((v, i) => {
        expect(Math.abs(v - (values(straight.params)[i] as number))).toBeLessThan(1e-6);
      });
      treeDispose([straight.params, again.params, resumed.params, finished.params] as TensorTree);
    });
  });

  it('stops early when the monitored metric stops improving, and can return the best parameters', async () => {
    await withData(async (train, validation) => {
      const script = [3, 2, 2.5, 2.6, 2.7, 1];
      let epoch = 0;
      const problem = regression();
      const scripted: TrainingProblem<Batch> = {
        ...problem,
        evaluate: (params) => {
          const w0 = (params.model as Params).w.dataSync()[0] as number;
          return { loss: script[epoch++] as number, w0 };
        },
      };
      const events: TrainEvent[] = [];
      const result = await fit({
        problem: scripted,
        train,
        validation,
        epochs: 6,
        batchSize: 32,
        seed: 1,
        earlyStopping: { metric: 'validation.loss', patience: 2, restoreBest: true },
        onEvent: (e) => events.push(e),
      });
      expect(result.reason).toBe('early-stopping');
      expect(result.history).toHaveLength(4); // epochs 0..3: best at 1, no improvement at 2 and 3
      expect(events).toContainEqual({
        type: 'early-stop',
        epoch: 3,
        metric: 'validation.loss',
        best: 2,
        bestEpoch: 1,
      });
      // the returned parameters are those evaluated at the best epoch
      expect((result.params.model as Params).w.dataSync()[0]).toBeCloseTo(
        result.history[1]!.validation!.w0 as number,
        6,
      );
      treeDispose(result.params);
    });
  });

  it('updates several players in turn (a two-player game reaches its equilibrium)', async () => {
    await withData(async (train) => {
      // a minimises (a − b)², b minimises (b − 3)²: the fixed point is a = b = 3
      const square = (t: tf.Tensor): tf.Scalar => tf.sum(tf.square(t)) as tf.Scalar;
      const problem: TrainingProblem<Batch> = {
        params: { a: tf.scalar(0), b: tf.scalar(0) },
        players: [
          {
            params: 'a',
            optimizer: sgd(),
            learningRate: 0.2,
            repeat: 2,
            loss: (p) => ({ loss: square(tf.sub(p.a as tf.Tensor, p.b as tf.Tensor)) }),
          },
          {
            params: 'b',
            optimizer: sgd(),
            learningRate: 0.2,
            loss: (p) => ({ loss: square(tf.sub(p.b as tf.Tensor, 3)) }),
          },
        ],
      };
      const result = await fit({ problem, train, epochs: 10, batchSize: 16, seed: 1 });
      expect((result.params.a as tf.Tensor).dataSync()[0]).toBeCloseTo(3, 3);
      expect((result.params.b as tf.Tensor).dataSync()[0]).toBeCloseTo(3, 3);
      expect(Object.keys(result.history[0]!.train).sort()).toEqual(['a.loss', 'b.loss']);
      treeDispose(result.params);
    });
  });

  it('fails clearly on a NaN loss and on bad options, leaking nothing', async () => {
    await withData(async (train, validation) => {
      const problem = regression();
      const player = problem.players[0] as Player<Batch>;
      const poisoned: TrainingProblem<Batch> = {
        ...problem,
        players: [
          {
            ...player,
            loss: (p, s, b, ctx) => {
              const out = player.loss(p, s, b, ctx);
              return { loss: tf.mul(out.loss, ctx.step === 2 ? Number.NaN : 1) as tf.Scalar };
            },
          },
        ],
      };
      await expect(
        fit({ problem: poisoned, train, epochs: 1, batchSize: 16, seed: 1 }),
      ).rejects.toThrow(NumericalError);
      await expect(
        fit({ problem: regression(), train, epochs: 0, batchSize: 16, seed: 1 }),
      ).rejects.toThrow(/epochs: expected an integer >= 1, got 0/);
      const bad = regression();
      await expect(
        fit({
          problem: { ...bad, players: [{ ...(bad.players[0] as Player<Batch>), params: 'nope' }] },
          train,
          epochs: 1,
          batchSize: 8,
          seed: 1,
        }),
      ).rejects.toThrow(ConfigError);
      await expect(
        fit({
          problem: regression(),
          train,
          epochs: 1,
          batchSize: 8,
          seed: 1,
          earlyStopping: { metric: 'validation.loss' },
        }),
      ).rejects.toThrow(/needs validation data/);
      await expect(
        fit({
          problem: regression(),
          train,
          validation,
          epochs: 1,
          batchSize: 8,
          seed: 1,
          earlyStopping: { metric: 'loss' },
        }),
      ).rejects.toThrow(/must look like 'validation.loss'/);
    });
  });

  it('refuses a checkpoint of another model', async () => {
    await withData(async (train) => {
      const dir = await mkdtemp(join(tmpdir(), 'runge-fit-'));
      const file = join(dir, 'c.ckpt');
      const first = await fit({
        problem: regression(),
        train,
        epochs: 1,
        batchSize: 32,
        seed: 1,
        checkpoint: { file },
      });
      treeDispose(first.params);
      const other = regression();
      treeDispose(other.params as TensorTree);
      const wider: TrainingProblem<Batch> = {
        ...other,
        params: { model: { w: tf.zeros([4, 1]), b: tf.zeros([1]) } },
      };
      await expect(
        fit({
          problem: wider,
          train,
          epochs: 2,
          batchSize: 32,
          seed: 1,
          resume: await loadTrees(file),
        }),
      ).rejects.toThrow(/checkpoint does not match the problem at 'params'/);
    });
  });
});

// Tiny adversarial trainings of the GAN and WGAN tasks' players: the generator moves towards the data and the discriminator or critic does not collapse to a constant.
import { buildModel, type ModelParams, type ModelState } from '@runge/architectures';
import { Rng, type TensorTree, treeDispose } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { adam } from '../../adam.js';
import { fit } from '../../fit.js';
import { tensorSource } from '../../tensor-source.js';
import { resolveRunConfig } from '../resolve-run-config.js';
import type { RunData } from '../run-data.js';
import { ganNetworks } from './gan-networks.js';
import { ganGbmTask, wganGbmTask } from './gbm-gan-task.js';
import type { RunTask } from './run-task.js';

const small = { latent: 4, hidden: 16, depth: 1 };

/**
 * Trains the task's two players with `fit` on data `x ~ N(3, 0.5²)` in ℝ⁴ and returns the
 * generator's sample mean before and after, and the critic's scores on a line through the data.
 */
async function trainOnShiftedData(
  task: RunTask,
  network: 'mlp' | 'ode',
): Promise<{
  before: number;
  after: number;
  scores: number[];
  shape: number[];
  layers: string[];
}> {
  const config = resolveRunConfig({
    task: task.name,
    generative: { ...small, criticSteps: 2, network },
    train: { optimizer: 'adam', lr: 0.01, schedule: 'constant', batchSize: 64 },
  });
  const { generator, critic } = ganNetworks(config, [4]);
  const models = { generator: buildModel(generator), critic: buildModel(critic) };
  const rng = Rng.fromSeed(4);
  const init = {
    generator: models.generator.init(rng.split()),
    critic: models.critic.init(rng.split()),
  };
  const shape = tf.tidy(
    () => models.generator.apply(init.generator.params, tf.zeros([3, 4])).y.shape,
  );
  const sampleMean = (params: ModelParams): number =>
    tf.tidy(() => {
      const z = Rng.fromSeed(77).normal([1000, 4]);
      return tf.mean(models.generator.apply(params, z).y).dataSync()[0] as number;
    });
  const before = sampleMean(init.generator.params);
  const x = tf.tidy(() => tf.add(tf.mul(Rng.fromSeed(5).normal([512, 4]), 0.5), 3));
  const y = tf.zeros([512, 1]);
  const problem = task.problem({
    config,
    data: {} as RunData,
    models,
    init,
    optimizer: adam({ beta1: 0.5 }),
    learningRate: { type: 'constant', lr: 0.005 },
  });
  const result = await fit({
    problem,
    train: tensorSource({ x, y }),
    epochs: 15,
    batchSize: 64,
    seed: 1,
  });
  const after = sampleMean(result.params.generator as ModelParams);
  const criticState = (result.state as { critic: ModelState }).critic;
  const scores = tf.tidy(() => {
    const line = tf.mul(tf.reshape(tf.linspace(-1, 5, 7), [7, 1]), tf.ones([1, 4]));
    const out = models.critic.apply(result.params.critic as ModelParams, line, {
      training: false,
      state: criticState,
    });
    return Array.from(out.y.dataSync());
  });
  treeDispose([result.params, result.state, x, y] as unknown as TensorTree);
  return { before, after, scores, shape, layers: models.generator.layers.map((l) => l.type) };
}

describe('tiny adversarial trainings', () => {
  for (const [task, network] of [
    [wganGbmTask, 'mlp'],
    [ganGbmTask, 'mlp'],
    [wganGbmTask, 'ode'],
    [ganGbmTask, 'ode'],
  ] as const) {
    it(`${task.name} (${network} generator): the generator's mean moves towards the data's and the ${task.name === 'gan-gbm' ? 'discriminator' : 'critic'} is not constant`, async () => {
      const before = tf.memory().numTensors;
      const result = await trainOnShiftedData(task, network);
      // A generator of paths in ℝ⁴: an ODE flow is a dense lift followed by the ODE block.
      expect(result.shape).toEqual([3, 4]);
      expect(result.layers).toEqual(network === 'ode' ? ['dense', 'ode'] : ['dense', 'dense']);
      // The data's mean is 3; an untrained generator's is near 0.
      expect(Math.abs(result.before - 3)).toBeGreaterThan(2);
      expect(Math.abs(result.after - 3)).toBeLessThan(0.5 * Math.abs(result.before - 3));
      const spread = Math.max(...result.scores) - Math.min(...result.scores);
      expect(spread).toBeGreaterThan(0.05);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

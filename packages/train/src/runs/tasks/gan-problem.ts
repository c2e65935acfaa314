// The training problem of the GAN and WGAN tasks: the critic and generator players, their shared state, the rule on the gradient penalty and sampling the generator.
import type { Model, ModelParams, ModelState } from '@runge/architectures';
import {
  criticLoss,
  discriminatorLoss,
  generatorLossNonSaturating,
  gradientPenalty,
  wassersteinGeneratorLoss,
} from '@runge/losses';
import { ConfigError, Rng, type TensorTree } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import type { Player, TrainingProblem } from '../../problem.js';
import type { Batch } from '../../tensor-source.js';
import type { RunConfig } from '../run-config.js';
import type { TaskCheckContext, TaskNetworks, TaskProblemContext } from './run-task.js';

/** The two kinds of adversarial training: the GAN game with a discriminator, or the WGAN one with a critic. */
export type GanKind = 'gan' | 'wgan';

/** The networks' state as fit keeps it for several networks: one entry per network. */
type GanState = { readonly generator: ModelState; readonly critic: ModelState };

/**
 * Checks the settings that depend on the kind of game: the gradient penalty
 * `λ E[(‖∇D(x̂)‖ − 1)²]` belongs to the WGAN critic.
 *
 * @param kind - `'gan'` or `'wgan'`.
 * @param config - The resolved run configuration.
 * @param ctx - Where the configuration came from and how to name a setting.
 * @throws {@link @runge/tensor-ops!ConfigError} for a gradient penalty in a GAN task.
 * @example
 * ```ts
 * checkGanKind('gan', config, { source: 'cli', name: (p) => p });
 * ```
 */
export function checkGanKind(kind: GanKind, config: RunConfig, ctx: TaskCheckContext): void {
  if (kind === 'gan' && config.generative.gradientPenalty > 0) {
    throw new ConfigError(
      `${ctx.source}: ${ctx.name('generative.gradientPenalty')} applies to the WGAN critic; use the task wgan-gbm or wgan-mnist, or set it to 0`,
    );
  }
}

/**
 * Draws `n` generator samples `G(z)`, `z ~ N(0, I)` from a fixed seed, in evaluation mode.
 *
 * @param nets - The task's networks (`generator` among them).
 * @param n - The number of samples.
 * @param seed - The seed of `z`, so the same seed gives the same latent batch at every epoch.
 * @returns `[n, ...generator output shape]`, owned by the caller.
 * @example
 * ```ts
 * const samples = generateSamples(nets, 64, 7); // [64, 28, 28, 1] for an MNIST generator
 * ```
 */
export function generateSamples(nets: TaskNetworks, n: number, seed: number): tf.Tensor {
  const { generator } = nets as { generator: TaskNetworks[string] };
  const latent = generator.model.inputShape[0] as number;
  return tf.tidy(() => {
    const z = Rng.fromSeed(seed).normal([n, latent]);
    return generator.model.apply(generator.params, z, { training: false, state: generator.state })
      .y;
  });
}

/**
 * The problem of a GAN task: two players taking turns on every batch `x` of real examples,
 * `z ~ N(0, I_latent)` drawn afresh by each:
 * - the critic (parameters `critic`, `criticSteps` updates per batch) minimises
 *   `−E log σ(D(x)) − E log(1 − σ(D(G(z))))` (GAN) or `E D(G(z)) − E D(x)` (WGAN, plus the
 *   gradient penalty when `gradientPenalty > 0`), scoring real and generated samples in one pass so
 *   a spectrally normalised critic advances its power iteration once per step;
 * - the generator (parameters `generator`) minimises the non-saturating `−E log σ(D(G(z)))`
 *   (GAN) or `−E D(G(z))` (WGAN).
 *
 * The state is `{ generator, critic }` (the critic's power-iteration vectors). Per-step metrics:
 * `realScore`/`fakeScore` (mean `σ(D)`) for a GAN, the critic's estimate `wasserstein` for a WGAN.
 *
 * @param kind - `'gan'` or `'wgan'`.
 * @param ctx - The task's problem context (`models.generator`, `models.critic`, their `init`).
 * @param evaluate - The validation metrics of the current networks on real examples `x`.
 * @returns The problem `fit` trains.
 * @example
 * ```ts
 * problem(ctx) { return ganProblem('wgan', ctx, (nets, x) => ({ gap: meanGap(nets, x) })); }
 * ```
 */
export function ganProblem(
  kind: GanKind,
  ctx: TaskProblemContext,
  evaluate: (nets: TaskNetworks, x: tf.Tensor) => Record<string, number>,
): TrainingProblem<Batch> {
  const { config, models, init, optimizer, learningRate } = ctx;
  const wasserstein = kind === 'wgan';
  const G = models.generator as Model;
  const D = models.critic as Model;
  const g = config.generative;
  const latent = g.latent;
  const shared = {
    optimizer,
    learningRate,
    ...(config.train.clipNorm !== undefined ? { clipNorm: config.train.clipNorm } : {}),
    ...(config.train.weightDecay > 0 ? { weightDecay: config.train.weightDecay } : {}),
  };
  const criticPlayer: Player<Batch> = {
    ...shared,
    params: 'critic',
    repeat: g.criticSteps,
    loss(params, state, batch, lossCtx) {
      const s = state as unknown as GanState;
      const n = batch.x.shape[0] as number;
      const fake = G.apply(params.generator as ModelParams, lossCtx.rng.normal([n, latent]), {
        training: false,
        state: s.generator,
      });
      // Real and generated samples in one pass, so the power iteration advances once per step.
      const scored = D.apply(params.critic as ModelParams, tf.concat([batch.x, fake.y], 0), {
        training: true,
        state: s.critic,
      });
      const scores = tf.reshape(scored.y, [2 * n]);
      const real = tf.slice(scores, [0], [n]);
      const fakeScores = tf.slice(scores, [n], [n]);
      let loss = wasserstein ? criticLoss(real, fakeScores) : discriminatorLoss(real, fakeScores);
      if (wasserstein && g.gradientPenalty > 0) {
        const score = (x: tf.Tensor) =>
          D.apply(params.critic as ModelParams, x, { training: false, state: s.critic }).y;
        loss = tf.add(
          loss,
          gradientPenalty(score, batch.x, fake.y, lossCtx.rng, { weight: g.gradientPenalty }),
        ) as tf.Scalar;
      }
      const metrics: Record<string, tf.Scalar> = wasserstein
        ? { wasserstein: tf.sub(tf.mean(real), tf.mean(fakeScores)) as tf.Scalar }
        : {
            realScore: tf.mean(tf.sigmoid(real)) as tf.Scalar,
            fakeScore: tf.mean(tf.sigmoid(fakeScores)) as tf.Scalar,
          };
      return {
        loss,
        metrics,
        state: { generator: fake.state, critic: scored.state } as unknown as TensorTree,
      };
    },
  };
  const generatorPlayer: Player<Batch> = {
    ...shared,
    params: 'generator',
    loss(params, state, batch, lossCtx) {
      const s = state as unknown as GanState;
      const n = batch.x.shape[0] as number;
      const fake = G.apply(params.generator as ModelParams, lossCtx.rng.normal([n, latent]), {
        training: lossCtx.training,
        state: s.generator,
      });
      const scored = D.apply(params.critic as ModelParams, fake.y, {
        training: false,
        state: s.critic,
      });
      return {
        loss: wasserstein
          ? wassersteinGeneratorLoss(scored.y)
          : generatorLossNonSaturating(scored.y),
        state: { generator: fake.state, critic: scored.state } as unknown as TensorTree,
      };
    },
  };
  const nets = (params: Record<string, TensorTree>, state: TensorTree): TaskNetworks => {
    const s = state as unknown as GanState;
    return {
      generator: { model: G, params: params.generator as ModelParams, state: s.generator },
      critic: { model: D, params: params.critic as ModelParams, state: s.critic },
    };
  };
  return {
    params: {
      generator: init.generator?.params as ModelParams,
      critic: init.critic?.params as ModelParams,
    },
    state: {
      generator: init.generator?.state ?? {},
      critic: init.critic?.state ?? {},
    } as unknown as TensorTree,
    players: [criticPlayer, generatorPlayer],
    evaluate(params, state, data) {
      const batch = data.take(Int32Array.from({ length: data.size }, (_, i) => i));
      try {
        return evaluate(nets(params, state), batch.x);
      } finally {
        data.disposeBatch(batch);
      }
    },
  };
}

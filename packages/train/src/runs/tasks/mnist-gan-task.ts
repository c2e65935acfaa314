// The GAN and WGAN tasks on the MNIST digits: a DCGAN-style (or MLP) generator and critic, a grid of samples per epoch, and how the samples' pixels and scores compare with the data's.
import type { Dataset } from '@runge/datasets';
import * as tf from '@tensorflow/tfjs-core';
import type { TrainingProblem } from '../../problem.js';
import type { Batch } from '../../tensor-source.js';
import { imageGrid, writePng } from '../plots/png.js';
import type { RunConfig } from '../run-config.js';
import { samplesFolder } from '../samples-folder.js';
import { checkDigitsTask } from './digits-task-check.js';
import { ganNetworks } from './gan-networks.js';
import { checkGanKind, type GanKind, ganProblem, generateSamples } from './gan-problem.js';
import type { RunTask, TaskEvaluation, TaskNetworks } from './run-task.js';

/** Examples per forward pass when judging a data set. */
const CHUNK = 500;

/**
 * How generated images compare with real ones `x: [n, H, W, C]` (as many samples as real
 * images, from a fixed seed; the critic in evaluation mode):
 * - `meanImageError`: `√(mean_p (x̄_p − ḡ_p)²)`, the RMS gap between the real and generated
 *   mean images (pixel `p`), 0 when the generator has the data's mean image;
 * - `realMean`, `generatedMean`: the mean pixel of the real and of the generated images, and
 *   `meanGap` the absolute difference;
 * - `criticGap`: `mean D(x) − mean D(G(z))` (the WGAN critic's Wasserstein estimate; for a GAN
 *   the gap of the logits);
 * - `criticSpread`: the standard deviation of `D` over real and generated images together, 0
 *   for a critic collapsed to a constant.
 */
function imageMetrics(nets: TaskNetworks, x: tf.Tensor, config: RunConfig): Record<string, number> {
  const { critic } = nets as { critic: TaskNetworks[string] };
  const n = x.shape[0] as number;
  const pixels = (x.size / n) | 0;
  const realSum = new Float64Array(pixels);
  const fakeSum = new Float64Array(pixels);
  const realScores: number[] = [];
  const fakeScores: number[] = [];
  for (let start = 0; start < n; start += CHUNK) {
    const size = Math.min(CHUNK, n - start);
    const parts = tf.tidy(() => {
      const real = tf.slice(x, start, size);
      const fake = generateSamples(nets, size, config.seed + 7919 + start);
      const score = (images: tf.Tensor) =>
        tf.reshape(
          critic.model.apply(critic.params, images, { training: false, state: critic.state }).y,
          [size],
        );
      return [tf.sum(real, 0), tf.sum(fake, 0), score(real), score(fake)];
    });
    const [rs, fs, rd, fd] = parts.map((t) => t.dataSync());
    tf.dispose(parts);
    for (let p = 0; p < pixels; p++) {
      realSum[p] = (realSum[p] as number) + (rs?.[p] as number);
      fakeSum[p] = (fakeSum[p] as number) + (fs?.[p] as number);
    }
    realScores.push(...(rd ?? []));
    fakeScores.push(...(fd ?? []));
  }
  let squares = 0;
  let realTotal = 0;
  let fakeTotal = 0;
  for (let p = 0; p < pixels; p++) {
    const r = (realSum[p] as number) / n;
    const f = (fakeSum[p] as number) / n;
    squares += (r - f) ** 2;
    realTotal += r;
    fakeTotal += f;
  }
  const mean = (v: readonly number[]) => v.reduce((s, a) => s + a, 0) / v.length;
  const all = [...realScores, ...fakeScores];
  const centre = mean(all);
  return {
    meanImageError: Math.sqrt(squares / pixels),
    realMean: realTotal / pixels,
    generatedMean: fakeTotal / pixels,
    meanGap: Math.abs(fakeTotal - realTotal) / pixels,
    criticGap: mean(realScores) - mean(fakeScores),
    criticSpread: Math.sqrt(mean(all.map((s) => (s - centre) ** 2))),
  };
}

/**
 * Writes a grid of 8 × 8 generator samples from a fixed latent batch (seed `config.seed + 31`, the
 * same at every epoch, so successive grids show the same 64 digits being learnt).
 */
async function writeSampleGrid(nets: TaskNetworks, file: string, config: RunConfig): Promise<void> {
  const samples = generateSamples(nets, 64, config.seed + 31);
  const grid = imageGrid(samples, { columns: 8 });
  try {
    await writePng(file, grid);
  } finally {
    tf.dispose([samples, grid]);
  }
}

/** Builds the `gan-mnist` or `wgan-mnist` task. */
function mnistGanTask(kind: GanKind): RunTask {
  const wasserstein = kind === 'wgan';
  return {
    name: wasserstein ? 'wgan-mnist' : 'gan-mnist',
    description: wasserstein
      ? 'a WGAN (DCGAN-style generator, spectrally normalised conv critic, optional gradient penalty) learns the digits; sample grids per epoch'
      : 'a GAN (DCGAN-style generator and discriminator, non-saturating loss) learns the digits; sample grids per epoch',
    targets: 'classes',
    sources: ['mnist', 'idx'],
    headline: 'meanImageError',
    // Adam with β₁ = 0.5 (DCGAN); the convolutional networks unless the configuration says 'mlp'.
    defaults: {
      train: { optimizer: 'adam', momentum: 0.5, lr: 0.0005, epochs: 5, batchSize: 64 },
      generative: { network: 'conv' },
    },
    check(config, ctx) {
      checkGanKind(kind, config, ctx);
      checkDigitsTask(this, config, ctx, ['mlp', 'conv']);
    },
    networks(config, data) {
      return ganNetworks(config, data.inputShape);
    },
    problem(ctx): TrainingProblem<Batch> {
      return ganProblem(kind, ctx, (nets, x) => imageMetrics(nets, x, ctx.config));
    },
    evaluate(nets, data: Dataset, { config }): TaskEvaluation {
      const metrics = imageMetrics(nets, data.x, config);
      return { loss: metrics.meanImageError as number, metrics, examples: data.size };
    },
    async epochEnd({ nets, dir, epoch, config }) {
      if (dir === null) return [];
      const file = (await samplesFolder(dir, 'writing samples')).epochFile('samples', epoch);
      await writeSampleGrid(nets, file, config);
      return [file];
    },
    async report({ config, data, nets, dir }) {
      const metrics = imageMetrics(nets, data.test.x, config);
      if (dir === null) return { files: [], summary: metrics };
      const file = (await samplesFolder(dir, 'writing samples')).join('samples.png');
      await writeSampleGrid(nets, file, config);
      return { files: [file], summary: { ...metrics, samples: file } };
    },
  };
}

/** `gan-mnist`: a GAN with the non-saturating loss learns the MNIST digits. */
export const ganMnistTask: RunTask = mnistGanTask('gan');

/** `wgan-mnist`: a WGAN with a spectrally normalised critic learns the MNIST digits. */
export const wganMnistTask: RunTask = mnistGanTask('wgan');

// The VAE task on MNIST: an MLP or convolutional encoder and decoder trained on the evidence lower bound, with grids of reconstructions and prior samples and the 2-D latent map.
import type { Model, ModelConfig, ModelParams } from '@runge/architectures';
import type { Dataset } from '@runge/datasets';
import { type ElboResult, elbo, reparameterize } from '@runge/losses';
import { Rng } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import type { Player, TrainingProblem } from '../../problem.js';
import type { Batch } from '../../tensor-source.js';
import { nodeFs } from '../node-fs.js';
import { imageGrid, writePng } from '../plots/png.js';
import { renderSvg } from '../plots/render-svg.js';
import type { RunConfig } from '../run-config.js';
import { writeFileAtomic } from '../run-dir.js';
import { samplesFolder } from '../samples-folder.js';
import { checkDigitsTask } from './digits-task-check.js';
import {
  convImageShape,
  denseStack,
  downsamplingStack,
  upsamplingStack,
} from './network-stacks.js';
import type { RunTask, TaskEvaluation, TaskNetworks } from './run-task.js';

/** The encoder and decoder of a VAE and their parameters. */
export interface VaeNetworks {
  /** `x ↦ [μ, log s²]`, `[batch, 2·latent]`. */
  readonly encoder: Model;
  /** `z ↦` logits (Bernoulli) or means (Gaussian) of the flattened data, `[batch, D]`. */
  readonly decoder: Model;
}

/**
 * The encoder and decoder of a VAE on examples of shape `inputShape` (`D` values), by
 * `generative.network`:
 * - `mlp`: encoder `x ↦ [μ, log s²] ∈ ℝ^{2·latent}` (flatten, `depth` dense ReLU layers of
 *   `hidden` units, a linear layer), decoder `z ↦ ℝ^D` (`depth` dense ReLU layers, a linear
 *   layer giving the Bernoulli logits of the pixels);
 * - `conv` (images `[H, W, C]`, sides multiples of 4; `F = filters`): encoder 3×3 stride-2
 *   convolutions to `F` and `2F` maps (ReLU), flatten, a linear layer to `[μ, log s²]`; decoder
 *   dense `z ↦ ℝ^{(H/4)(W/4)·2F}` (ReLU) reshaped to `[H/4, W/4, 2F]`, two ×2 nearest-neighbour
 *   upsamplings each followed by a 3×3 convolution (to `F` maps with ReLU, then to `C` maps of
 *   logits), flattened to `ℝ^D`.
 *
 * @param config - The resolved run configuration (its `generative` section: `network`, `latent`, `hidden`, `depth`, `filters`).
 * @param inputShape - One example's shape, e.g. `[28, 28, 1]`.
 * @returns `{ encoder, decoder }` model configs.
 * @throws {@link @runge/tensor-ops!ConfigError} for `conv` on examples that are not images with sides multiple of 4.
 * @example
 * ```ts
 * const { encoder, decoder } = vaeNetworks(config, [28, 28, 1]);
 * ```
 */
export function vaeNetworks(
  config: RunConfig,
  inputShape: readonly number[],
): { encoder: ModelConfig; decoder: ModelConfig } {
  const g = config.generative;
  const size = inputShape.reduce((a, b) => a * b, 1);
  if (g.network === 'conv') {
    const image = convImageShape(inputShape);
    return {
      encoder: {
        name: 'encoder',
        input: [...image],
        layers: [
          ...downsamplingStack(g.filters, 'relu', {}),
          { type: 'dense', units: 2 * g.latent },
        ],
      },
      decoder: {
        name: 'decoder',
        input: [g.latent],
        layers: [...upsamplingStack(image, g.filters, 'linear'), { type: 'flatten' }],
      },
    };
  }
  return {
    encoder: {
      name: 'encoder',
      input: [...inputShape],
      layers: [
        ...(inputShape.length > 1 ? [{ type: 'flatten' as const }] : []),
        ...denseStack(g.depth, g.hidden, {}),
        { type: 'dense', units: 2 * g.latent },
      ],
    },
    decoder: {
      name: 'decoder',
      input: [g.latent],
      layers: [...denseStack(g.depth, g.hidden, {}), { type: 'dense', units: size }],
    },
  };
}

/** The encoder's `μ` and `log s²` for a batch. Creates tensors in the caller's scope. */
function encode(
  nets: VaeNetworks,
  params: ModelParams,
  x: tf.Tensor,
): { mu: tf.Tensor2D; logVar: tf.Tensor2D } {
  const h = nets.encoder.apply(params, x).y as tf.Tensor2D;
  const [b, two] = h.shape;
  const latent = two / 2;
  return {
    mu: tf.slice(h, [0, 0], [b, latent]),
    logVar: tf.slice(h, [0, latent], [b, latent]),
  };
}

/**
 * The negative ELBO of a VAE on a batch (docs: /math/generative#elbo): the encoder gives
 * `q(z | x) = N(μ, diag s²)`, one `z = μ + s ⊙ ε` is drawn (`ε ~ N(0, I)` from `rng`), and
 * `−ELBO = −log p(x | z) + KL(q(z | x) ‖ N(0, I))` with the decoder's likelihood: Bernoulli
 * logits `ℓ = decoder(z)` or a Gaussian `N(decoder(z), σ² I)` (see `elbo` of @runge/losses),
 * summed over the data's `D` values and the latent dimensions, averaged over the batch. In
 * expectation over `ε` it is `−E_q[log p(x | z)] + KL ≥ −log p(x)`. Creates tensors in the
 * caller's scope.
 *
 * @param nets - The encoder and decoder.
 * @param params - Their parameters `{ encoder, decoder }`.
 * @param x - `[batch, ...inputShape]`.
 * @param rng - Draws `ε`.
 * @param likelihood - `'bernoulli'` (default, data in `[0, 1]`) or `'gaussian'`.
 * @param sigma - σ of the Gaussian likelihood; default 1.
 * @returns `{ loss, reconstruction, kl }` (scalars; `loss` is the negative ELBO in nats).
 * @example
 * ```ts
 * const { loss } = vaeNegativeElbo(nets, { encoder, decoder }, images, rng);
 * ```
 */
export function vaeNegativeElbo(
  nets: VaeNetworks,
  params: { readonly encoder: ModelParams; readonly decoder: ModelParams },
  x: tf.Tensor,
  rng: Rng,
  likelihood: 'bernoulli' | 'gaussian' = 'bernoulli',
  sigma = 1,
): ElboResult {
  const b = x.shape[0] as number;
  const { mu, logVar } = encode(nets, params.encoder, x);
  const z = reparameterize(mu, logVar, rng);
  const out = nets.decoder.apply(params.decoder, z).y;
  const flat = tf.reshape(x, [b, -1]);
  return elbo({
    x: flat,
    ...(likelihood === 'bernoulli' ? { reconstructionLogits: out } : { reconstructionMean: out }),
    mu,
    logVar,
    likelihood,
    sigma,
  });
}

function netsOf(nets: TaskNetworks): {
  vae: VaeNetworks;
  params: { encoder: ModelParams; decoder: ModelParams };
} {
  const { encoder, decoder } = nets as {
    encoder: TaskNetworks[string];
    decoder: TaskNetworks[string];
  };
  return {
    vae: { encoder: encoder.model, decoder: decoder.model },
    params: { encoder: encoder.params, decoder: decoder.params },
  };
}

/** The ELBO and its parts on a data set (nats per example), from one draw of `z` per example. */
function elboOn(
  vae: VaeNetworks,
  params: { encoder: ModelParams; decoder: ModelParams },
  x: tf.Tensor,
  seed: number,
): { elbo: number; reconstruction: number; kl: number } {
  const n = x.shape[0] as number;
  const rng = Rng.fromSeed(seed);
  let loss = 0;
  let reconstruction = 0;
  let kl = 0;
  for (let start = 0; start < n; start += 500) {
    const size = Math.min(500, n - start);
    const values = tf.tidy(() => {
      const batch = tf.slice(x, start, size);
      const r = vaeNegativeElbo(vae, params, batch, rng);
      return tf.stack([r.loss, r.reconstruction, r.kl]).dataSync();
    });
    loss += (values[0] as number) * size;
    reconstruction += (values[1] as number) * size;
    kl += (values[2] as number) * size;
  }
  return { elbo: -loss / n, reconstruction: reconstruction / n, kl: kl / n };
}

/** Decoder means `sigmoid(decoder(z))` as images `[n, ...imageShape]`. */
function decodeImages(vae: VaeNetworks, decoder: ModelParams, z: tf.Tensor): tf.Tensor4D {
  return tf.tidy(() => {
    const n = z.shape[0] as number;
    const shape = vae.encoder.inputShape;
    const y = tf.sigmoid(vae.decoder.apply(decoder, z).y);
    return tf.reshape(y, [n, ...shape]) as unknown as tf.Tensor4D;
  });
}

/** A grid of 64 samples from the prior, `z ~ N(0, I)` with a fixed seed. */
async function writePriorSamples(nets: TaskNetworks, file: string, seed: number): Promise<void> {
  const { vae, params } = netsOf(nets);
  const latent = vae.decoder.inputShape[0] as number;
  const z = Rng.fromSeed(seed).normal([64, latent]);
  const images = decodeImages(vae, params.decoder, z);
  const grid = imageGrid(images, { columns: 8 });
  try {
    await writePng(file, grid);
  } finally {
    tf.dispose([z, images, grid]);
  }
}

/** `vae-mnist`: a VAE with a Bernoulli decoder learns the MNIST digits. */
export const vaeMnistTask: RunTask = {
  name: 'vae-mnist',
  description:
    'a VAE (MLP or convolutional encoder, Bernoulli decoder) learns the digits; test ELBO in nats, reconstructions, prior samples',
  targets: 'classes',
  sources: ['mnist', 'idx'],
  headline: 'elbo',
  defaults: { train: { optimizer: 'adam', lr: 0.001, epochs: 6 } },
  check(config, ctx) {
    checkDigitsTask(this, config, ctx, ['mlp', 'conv']);
  },
  networks(config, data) {
    return vaeNetworks(config, data.inputShape);
  },
  problem({ config, models, init, optimizer, learningRate }): TrainingProblem<Batch> {
    const vae: VaeNetworks = {
      encoder: models.encoder as Model,
      decoder: models.decoder as Model,
    };
    // Encoder and decoder take turns on the same bound (block coordinate descent).
    const player = (key: 'encoder' | 'decoder'): Player<Batch> => ({
      params: key,
      optimizer,
      learningRate,
      ...(config.train.clipNorm !== undefined ? { clipNorm: config.train.clipNorm } : {}),
      loss(params, _state, batch, ctx) {
        const r = vaeNegativeElbo(
          vae,
          params as unknown as { encoder: ModelParams; decoder: ModelParams },
          batch.x,
          ctx.rng,
        );
        return { loss: r.loss, metrics: { reconstruction: r.reconstruction, kl: r.kl } };
      },
    });
    return {
      params: {
        encoder: init.encoder?.params as ModelParams,
        decoder: init.decoder?.params as ModelParams,
      },
      players: [player('encoder'), player('decoder')],
      evaluate(params, _state, data) {
        const batch = data.take(Int32Array.from({ length: data.size }, (_, i) => i));
        try {
          return elboOn(
            vae,
            params as unknown as { encoder: ModelParams; decoder: ModelParams },
            batch.x,
            config.seed + 17,
          );
        } finally {
          data.disposeBatch(batch);
        }
      },
    };
  },
  evaluate(nets, data: Dataset, { config }): TaskEvaluation {
    const { vae, params } = netsOf(nets);
    const r = elboOn(vae, params, data.x, config.seed + 17);
    return {
      loss: -r.elbo,
      metrics: { elbo: r.elbo, reconstruction: r.reconstruction, kl: r.kl },
      examples: data.size,
    };
  },
  async epochEnd({ nets, dir, epoch, config }) {
    if (dir === null) return [];
    const file = (await samplesFolder(dir, 'writing samples')).epochFile('prior', epoch);
    await writePriorSamples(nets, file, config.seed + 31);
    return [file];
  },
  async report({ config, data, nets, dir }) {
    const { vae, params } = netsOf(nets);
    const test = elboOn(vae, params, data.test.x, config.seed + 17);
    const summary = { elbo: test.elbo, reconstruction: test.reconstruction, kl: test.kl };
    if (dir === null) return { files: [], summary };
    const { fs, path } = nodeFs('writing the VAE report');
    const samples = await samplesFolder(dir, 'writing the VAE report');
    const plots = path.join(dir, 'plots');
    await fs.mkdir(plots, { recursive: true });
    const files: string[] = [];
    // 32 test digits (rows 1–4) above their reconstructions sigmoid(decoder(μ)) (rows 5–8).
    const n = Math.min(32, data.test.size);
    const grid = tf.tidy(() => {
      const x = tf.slice(data.test.x, 0, n);
      const { mu } = encode(vae, params.encoder, x);
      return imageGrid(tf.concat([x, decodeImages(vae, params.decoder, mu)], 0), { columns: 8 });
    });
    const reconstructions = samples.join('reconstructions.png');
    try {
      await writePng(reconstructions, grid);
    } finally {
      grid.dispose();
    }
    files.push(reconstructions);
    const prior = samples.join('prior-samples.png');
    await writePriorSamples(nets, prior, config.seed + 31);
    files.push(prior);
    if (vae.decoder.inputShape[0] === 2) {
      const m = Math.min(2000, data.test.size);
      const [means, labels] = tf.tidy(() => {
        const { mu } = encode(vae, params.encoder, tf.slice(data.test.x, 0, m));
        return [mu.arraySync() as number[][], Array.from(tf.slice(data.test.y, 0, m).dataSync())];
      });
      const svg = await renderSvg({
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        title: 'Latent means μ(x) of test digits',
        width: 400,
        height: 400,
        data: { values: means.map((p, i) => ({ z1: p[0], z2: p[1], digit: String(labels[i]) })) },
        mark: { type: 'point', filled: true, size: 12, opacity: 0.6 },
        encoding: {
          x: { field: 'z1', type: 'quantitative', title: 'z₁' },
          y: { field: 'z2', type: 'quantitative', title: 'z₂' },
          color: { field: 'digit', type: 'nominal', title: 'digit' },
        },
      });
      const scatter = path.join(plots, 'latent.svg');
      await writeFileAtomic(scatter, svg);
      files.push(scatter);
    }
    return { files, summary };
  },
};

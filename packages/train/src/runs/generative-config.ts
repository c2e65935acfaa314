// The settings of the generative run tasks (GANs, WGANs and the VAE): networks, critic updates, Lipschitz control and the GBM paths drawn.
import { z } from 'zod';
import { GENERATIVE_NETWORKS } from './generative-networks.js';

/**
 * The `generative` section of the run configuration: the generator and critic of the GAN tasks
 * (`gan-gbm`, `wgan-gbm`, `gan-mnist`, `wgan-mnist`), the encoder and decoder of `vae-mnist`, and
 * the geometric Brownian motion the GBM tasks learn. Each leaf's description
 * is the help text of its command-line flag.
 */
export const generativeConfigSchema = z
  .strictObject({
    network: z
      .enum(GENERATIVE_NETWORKS)
      .default('mlp')
      .describe(
        'networks: mlp (dense layers), conv (DCGAN-style convolutions on images), ode (a generator that is an ODE flow, GBM tasks)',
      ),
    latent: z.int().min(1).default(16).describe('dimension of the generator noise z ~ N(0, I)'),
    hidden: z.int().min(1).default(64).describe('width of the hidden layers of both networks'),
    depth: z.int().min(1).default(2).describe('hidden layers of the generator and the critic'),
    filters: z
      .int()
      .min(1)
      .default(16)
      .describe('feature maps F of the convolutional networks (F and 2F per stage)'),
    criticSteps: z
      .int()
      .min(1)
      .default(2)
      .describe('critic (discriminator) updates per generator update'),
    spectralNorm: z
      .boolean()
      .default(true)
      .describe('spectral normalisation of every critic layer (a 1-Lipschitz critic)'),
    gradientPenalty: z
      .number()
      .min(0)
      .default(0)
      .describe('weight λ of the WGAN gradient penalty (0 = off)'),
    gbm: z
      .strictObject({
        paths: z.int().min(10).default(4000).describe('GBM paths drawn (train + test)'),
        steps: z.int().min(2).default(16).describe('time steps per GBM path'),
        dt: z.number().positive().default(0.25).describe('GBM time step Δ in years'),
        mu: z.number().default(0.3).describe('GBM drift μ (annualised)'),
        sigma: z.number().positive().default(0.2).describe('GBM volatility σ (annualised)'),
      })
      .prefault({}),
  })
  .prefault({});

/** The resolved `generative` section. */
export type GenerativeConfig = z.infer<typeof generativeConfigSchema>;

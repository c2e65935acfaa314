// The settings of the application tasks (black-scholes, input-selection, mc-dropout): the market the quotes come from, the sparse regression's sizes, Monte-Carlo dropout's rate and samples.
import { BLACK_SCHOLES_COEFFICIENTS } from '@runge/architectures';
import { z } from 'zod';

/**
 * The `application` section of the run configuration: settings that only the application tasks
 * read (`black-scholes`, `input-selection`, `mc-dropout`); every key has a default, so
 * `runge train --task black-scholes` works as is. Each leaf's description is its flag's help.
 *
 * @example
 * ```ts
 * applicationConfigSchema.parse({}).blackScholes.sigma; // 0.2
 * ```
 */
export const applicationConfigSchema = z
  .strictObject({
    blackScholes: z
      .strictObject({
        sigma: z
          .number()
          .positive()
          .default(0.2)
          .describe('volatility of the market the quotes come from'),
        r: z.number().positive().default(0.05).describe('rate of the market the quotes come from'),
        sigmaStart: z
          .number()
          .positive()
          .default(0.4)
          .describe('volatility the network starts from'),
        rStart: z.number().positive().default(0.01).describe('rate the network starts from'),
        noise: z
          .number()
          .min(0)
          .max(0.5)
          .default(0)
          .describe('relative noise of the quoted prices (0.01: 1 %)'),
        nodes: z
          .int()
          .min(5)
          .optional()
          .describe(
            'grid points of the scheme in log-moneyness on [−xMax, xMax] (default 121; 41 for local-volatility)',
          ),
        xMax: z
          .number()
          .positive()
          .optional()
          .describe(
            'half-width xMax of the scheme’s log-moneyness grid (default 1.5; 1 for local-volatility)',
          ),
        coefficients: z
          .enum(BLACK_SCHOLES_COEFFICIENTS)
          .default('constant')
          .describe('coefficient model: one σ, or a local-volatility profile σ(ln S/K) on knots'),
        knots: z
          .array(z.number())
          .min(2)
          .optional()
          .describe(
            'knots of the local-volatility profile in ln(S/K), comma-separated (default -0.2,0,0.2)',
          ),
      })
      .prefault({}),
    inputSelection: z
      .strictObject({
        features: z.int().min(2).default(20).describe('features of the sparse regression'),
        relevant: z.int().min(1).default(3).describe('features the target depends on'),
        lambda: z.number().min(0).default(0.2).describe('weight λ of the L1 penalty λ‖w‖₁'),
      })
      .prefault({}),
    mcDropout: z
      .strictObject({
        rate: z
          .number()
          .min(0)
          .max(0.9)
          .default(0.1)
          .describe('dropout rate, kept on at prediction'),
        samples: z.int().min(2).default(50).describe('stochastic forward passes per prediction'),
        noise: z.number().positive().default(0.1).describe('noise of the curve’s targets'),
      })
      .prefault({}),
  })
  .prefault({});

/** The resolved `application` settings. */
export type ApplicationConfig = z.infer<typeof applicationConfigSchema>;

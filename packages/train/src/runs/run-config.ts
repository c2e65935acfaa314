// The run configuration: every setting of a training run with its default, the names it accepts (imported from the packages that own them) and the rules between settings.
import { BLOCK_NAMES } from '@runge/architectures';
import { GRADIENT_MODES, METHOD_NAMES } from '@runge/integrators';
import { TRANSFER_METHODS } from '@runge/multigrid';
import { BACKEND_REQUESTS } from '@runge/tensor-ops';
import { z } from 'zod';
import { SCHEDULE_TYPES } from '../schedule.js';
import { applicationConfigSchema } from './application-config.js';
import { generativeConfigSchema } from './generative-config.js';
import { OPTIMIZER_NAMES } from './optimizer-names.js';
import { DATA_SOURCES } from './run-data-sources.js';
import { secondOrderSchema } from './run-second-order.js';
import { runStabilitySchema } from './run-stability.js';
import { sequenceConfigSchema } from './sequence-config.js';
import { TASK_NAMES } from './tasks/task-names.js';

/** The built-in models a run can start from. */
export const MODEL_PRESETS = Object.freeze(['w1', 'toy'] as const);

const gradientSchema = z.union([
  z.enum(GRADIENT_MODES),
  z.strictObject({ mode: z.enum(GRADIENT_MODES), every: z.int().min(1).optional() }),
]);

/**
 * The run configuration of `runTraining` and `runge train`: what to learn from, which model, how
 * to train. Every key has a default, so an empty configuration trains the W1 ODE-ResNet on the
 * embedded MNIST digits. The resolved configuration is written to the run directory. Each leaf's
 * description is the help text of its command-line flag.
 */
export const runConfigSchema = z.strictObject({
  task: z.enum(TASK_NAMES).default('classification').describe('what is learned (the run task)'),
  name: z
    .string()
    .regex(/^[\w.-]+$/, 'use letters, digits, dots, dashes and underscores')
    .optional()
    .describe('prefix of the run directory name'),
  seed: z.int().min(0).default(1).describe('seed of initialisation, data order and every draw'),
  backend: z.enum(BACKEND_REQUESTS).default('auto').describe('TF.js backend'),
  threads: z
    .int()
    .min(1)
    .max(8)
    .optional()
    .describe('compute threads (default: the machine cores, at most 8)'),
  output: z.string().default('runs').describe('directory for run directories'),
  data: z
    .strictObject({
      source: z.enum(DATA_SOURCES).default('mnist').describe('data set'),
      path: z.string().optional().describe('directory of the data files (idx, cifar10)'),
      validation: z
        .number()
        .min(0)
        .max(0.9)
        .default(0.1)
        .describe('fraction of the training set held out for validation'),
      limit: z.int().min(1).optional().describe('use only the first n training examples'),
      testLimit: z.int().min(1).optional().describe('evaluate on only the first n test examples'),
      resolution: z
        .int()
        .min(1)
        .optional()
        .describe(
          'image height to train at (H/2^k: 28, 14 or 7 for MNIST; H·2^k by bilinear interpolation: 56, 112)',
        ),
      shift: z
        .int()
        .min(0)
        .optional()
        .describe(
          'augmentation: move training images by up to this many pixels (default 2 for images, 0 for digits read row by row; 0 = off)',
        ),
      points: z.int().min(10).default(2000).describe('points of a synthetic set (train + test)'),
      classes: z.int().min(2).default(3).describe('classes of a synthetic classification set'),
    })
    .prefault({}),
  model: z
    .strictObject({
      preset: z
        .enum(MODEL_PRESETS)
        .default('w1')
        .describe('model preset: w1 (images) or toy (feature vectors)'),
      dynamics: z
        .enum(BLOCK_NAMES)
        .default('resnet')
        .describe('the block: ODE dynamics, or fractal (a FractalNet block)'),
      integrator: z
        .enum(METHOD_NAMES)
        .optional()
        .describe('time stepping of the ODE block (default: leapfrog for hamiltonian, else euler)'),
      steps: z.int().min(1).default(8).describe('time steps N of the ODE block'),
      controls: z.int().min(1).optional().describe('weight sets M of the ODE block (default N)'),
      channels: z
        .int()
        .min(1)
        .default(16)
        .describe('channels (images) or width (vectors) of the block'),
      columns: z.int().min(1).max(8).optional().describe('columns of a fractal block (default 2)'),
      poolTo: z
        .int()
        .min(1)
        .optional()
        .describe(
          'w1: average-pool the features to a side × side grid at any resolution (default: a 2×2 pool)',
        ),
      gradient: gradientSchema
        .default('backprop')
        .describe('gradient through the ODE block (a mode, or { mode: checkpoint, every })'),
      stability: runStabilitySchema,
      config: z
        .record(z.string(), z.unknown())
        .optional()
        .describe('a complete model configuration of @runge/architectures, replacing the preset'),
    })
    .prefault({}),
  train: z
    .strictObject({
      epochs: z.int().min(1).default(12).describe('epochs'),
      batchSize: z.int().min(1).default(64).describe('examples per batch'),
      optimizer: z.enum(OPTIMIZER_NAMES).default('momentum').describe('optimiser'),
      lr: z.number().positive().default(0.05).describe('peak learning rate'),
      schedule: z.enum(SCHEDULE_TYPES).default('cosine').describe('learning-rate schedule'),
      momentum: z.number().min(0).max(0.999).default(0.9).describe('momentum (β₁ of adam)'),
      clipNorm: z.number().positive().optional().describe('clip gradients by this global norm'),
      weightDecay: z.number().min(0).default(0).describe('decoupled weight decay'),
      secondOrder: secondOrderSchema.describe('settings of lbfgs, newton, gauss-newton and varpro'),
      earlyStopping: z
        .strictObject({
          metric: z.string().default('validation.accuracy'),
          patience: z.int().min(1).default(3),
          mode: z.enum(['min', 'max']).optional(),
          minDelta: z.number().min(0).default(0),
        })
        .optional()
        .describe('stop when a validation metric stops improving'),
      stepCycle: z
        .array(z.int().min(1))
        .min(1)
        .optional()
        .describe(
          "multiples of the ODE blocks' steps N, one per training batch in turn (e.g. 1,2: N and 2N alternately; default 1); evaluation uses N",
        ),
      checkpointEvery: z.int().min(1).default(1).describe('write a checkpoint every n epochs'),
      multilevel: z
        .int()
        .min(1)
        .optional()
        .describe(
          'train coarse to fine on this many levels (image pyramid; depth levels for feature vectors)',
        ),
      multilevelEpochs: z
        .array(z.int().min(1))
        .min(1)
        .optional()
        .describe(
          'epochs of each multilevel level, coarsest first, comma-separated (default: an even split); they sum to train.epochs',
        ),
      multilevelMethod: z
        .enum(TRANSFER_METHODS as readonly ['naive', 'galerkin', 'rediscretize'])
        .default('naive')
        .describe('how kernels move between levels'),
      multilevelDepth: z
        .boolean()
        .default(false)
        .describe('multilevel training also refines the depth N/2^(L−1−ℓ) → N'),
    })
    .prefault({}),
  sequence: sequenceConfigSchema,
  application: applicationConfigSchema.describe('settings of the application tasks'),
  generative: generativeConfigSchema,
});

/** A resolved run configuration (every default filled in). */
export type RunConfig = z.infer<typeof runConfigSchema>;

/** A configuration as written by a user: every key optional. */
export type RunConfigInput = z.input<typeof runConfigSchema>;

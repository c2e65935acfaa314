import { access } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { ConfigError } from '@runge/tensor-ops';
import { loadConfig } from 'c12';
import { z } from 'zod';

const DYNAMICS = ['resnet', 'resnet2', 'parabolic', 'antisymmetric', 'hamiltonian'] as const;
const INTEGRATORS = ['euler', 'midpoint', 'heun', 'rk4', 'leapfrog'] as const;

/**
 * The run configuration of `runge train`: what to learn from, which model, how to train. Every
 * key has a default, so `runge train` with nothing else trains the W1 ODE-ResNet on the embedded
 * MNIST digits. The resolved configuration is written to the run directory.
 */
export const runConfigSchema = z.strictObject({
  /** What is learned; later versions add generative, sequence and finance tasks. */
  task: z.enum(['classification']).default('classification'),
  /** Prefix of the run directory name. */
  name: z
    .string()
    .regex(/^[\w.-]+$/, 'use letters, digits, dots, dashes and underscores')
    .optional(),
  /** Seed of initialisation, data order and every random draw. */
  seed: z.int().min(0).default(1),
  /** TF.js backend. */
  backend: z.enum(['auto', 'wasm', 'cpu', 'tensorflow']).default('auto'),
  /** XNNPACK threads of the wasm backend (1–8); default the machine's cores, at most 8. */
  threads: z.int().min(1).max(8).optional(),
  /** Where run directories are created. */
  output: z.string().default('runs'),
  data: z
    .strictObject({
      /** `mnist`: the embedded digits; `idx`: MNIST-format files in `path`; `cifar10`: binary batches in `path`; or a synthetic 2-D set. */
      source: z.enum(['mnist', 'idx', 'cifar10', 'spirals', 'peaks', 'ellipses']).default('mnist'),
      /** Directory (or file) of the data for `idx` and `cifar10`. */
      path: z.string().optional(),
      /** Fraction of the training set held out for validation each epoch. */
      validation: z.number().min(0).max(0.9).default(0.1),
      /** Use only the first `limit` training examples (quick runs). */
      limit: z.int().min(1).optional(),
      /** Evaluate on only the first `testLimit` test examples. */
      testLimit: z.int().min(1).optional(),
      /**
       * Input resolution of image data: the native height `H` or `H/2^k` (each a full-weighting
       * restriction of the previous, while `H/2^k` is an integer ≥ 2: 28, 14, 7 for MNIST);
       * default the native size.
       */
      resolution: z.int().min(1).optional(),
      /**
       * Data augmentation of image data: every training image moved by random integer offsets in
       * `{−shift, …, shift}` pixels along each axis (zero fill); default 2 for image data, 0 (off)
       * otherwise.
       */
      shift: z.int().min(0).optional(),
      /** Points of a synthetic set (train + test). */
      points: z.int().min(10).default(2000),
      /** Classes of a synthetic set. */
      classes: z.int().min(2).default(3),
    })
    .prefault({}),
  model: z
    .strictObject({
      /** `w1`: the ODE-ResNet of the benchmarks (images); `toy`: an ODE network for 2-D points. */
      preset: z.enum(['w1', 'toy']).default('w1'),
      /** The dynamics of the ODE block. */
      dynamics: z.enum(DYNAMICS).default('resnet'),
      /** The time-stepping scheme of the ODE block (`leapfrog` for `hamiltonian`). */
      integrator: z.enum(INTEGRATORS).default('euler'),
      /** Time steps N of the ODE block. */
      steps: z.int().min(1).default(8),
      /** Control points M (weight sets) of the ODE block; default N. */
      controls: z.int().min(1).optional(),
      /** Channels (images) or width (points) of the ODE block. */
      channels: z.int().min(1).default(16),
      /** How gradients flow through the ODE block. */
      gradient: z.enum(['backprop', 'checkpoint', 'adjoint', 'reversible']).default('backprop'),
      /** A complete model configuration of @runge/architectures, replacing the preset. */
      config: z.record(z.string(), z.unknown()).optional(),
    })
    .prefault({}),
  train: z
    .strictObject({
      epochs: z.int().min(1).default(12),
      batchSize: z.int().min(1).default(64),
      optimizer: z.enum(['sgd', 'momentum', 'adam']).default('momentum'),
      /** Peak learning rate. */
      lr: z.number().positive().default(0.05),
      /** Learning-rate schedule over the run. */
      schedule: z.enum(['constant', 'cosine', 'step']).default('cosine'),
      /** Momentum coefficient for `momentum`. */
      momentum: z.number().min(0).max(0.999).default(0.9),
      /** Clip gradients by this global norm. */
      clipNorm: z.number().positive().optional(),
      /** Decoupled weight decay. */
      weightDecay: z.number().min(0).default(0),
      /** Stop when a validation metric stops improving. */
      earlyStopping: z
        .strictObject({
          metric: z.string().default('validation.accuracy'),
          patience: z.int().min(1).default(3),
        })
        .optional(),
      /** Write a checkpoint every this many epochs. */
      checkpointEvery: z.int().min(1).default(1),
      /**
       * Multilevel training on `L` levels of the image pyramid: resolutions `H/2^(L−1)` … `H`
       * (`⌈·⌉` at each halving), the epochs split evenly across the levels with the remainder
       * going to the finest ones; 1 (or absent) trains at the full resolution only.
       */
      multilevel: z.int().min(1).optional(),
      /** How kernels move from one level to the next (multilevel training). */
      multilevelMethod: z.enum(['naive', 'galerkin', 'rediscretize']).default('naive'),
      /**
       * Multilevel training also refines depth: the ODE blocks run `N/2^(L−1−ℓ)` steps at level
       * `ℓ` (`N` = model.steps at the finest), prolonged in time between levels.
       */
      multilevelDepth: z.boolean().default(false),
    })
    .prefault({}),
});

/** A resolved run configuration. */
export type RunConfig = z.infer<typeof runConfigSchema>;

/** A configuration as written by a user: every key optional. */
export type RunConfigInput = z.input<typeof runConfigSchema>;

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.length ? issue.path.join('.') : '(top level)';
  if (issue.code === 'unrecognized_keys') {
    const shape = shapeAt(issue.path.map(String));
    const allowed = shape ? ` (allowed: ${Object.keys(shape).join(', ')})` : '';
    return issue.keys
      .map((k) => `${issue.path.length ? `${path}.` : ''}${k}: unknown key${allowed}`)
      .join('\n');
  }
  if (issue.code === 'invalid_value') {
    return `${path}: ${JSON.stringify(issue.input)} is not allowed; expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return `${path}: ${issue.message}${issue.input !== undefined ? ` (got ${JSON.stringify(issue.input)})` : ''}`;
}

/** The object schema inside optional/default/prefault wrappers, or whatever is left. */
function unwrapped(schema: unknown): unknown {
  let inner = schema;
  while (
    inner &&
    typeof inner === 'object' &&
    'unwrap' in inner &&
    typeof inner.unwrap === 'function'
  ) {
    inner = (inner as { unwrap: () => unknown }).unwrap();
  }
  return inner;
}

function shapeAt(path: readonly string[]): Record<string, unknown> | null {
  let schema: z.ZodType = runConfigSchema;
  for (const key of path) {
    const shape = (unwrapped(schema) as { shape?: Record<string, z.ZodType> }).shape;
    if (!shape?.[key]) return null;
    schema = shape[key];
  }
  return (unwrapped(schema) as { shape?: Record<string, unknown> }).shape ?? null;
}

/**
 * Validates a configuration object and fills in defaults.
 *
 * @throws {@link ConfigError} listing every problem: the key, what is allowed, what was given.
 */
export function resolveConfig(input: unknown, source = 'configuration'): RunConfig {
  const result = runConfigSchema.safeParse(input ?? {}, { reportInput: true });
  if (!result.success) {
    const lines = result.error.issues.map(describeIssue).join('\n  ');
    throw new ConfigError(`${source} is invalid:\n  ${lines}`);
  }
  const config = result.data;
  if (config.model.dynamics === 'hamiltonian' && config.model.integrator !== 'leapfrog') {
    throw new ConfigError(
      `${source}: model.dynamics 'hamiltonian' needs model.integrator 'leapfrog' (got '${config.model.integrator}')`,
    );
  }
  const levels = config.train.multilevel ?? 1;
  if (levels > config.train.epochs) {
    throw new ConfigError(
      `${source}: train.multilevel ${levels} needs at least ${levels} epochs (one per level), got train.epochs ${config.train.epochs}`,
    );
  }
  if ((config.data.source === 'idx' || config.data.source === 'cifar10') && !config.data.path) {
    throw new ConfigError(
      `${source}: data.source '${config.data.source}' needs data.path (the directory holding the files)`,
    );
  }
  return config;
}

/** Reads a JSON or YAML configuration file. */
export async function readConfigFile(file: string): Promise<unknown> {
  const path = resolve(file);
  const ext = extname(path).toLowerCase();
  if (!['.json', '.yaml', '.yml'].includes(ext)) {
    throw new ConfigError(
      `${file}: unsupported configuration format '${ext || '(none)'}'; use .json, .yaml or .yml`,
    );
  }
  try {
    await access(path);
  } catch {
    throw new ConfigError(`${file}: configuration file not found`);
  }
  try {
    const { config } = await loadConfig({
      configFile: path,
      rcFile: false,
      globalRc: false,
      dotenv: false,
      packageJson: false,
      envName: false,
    });
    return config;
  } catch (e) {
    throw new ConfigError(`${file}: cannot parse (${(e as Error).message.split('\n')[0]})`, {
      cause: e,
    });
  }
}

/** Sets `value` at a dotted path of a plain object, creating intermediate objects. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1) as string] = value;
}

// Resolving a run configuration: validation against the schema, the task's defaults, and the rules between settings, with messages that name each setting.
import { checkMethod, defaultMethod } from '@runge/architectures';
import { resolveGradient } from '@runge/integrators';
import { ConfigError } from '@runge/tensor-ops';
import type { z } from 'zod';
import { type RunConfig, runConfigSchema } from './run-config.js';
import { runLevelCount } from './run-level-count.js';
import { checkRunStability } from './run-stability.js';
import { checkStepCycle } from './step-cycle.js';
import { taskOf } from './tasks/registry.js';
import { withTaskDefaults } from './tasks/task-defaults.js';

function show(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return JSON.stringify(value);
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
  let schema: unknown = runConfigSchema;
  for (const key of path) {
    const shape = (unwrapped(schema) as { shape?: Record<string, unknown> }).shape;
    if (!shape?.[key]) return null;
    schema = shape[key];
  }
  return (unwrapped(schema) as { shape?: Record<string, unknown> }).shape ?? null;
}

function describeIssue(issue: z.core.$ZodIssue, name: (path: string) => string): string {
  const path = issue.path.length ? issue.path.join('.') : '(top level)';
  if (issue.code === 'unrecognized_keys') {
    const shape = shapeAt(issue.path.map(String));
    const allowed = shape ? ` (allowed: ${Object.keys(shape).join(', ')})` : '';
    return issue.keys
      .map((k) => `${name(issue.path.length ? `${path}.${k}` : k)}: unknown key${allowed}`)
      .join('\n');
  }
  if (issue.code === 'invalid_value') {
    return `${name(path)}: ${show(issue.input)} is not allowed; expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return `${name(path)}: ${issue.message}${issue.input !== undefined ? ` (got ${show(issue.input)})` : ''}`;
}

/** Options of {@link resolveRunConfig}. */
export interface ResolveRunConfigOptions {
  /** What the configuration came from, for messages (a file name, `'options'`); default `'configuration'`. */
  readonly source?: string;
  /** How to name a setting in messages (the CLI adds its flag: `--epochs (train.epochs)`); default the dotted path. */
  readonly name?: (path: string) => string;
}

/**
 * Validates a run configuration and fills in its defaults (its task's own first, see
 * `withTaskDefaults`), then checks the rules between
 * settings, each defined by the package that owns it: the integrator fits the dynamics
 * (`checkMethod` of @runge/architectures; the default follows the dynamics, leapfrog for
 * Hamiltonian blocks), the gradient mode fits the integrator (`resolveGradient` of
 * @runge/integrators), multilevel levels fit the epochs, file data sources name their path, the
 * step cycle fits the task and optimiser (`checkStepCycle`), and the task accepts the data.
 *
 * @param input - The configuration as written (a parsed JSON/YAML object; `undefined` is `{}`).
 * @param options - `source` and `name` for messages.
 * @returns The resolved configuration.
 * @throws {@link @runge/tensor-ops!ConfigError} listing every problem: the key, what is allowed, what was given.
 * @example
 * ```ts
 * const config = resolveRunConfig({ model: { dynamics: 'hamiltonian' }, train: { epochs: 2 } });
 * config.model.integrator; // undefined: the block uses leapfrog, the dynamics' default
 * ```
 */
export function resolveRunConfig(input: unknown, options: ResolveRunConfigOptions = {}): RunConfig {
  const source = options.source ?? 'configuration';
  const name = options.name ?? ((path: string) => path);
  if (
    input !== undefined &&
    (typeof input !== 'object' || input === null || Array.isArray(input))
  ) {
    throw new ConfigError(
      `${source}: expected an object of settings (task, data, model, train, …), got ${input === null ? 'null (an empty file?)' : show(input)}`,
    );
  }
  const result = runConfigSchema.safeParse(withTaskDefaults(input ?? {}), { reportInput: true });
  if (!result.success) {
    const lines = result.error.issues.map((i) => describeIssue(i, name)).join('\n  ');
    throw new ConfigError(`${source} is invalid:\n  ${lines}`);
  }
  const config = result.data;
  const fail = (message: string): never => {
    throw new ConfigError(`${source}: ${message}`);
  };
  const m = config.model;
  if (m.dynamics === 'fractal') {
    for (const key of ['integrator', 'controls'] as const) {
      if (m[key] !== undefined) {
        fail(`${name(`model.${key}`)} applies to ODE blocks; a fractal block has no time steps`);
      }
    }
  } else {
    if (m.columns !== undefined) {
      fail(`${name('model.columns')} applies to fractal blocks (model.dynamics 'fractal')`);
    }
    const method = m.integrator ?? defaultMethod(m.dynamics);
    try {
      checkMethod(m.dynamics, method, name('model.integrator'));
      resolveGradient(m.gradient, method, name('model.gradient'));
    } catch (e) {
      fail((e as Error).message);
    }
  }
  if (config.model.poolTo !== undefined && (config.model.preset !== 'w1' || config.model.config)) {
    fail(
      `${name('model.poolTo')} sets the pool of the 'w1' preset; ${config.model.config ? `a ${name('model.config')} sets its own layers` : `the '${config.model.preset}' preset takes feature vectors and has no pool`}`,
    );
  }
  const levels = runLevelCount(config);
  const split = config.train.multilevelEpochs;
  const splitSum = split?.reduce((a, b) => a + b, 0);
  if (split && split.length !== levels) {
    fail(
      `${name('train.multilevelEpochs')} gives ${split.length} level(s) but ${name('train.multilevel')} is ${levels}; give one number of epochs per level`,
    );
  } else if (split && splitSum !== config.train.epochs) {
    fail(
      `${name('train.multilevelEpochs')} ${split.join(',')} sums to ${splitSum} epochs but ${name('train.epochs')} is ${config.train.epochs}; set ${name('train.epochs')} to ${splitSum}`,
    );
  } else if (levels > config.train.epochs) {
    fail(
      `${name('train.multilevel')} ${levels} needs at least ${levels} epochs (one per level), got ${name('train.epochs')} ${config.train.epochs}`,
    );
  }
  if ((config.data.source === 'idx' || config.data.source === 'cifar10') && !config.data.path) {
    fail(
      `${name('data.source')} '${config.data.source}' needs ${name('data.path')} (the directory holding the files)`,
    );
  }
  checkRunStability(config, name, fail);
  checkStepCycle(config, taskOf(config), name, fail);
  taskOf(config).check?.(config, { source, name });
  return config;
}

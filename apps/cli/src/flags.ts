// The flags of `runge train`: every key of the run configuration declares its flag (or none), and each flag's help, choices and parsing come from the configuration's schema.
import { type RunConfigInput, runConfigSchema } from '@runge/train';
import { InvalidArgumentError, Option } from 'commander';

/**
 * For every key of `T` (nested objects included), its flag — `'--epochs <n>'`, or a bare
 * `'--multilevel-depth'` for a boolean — or `null` when the key is set in configuration files only.
 * A key missing here is a type error, so a new setting cannot go without a decision about its
 * flag.
 */
export type FlagTable<T> = {
  readonly [K in keyof T]-?: NonNullable<T[K]> extends readonly unknown[]
    ? string | null
    : NonNullable<T[K]> extends Record<string, unknown>
      ? FlagTable<NonNullable<T[K]>> | null
      : string | null;
};

/** The flags of the run configuration. */
export const TRAIN_FLAGS: FlagTable<RunConfigInput> = {
  task: '--task <name>',
  name: '--name <name>',
  seed: '--seed <n>',
  backend: '--backend <name>',
  threads: '--threads <n>',
  output: '--out <dir>',
  data: {
    source: '--data <source>',
    path: '--data-path <dir>',
    validation: '--validation <fraction>',
    limit: '--limit <n>',
    testLimit: '--test-limit <n>',
    resolution: '--resolution <h>',
    shift: '--shift <pixels>',
    points: '--points <n>',
    classes: '--classes <k>',
  },
  model: {
    preset: '--preset <name>',
    dynamics: '--architecture <block>',
    integrator: '--integrator <method>',
    steps: '--steps <n>',
    controls: '--controls <m>',
    channels: '--channels <c>',
    columns: '--columns <c>',
    poolTo: '--pool-to <side>',
    gradient: '--gradient <mode>',
    stability: {
      mode: '--stability <mode>',
      margin: '--stability-margin <fraction>',
      iterations: '--stability-iterations <n>',
      shift: '--stability-shift <rule>',
      monitor: '--stability-monitor <n>',
    },
    config: null,
  },
  train: {
    epochs: '--epochs <n>',
    batchSize: '--batch-size <n>',
    optimizer: '--optimizer <name>',
    lr: '--lr <rate>',
    schedule: '--schedule <name>',
    momentum: '--momentum <beta>',
    clipNorm: '--clip-norm <tau>',
    weightDecay: '--weight-decay <lambda>',
    secondOrder: {
      iterations: '--iterations-per-batch <n>',
      memory: '--lbfgs-memory <m>',
      cgIterations: '--cg-iterations <n>',
      damping: '--damping <lambda>',
      headLambda: '--head-lambda <lambda>',
    },
    earlyStopping: null,
    stepCycle: '--step-cycle <list>',
    checkpointEvery: '--checkpoint-every <n>',
    multilevel: '--multilevel <levels>',
    multilevelEpochs: '--multilevel-epochs <list>',
    multilevelMethod: '--multilevel-method <method>',
    multilevelDepth: '--multilevel-depth',
  },
  sequence: {
    cell: '--cell <name>',
    units: '--units <n>',
    epsilon: '--epsilon <step>',
    gamma: '--gamma <damping>',
    window: '--window <n>',
    pathSteps: '--path-steps <n>',
  },
  application: {
    blackScholes: {
      sigma: '--bs-sigma <sigma>',
      r: '--bs-r <rate>',
      sigmaStart: '--bs-sigma-start <sigma>',
      rStart: '--bs-r-start <rate>',
      noise: '--bs-noise <fraction>',
      nodes: '--bs-nodes <n>',
      xMax: '--bs-x-max <half-width>',
      coefficients: '--bs-coefficients <model>',
      knots: '--bs-knots <list>',
    },
    inputSelection: {
      features: '--features <n>',
      relevant: '--relevant <k>',
      lambda: '--l1 <lambda>',
    },
    mcDropout: {
      rate: '--dropout <rate>',
      samples: '--mc-samples <n>',
      noise: '--curve-noise <s>',
    },
  },
  generative: {
    network: '--network <kind>',
    latent: '--latent <dim>',
    hidden: '--hidden <units>',
    depth: '--depth <layers>',
    filters: '--filters <c>',
    criticSteps: '--critic-steps <n>',
    spectralNorm: null,
    gradientPenalty: '--gradient-penalty <lambda>',
    gbm: {
      paths: '--gbm-paths <n>',
      steps: '--gbm-steps <n>',
      dt: '--gbm-dt <years>',
      mu: '--gbm-mu <drift>',
      sigma: '--gbm-sigma <volatility>',
    },
  },
};

/** A leaf of the table: its configuration path and flag. */
export interface FlagEntry {
  /** The dotted configuration path, e.g. `train.epochs`. */
  readonly path: string;
  /** The flag with its value placeholder, e.g. `--epochs <n>`. */
  readonly flag: string;
}

/** Every flag of the table, with its configuration path. */
export function flagEntries(table: object = TRAIN_FLAGS, prefix = ''): FlagEntry[] {
  return Object.entries(table).flatMap(([key, value]): FlagEntry[] => {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value === null) return [];
    if (typeof value === 'string') return [{ path, flag: value }];
    return flagEntries(value as object, path);
  });
}

interface SchemaNode {
  readonly description?: string;
  readonly def?: { readonly type?: string };
  readonly options?: readonly unknown[];
  readonly shape?: Record<string, SchemaNode>;
  readonly format?: string | null;
  unwrap?(): SchemaNode;
}

/** Whether a node is a wrapper to look through (an array's `unwrap` gives its element, not a wrapper). */
const wraps = (node: SchemaNode): boolean =>
  node.unwrap !== undefined && node.def?.type !== 'array';

/** The description and the innermost schema (optional/default wrappers removed) at a path. */
function schemaAt(path: string): { description?: string; inner: SchemaNode } {
  let node = runConfigSchema as unknown as SchemaNode;
  let description: string | undefined;
  for (const key of path.split('.')) {
    while (wraps(node)) node = (node.unwrap as () => SchemaNode)();
    const next = node.shape?.[key];
    if (!next) throw new Error(`flag table: no configuration key ${path}`);
    node = next;
  }
  description = node.description;
  while (wraps(node)) {
    node = (node.unwrap as () => SchemaNode)();
    description ??= node.description;
  }
  return { ...(description ? { description } : {}), inner: node };
}

/** The names a union or enum schema accepts as plain strings. */
function choicesOf(node: SchemaNode): string[] | undefined {
  if (node.def?.type === 'enum') return (node.options ?? []).map(String);
  if (node.def?.type === 'union') {
    for (const option of (node as unknown as { options: SchemaNode[] }).options) {
      const names = choicesOf(option);
      if (names) return names;
    }
  }
  return undefined;
}

/** The long name of a flag: `--batch-size <n>` → `batch-size`. */
export function flagName(flag: string): string {
  return (flag.split(' ')[0] as string).replace(/^--/, '');
}

/**
 * The commander option of a flag: help from the schema's description, choices from its enum,
 * numbers and comma-separated lists of numbers parsed (ranges are the schema's to check, with the
 * flag named in its message).
 */
export function optionOf(entry: FlagEntry): Option {
  const { description, inner } = schemaAt(entry.path);
  const option = new Option(entry.flag, description ?? entry.path);
  const choices = choicesOf(inner);
  if (choices) option.choices(choices);
  if (inner.def?.type === 'array') {
    option.argParser((value: string) => {
      const list = value.split(',').map((v) => Number(v));
      if (value.trim() === '' || list.some((n) => !Number.isFinite(n))) {
        throw new InvalidArgumentError(
          `--${flagName(entry.flag)} must be comma-separated numbers such as -0.2,0,0.2, got '${value}'`,
        );
      }
      return list;
    });
  }
  if (inner.def?.type === 'number') {
    option.argParser((value: string) => {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n)) {
        throw new InvalidArgumentError(
          `--${flagName(entry.flag)} must be a number, got '${value}'`,
        );
      }
      return n;
    });
  }
  return option;
}

/** `--epochs (train.epochs)`: how messages name a setting that has a flag. */
export function settingName(path: string): string {
  const entry = flagEntries().find((e) => e.path === path);
  return entry ? `--${flagName(entry.flag)} (${path})` : path;
}

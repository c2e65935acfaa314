#!/usr/bin/env node
// The runge command: parses the command line, runs the library call it names, prints; exit codes 0 / 1 runtime / 2 usage / 130 interrupted.
import { BLOCK_NAMES } from '@runge/architectures';
import { TRANSFER_METHODS } from '@runge/multigrid';
import { BACKEND_REQUESTS, ConfigError, RungeError } from '@runge/tensor-ops';
import { RUN_SPLITS, RunDirError } from '@runge/train';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { coarsenCommand } from './commands/coarsen.js';
import { convergeCommand } from './commands/converge.js';
import { evalCommand } from './commands/eval.js';
import { landscapeCommand } from './commands/landscape.js';
import { resumeCommand } from './commands/resume.js';
import { stabilityCommand } from './commands/stability.js';
import { stylizeCommand } from './commands/stylize.js';
import { trainCommand } from './commands/train.js';
import { flagEntries, optionOf } from './flags.js';
import type { CommandIo } from './output.js';
import { progressMode } from './progress.js';

/** Exit codes: 0 success, 1 runtime failure, 2 bad usage or configuration, 130 interrupted. */
const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

function integer(name: string, min = 1): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(`${name} must be an integer >= ${min}, got '${value}'`);
    return n;
  };
}

/** `--backend` of the commands that load a run: the backends of @runge/tensor-ops. */
function backendOption(): Option {
  return new Option('--backend <name>', 'TF.js backend').choices([...BACKEND_REQUESTS]);
}

function createIo(json: boolean, signal?: AbortSignal): CommandIo {
  return {
    out: process.stdout,
    err: process.stderr,
    mode: progressMode(process.stdout, json),
    ...(signal ? { signal } : {}),
  };
}

/** What a command of the CLI is: its parsed options and the terminal in, the exit code out. */
type CommandRun<O> = (options: O, io: CommandIo) => Promise<number>;

/**
 * The action of a command: runs it with the parsed options (less `--json`, which picks the output
 * mode) and sets the exit code; an interruptible command (training) gets the Ctrl-C signal.
 */
function commandAction<O>(
  run: CommandRun<O>,
  { interruptible = false }: { readonly interruptible?: boolean } = {},
): (opts: O & { readonly json?: boolean }) => Promise<void> {
  return async (opts) => {
    const { json, ...options } = opts;
    const io = createIo(Boolean(json), interruptible ? interruptSignal() : undefined);
    process.exitCode = await run(options as O, io);
  };
}

/** Aborts on the first Ctrl-C (training writes a checkpoint and stops); a second one exits at once. */
function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  process.on('SIGINT', () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(
      '\ninterrupt: finishing the current batch and writing a checkpoint (Ctrl-C again to quit now)\n',
    );
    controller.abort();
  });
  return controller.signal;
}

/** Builds the `runge` program. */
export function createProgram(): Command {
  const program = new Command('runge')
    .description('Train, evaluate and inspect ODE networks (Runge).')
    .showHelpAfterError()
    .exitOverride();

  const train = program
    .command('train')
    .description('train a model; with no options, the W1 ODE-ResNet on the embedded MNIST digits')
    .option('--config <file>', 'run configuration (JSON or YAML); flags override it')
    .option('--json', 'print JSON lines instead of progress bars');
  for (const entry of flagEntries()) train.addOption(optionOf(entry));
  train.action(async (opts: Record<string, unknown>) => {
    process.exitCode = await trainCommand(opts, createIo(Boolean(opts.json), interruptSignal()));
  });

  program
    .command('resume')
    .description('continue a run from its last checkpoint')
    .requiredOption('--run <dir>', 'run directory')
    .option('--epochs <n>', 'new total number of epochs', integer('--epochs'))
    .addOption(backendOption())
    .option('--json', 'print JSON lines instead of progress bars')
    .action(commandAction(resumeCommand, { interruptible: true }));

  program
    .command('eval')
    .description("evaluate a run's model: accuracy, loss, confusion matrix")
    .requiredOption('--run <dir>', 'run directory')
    .addOption(new Option('--split <name>', 'which data').choices([...RUN_SPLITS]).default('test'))
    .addOption(backendOption())
    .option('--json', 'print JSON')
    .action(commandAction(evalCommand));

  program
    .command('stability')
    .description(
      "Jacobian spectra hλ of a run's ODE blocks against the integrator's stability region: table of max |R(hλ)|, stability.json, plots/stability.svg",
    )
    .requiredOption('--run <dir>', 'run directory')
    .option('--samples <n>', 'test examples to analyse (default 4)', integer('--samples'))
    .option(
      '--steps-at <list>',
      "steps of each block: 'all', or a comma list of indices and first, middle, last (default all steps up to 16, else first,middle,last)",
    )
    .option(
      '--eigenvalues <k>',
      'eigenvalues of largest modulus per example for large states (Arnoldi; default 24)',
      integer('--eigenvalues'),
    )
    .addOption(backendOption())
    .option('--json', 'print JSON lines')
    .action(commandAction(stabilityCommand));

  program
    .command('converge')
    .description(
      'does the trained network converge to an ODE? its test outputs with every ODE block at N, 2N, 4N steps: differences, observed order, accuracy',
    )
    .requiredOption('--run <dir>', 'run directory')
    .option(
      '--levels <n>',
      'resolutions N, 2N, …, 2^(n−1)N (at least 3; default 3)',
      integer('--levels', 3),
    )
    .option('--samples <n>', 'test examples to use (default all)', integer('--samples'))
    .addOption(backendOption())
    .option('--json', 'print JSON')
    .action(commandAction(convergeCommand));

  program
    .command('coarsen')
    .description(
      "move a trained run's model to another image resolution (a new run that runge eval can evaluate)",
    )
    .requiredOption('--run <dir>', 'run directory of the trained model')
    .requiredOption(
      '--to <h>',
      'target image height (half or double the run resolution)',
      integer('--to'),
    )
    .addOption(
      new Option('--method <name>', 'how convolution kernels move (all: one new run per method)')
        .choices([...TRANSFER_METHODS, 'all'])
        .default('galerkin'),
    )
    .option('--out <dir>', 'directory for the new run (default: next to the source run)')
    .option('--json', 'print JSON')
    .action(commandAction(coarsenCommand));

  program
    .command('landscape')
    .description(
      'the circulant tanh network of the stability guide: the training objective over θ for few and many Euler steps, as heat maps',
    )
    .option('--steps <list>', 'comma list of step counts N (default 5,100)')
    .option('--grid <n>', 'grid points per θ axis (default 61)', integer('--grid', 2))
    .option('--out <dir>', 'directory for the SVGs and landscape.json (default runs/landscape)')
    .addOption(backendOption())
    .option('--json', 'print JSON')
    .action(
      commandAction(
        (opts: { steps?: string; grid?: number; out?: string; backend?: string }, io) => {
          const steps = opts.steps?.split(',').map((s) => integer('--steps')(s.trim()));
          return landscapeCommand(
            {
              ...(steps ? { steps } : {}),
              ...(opts.grid ? { grid: opts.grid } : {}),
              ...(opts.out ? { out: opts.out } : {}),
              ...(opts.backend ? { backend: opts.backend } : {}),
            },
            io,
          );
        },
      ),
    );

  program
    .command('stylize')
    .description(
      'style transfer as an ODE: the content picture flows to one with the style picture’s texture statistics (default: a built-in pair)',
    )
    .option('--content <png>', 'content picture (default: the built-in disc)')
    .option('--style <png>', 'style picture (default: the built-in stripes)')
    .option('--out <dir>', 'directory for the pictures and stylize.json (default runs/stylize)')
    .option('--iterations <n>', 'optimisation steps (default 100)', integer('--iterations'))
    .option('--steps <n>', 'time steps of the ODE on [0, 1] (default 4)', integer('--steps'))
    .option(
      '--style-weight <beta>',
      'weight of the style loss against the content loss (default 5)',
      Number,
    )
    .option('--lr <rate>', "Adam's learning rate (default 0.03)", Number)
    .option(
      '--seed <n>',
      'seed of the weights and the feature network (default 1)',
      integer('--seed', 0),
    )
    .option('--size <n>', 'side of the built-in pictures (default 32)', integer('--size', 8))
    .addOption(
      new Option('--architecture <block>', 'the flow’s block (default resnet2)').choices([
        ...BLOCK_NAMES,
      ]),
    )
    .option(
      '--feature-model <dir>',
      'folder with a TF.js layers model (model.json and weights) to use as the feature network φ (default: random filters)',
    )
    .option(
      '--feature-layers <names>',
      'comma-separated layers of --feature-model whose outputs are φ’s feature maps (default: every convolution layer)',
      (value: string) => value.split(',').map((name) => name.trim()),
    )
    .addOption(backendOption())
    .option('--json', 'print JSON')
    .action(commandAction(stylizeCommand));

  return program;
}

function isUsageError(e: unknown): boolean {
  return (
    e instanceof ConfigError ||
    e instanceof RunDirError ||
    (e instanceof RungeError && e.code === 'E_VALUE')
  );
}

/** Runs the CLI on `argv` and returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`runge: ${message}\n`);
    if (process.env.RUNGE_DEBUG && e instanceof Error && e.stack)
      process.stderr.write(`${e.stack}\n`);
    return isUsageError(e) ? EXIT.usage : EXIT.failure;
  }
}

const code = await main(process.argv.slice(2));
process.exit(code);

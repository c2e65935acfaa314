#!/usr/bin/env node
// `pnpm bench` / `runge bench`: runs BENCHMARK.md's W1, W2 and W3 and prints one JSON line per configuration.
//
//   node apps/cli/dist/bench/main.js [--only W1,W2,W3] [--backend wasm,cpu] [--seconds 10] [--threads n]
//
// Without --threads, wasm runs single-threaded in this process and, on a machine with several
// cores, once more with all of them in a child process (a process's first wasm initialisation
// fixes its thread pool). Results go to stdout, progress to stderr.
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  BENCH_BACKENDS,
  type BenchBackend,
  type BenchOptions,
  runBenchmarks,
  WORKLOADS,
  type Workload,
} from './run.js';

class UsageError extends Error {}

function list<T extends string>(value: string, allowed: readonly T[], flag: string): T[] {
  const items = value.split(',').map((s) => s.trim());
  for (const item of items) {
    if (!(allowed as readonly string[]).includes(item)) {
      throw new UsageError(
        `${flag}: expected a comma list of ${allowed.join(', ')}, got '${item}'`,
      );
    }
  }
  return items as T[];
}

function positive(value: string, flag: string, integer: boolean): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(
      `${flag}: expected a positive ${integer ? 'integer' : 'number'}, got '${value}'`,
    );
  }
  return n;
}

function parse(argv: readonly string[]): BenchOptions & { explicitThreads: boolean } {
  // pnpm forwards `pnpm bench -- --only W1` with the separator; drop it.
  const { values } = parseArgs({
    args: argv.filter((a) => a !== '--'),
    options: {
      only: { type: 'string', default: WORKLOADS.join(',') },
      backend: { type: 'string', default: BENCH_BACKENDS.join(',') },
      seconds: { type: 'string', default: '10' },
      threads: { type: 'string' },
    },
    strict: true,
  });
  const threads =
    values.threads === undefined ? undefined : positive(values.threads, '--threads', true);
  return {
    only: list<Workload>(values.only, WORKLOADS, '--only'),
    backends: list<BenchBackend>(values.backend, BENCH_BACKENDS, '--backend'),
    seconds: positive(values.seconds, '--seconds', false),
    explicitThreads: threads !== undefined,
    ...(threads !== undefined ? { threads } : {}),
  };
}

async function main(): Promise<number> {
  let options: ReturnType<typeof parse>;
  try {
    options = parse(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const emit = (record: object): void => {
    process.stdout.write(`${JSON.stringify(record)}\n`);
  };
  const log = (line: string): void => {
    process.stderr.write(`bench: ${line}\n`);
  };
  const cores = cpus().length;
  const wasmFirst = options.backends.filter((b) => b === 'wasm');
  await runBenchmarks({ ...options, backends: wasmFirst }, emit, log);
  if (wasmFirst.length > 0 && !options.explicitThreads && cores > 1) {
    log(`wasm with ${cores} threads (child process)`);
    const child = spawnSync(
      process.execPath,
      [
        fileURLToPath(import.meta.url),
        '--backend',
        'wasm',
        '--threads',
        String(cores),
        '--only',
        options.only.join(','),
        '--seconds',
        String(options.seconds),
      ],
      { stdio: 'inherit' },
    );
    if (child.status !== 0)
      log(`the threaded wasm run failed (exit ${child.status ?? child.signal})`);
  }
  const rest = options.backends.filter((b) => b !== 'wasm');
  await runBenchmarks({ ...options, backends: rest }, emit, log);
  return 0;
}

process.exitCode = await main();

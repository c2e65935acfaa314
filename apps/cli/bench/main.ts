#!/usr/bin/env node
// `pnpm bench`: runs the W1, W2 and W3 benchmarks and prints one JSON line per configuration.
//
//   node apps/cli/bench/dist/main.js [--only W1,W2,W3] [--backend wasm,native,cpu] [--seconds 10] [--threads n]
//   node apps/cli/bench/dist/main.js --profile [--backend native] [--threads n]   (CPU ms per kernel of one W1 step, each W1 configuration)
//
// Without --threads, wasm runs single-threaded in this process and, on a machine with several
// cores, once more with all of them in a child process (a process's first wasm initialisation
// fixes its thread pool); native (when @runge/native is built) runs on 1 thread and on all
// cores. When /usr/bin/python3 has torch, W1 also runs in PyTorch at the same thread counts and
// 'W1-ratio' lines give Runge's samples/s over PyTorch's. Results go to stdout, progress to stderr.
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { initBackend } from '@runge/tensor-ops';
import { measurePeak } from './peak.js';
import { profileW1 } from './profile.js';
import {
  BENCH_BACKENDS,
  type BenchBackend,
  type BenchOptions,
  type BenchRecord,
  plan,
  runBenchmarks,
  WORKLOADS,
  type Workload,
} from './run.js';
import { ratioRecords, runTorchW1, torchAvailable } from './torch-peer.js';

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

function parse(
  argv: readonly string[],
): BenchOptions & { explicitThreads: boolean; profile: boolean; child: boolean } {
  // pnpm forwards `pnpm bench -- --only W1` with the separator; drop it.
  const { values } = parseArgs({
    args: argv.filter((a) => a !== '--'),
    options: {
      only: { type: 'string', default: WORKLOADS.join(',') },
      backend: { type: 'string', default: BENCH_BACKENDS.join(',') },
      seconds: { type: 'string', default: '10' },
      threads: { type: 'string' },
      profile: { type: 'boolean', default: false },
      // set by the parent for its threaded wasm child: no peak, no PyTorch peer there
      child: { type: 'boolean', default: false },
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
    profile: values.profile,
    child: values.child,
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
  const records: BenchRecord[] = [];
  const emit = (record: BenchRecord): void => {
    records.push(record);
    process.stdout.write(`${JSON.stringify(record)}\n`);
  };
  const log = (line: string): void => {
    process.stderr.write(`bench: ${line}\n`);
  };
  const cores = cpus().length;
  if (options.profile) {
    for (const backend of options.backends.filter((b) => b !== 'cpu')) {
      try {
        const info = await initBackend({ backend, threads: options.threads ?? 1 });
        for (const { batch, channels } of plan(backend, options.seconds).w1) {
          log(
            `profile of W1 (batch ${batch}, ${channels} channels) on ${backend}, ${info.threads} thread(s)`,
          );
          const p = profileW1({ batch, channels, steps: 3 });
          const common = { workload: 'W1-profile', backend, batch, channels };
          emit({
            ...common,
            threads: info.threads ?? 0,
            step_cpu_ms: p.stepCpuMs,
            outside_kernels_cpu_ms: p.outsideKernelsCpuMs,
            page_faults_per_step: p.pageFaultsPerStep,
          });
          for (const k of p.kernels.slice(0, 15)) {
            emit({
              ...common,
              kernel: k.kernel,
              cpu_ms_per_step: k.cpuMsPerStep,
              calls_per_step: k.callsPerStep,
            });
          }
        }
      } catch (error) {
        log(
          `profile on ${backend} skipped: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    return 0;
  }
  const threadCounts = options.explicitThreads
    ? [options.threads as number]
    : [...new Set([1, cores])];
  const peak = options.only.includes('W2') && !options.child ? await measurePeak() : null;
  if (peak !== null) {
    emit({
      workload: 'peak',
      gflops_per_core: peak.gflops,
      cpu_time_gflops_per_core: peak.cpuGflops,
      ...(peak.avx512 !== null
        ? {
            avx512_gflops_per_core: peak.avx512.gflops,
            avx512_cpu_time_gflops_per_core: peak.avx512.cpuGflops,
          }
        : {}),
    });
  }
  const wasmFirst = options.backends.filter((b) => b === 'wasm');
  await runBenchmarks({ ...options, backends: wasmFirst, peak }, emit, log);
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
        '--child',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 1 << 26 },
    );
    for (const line of (child.stdout ?? '').split('\n')) {
      if (line.trim() === '') continue;
      const record = JSON.parse(line) as BenchRecord;
      if (record.workload !== 'peak') emit(record);
    }
    if (child.status !== 0)
      log(`the threaded wasm run failed (exit ${child.status ?? child.signal})`);
  }
  if (options.backends.includes('native')) {
    for (const threads of threadCounts) {
      try {
        await runBenchmarks({ ...options, backends: ['native'], threads, peak }, emit, log);
      } catch (error) {
        log(`native skipped: ${error instanceof Error ? error.message : String(error)}`);
        break;
      }
    }
  }
  const rest = options.backends.filter((b) => b !== 'wasm' && b !== 'native');
  await runBenchmarks({ ...options, backends: rest, peak }, emit, log);
  if (!options.child && options.only.includes('W1') && options.backends.some((b) => b !== 'cpu')) {
    if (torchAvailable()) {
      for (const config of plan('wasm', options.seconds).w1) {
        for (const threads of threadCounts) {
          log(
            `W1 pytorch (${threads} thread(s)) batch ${config.batch}, ${config.channels} channels`,
          );
          const record = runTorchW1({ ...config, threads });
          if (record instanceof Error) log(`pytorch W1 failed: ${record.message}`);
          else emit(record);
        }
      }
      for (const ratio of ratioRecords(records)) emit(ratio);
    } else {
      log('PyTorch peer skipped: /usr/bin/python3 cannot import torch');
    }
  }
  return 0;
}

process.exitCode = await main();

// The benchmark suite (W1, W2, W3; docs: /guide/benchmarks) on the backends Runge embeds, as JSON records.
import { initBackend } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { round3 } from './measure.js';
import type { Peak } from './peak.js';
import { runW1, type W1Config } from './w1-ode-resnet.js';
import { runW2, type W2Config, type W2Result } from './w2-kernels.js';
import { runW3 } from './w3.js';

/** The workloads of the benchmarks guide (docs: /guide/benchmarks) that this suite implements. */
export const WORKLOADS = ['W1', 'W2', 'W3'] as const;
export type Workload = (typeof WORKLOADS)[number];

/**
 * Backends the suite runs on (native when `@runge/native` is built; tensorflow needs a
 * user-installed package and is not benchmarked here).
 */
export const BENCH_BACKENDS = ['wasm', 'native', 'cpu'] as const;
export type BenchBackend = (typeof BENCH_BACKENDS)[number];

/** What to run. */
export interface BenchOptions {
  readonly only: readonly Workload[];
  readonly backends: readonly BenchBackend[];
  /** W1's timed training window per configuration (W2 uses half of it per kernel group). */
  readonly seconds: number;
  /** wasm threads (the first wasm initialisation of the process fixes them), native threads. */
  readonly threads?: number;
  /** The machine's fp32 peak per core, which W2 figures are read against (null: unmeasured). */
  readonly peak?: Peak | null;
}

/** One line of output. */
export type BenchRecord = Readonly<Record<string, string | number | boolean>>;

/** The configurations a backend runs. */
export interface Plan {
  readonly reduced: boolean;
  readonly w1Note?: string;
  readonly w2Note?: string;
  readonly w1: readonly W1Config[];
  readonly w2: W2Config;
}

/** What each backend runs: the full sizes, or reduced ones on the slow cpu backend. */
export function plan(backend: BenchBackend, seconds: number): Plan {
  if (backend === 'cpu') {
    // TF.js's cpu backend runs at ~0.5 GFLOP/s and its conv filter gradient far slower still:
    // one W1 training step at batch 64 would take minutes.
    const short = Math.min(seconds, 3);
    return {
      reduced: true,
      w1Note: 'reduced for cpu (50-1000x slower than wasm): batch 2, 1 warm-up step, 3 timed steps',
      w2Note: `reduced for cpu (50-1000x slower than wasm): matMul 256, conv batch 4, ${short / 2} s per group`,
      w1: [{ batch: 2, channels: 16, seconds: 0, warmup: 1 }],
      w2: { matmulSize: 256, convBatch: 4, convChannels: [16], seconds: short / 2 },
    };
  }
  return {
    reduced: false,
    w1: [
      { batch: 64, channels: 16, seconds, warmup: 3 },
      { batch: 64, channels: 32, seconds, warmup: 3 },
      { batch: 256, channels: 16, seconds, warmup: 3 },
    ],
    w2: { matmulSize: 1024, convBatch: 64, convChannels: [16, 32], seconds: seconds / 2 },
  };
}

/**
 * A W2 kernel's rate as a fraction of the machine's peak on the threads it ran with: by wall
 * clock, and by process CPU time (what the kernel reaches while it runs; a loaded machine
 * deschedules it, which the wall clock counts). The bar is the peak of the widest fused
 * multiply-adds the kernel uses: 512-bit for the native convolutions when they run their
 * AVX-512 tiles, 256-bit otherwise.
 */
function peakFractions(
  r: W2Result,
  peak: Peak | null,
  threads: number,
  backend: BenchBackend,
): Record<string, number> {
  if (peak === null) return {};
  const wide =
    backend === 'native' && r.op !== 'matMul' && peak.nativeConvAvx512 && peak.avx512 !== null;
  const bar = wide && peak.avx512 !== null ? peak.avx512 : peak;
  const cpuGflops = r.flops / r.timing.cpuMs / 1e6;
  return {
    peak_bits: wide ? 512 : 256,
    peak_gflops_per_core: bar.gflops,
    peak_fraction: round3(r.gflops / (bar.gflops * threads)),
    gflops_cpu_time: round3(cpuGflops),
    peak_fraction_cpu_time: round3(cpuGflops / bar.cpuGflops),
  };
}

/**
 * Runs the selected workloads on each selected backend and hands each result to `emit` as
 * soon as it is measured.
 *
 * @param options - Workloads, backends, duration, wasm threads.
 * @param emit - Receives one record per configuration (W1) or kernel (W2).
 * @param log - Receives progress lines (not results).
 */
export async function runBenchmarks(
  options: BenchOptions,
  emit: (record: BenchRecord) => void,
  log: (line: string) => void = () => {},
): Promise<void> {
  for (const backend of options.backends) {
    const info = await initBackend({
      backend,
      ...((backend === 'wasm' || backend === 'native') && options.threads !== undefined
        ? { threads: options.threads }
        : {}),
    });
    const steps = plan(backend, options.seconds);
    const common: Record<string, string | number | boolean> = {
      engine: `runge-tfjs-${info.backend} ${tf.version_core}`,
      backend: info.backend,
      threads: info.threads ?? 0,
      simd: info.simd ?? false,
      reduced: steps.reduced,
    };
    if (options.only.includes('W1')) {
      for (const config of steps.w1) {
        log(
          `W1 ${backend} (${common.threads} thread(s)) batch ${config.batch}, ${config.channels} channels`,
        );
        const r = runW1(config);
        emit({
          workload: 'W1',
          ...common,
          ...(steps.w1Note !== undefined ? { note: steps.w1Note } : {}),
          batch: r.batch,
          channels: r.channels,
          train_samples_per_s: r.trainSamplesPerSecond,
          infer_samples_per_s: r.inferSamplesPerSecond,
          train_step_ms: round3(r.train.ms),
          train_step_cpu_ms: round3(r.train.cpuMs),
          train_steps: r.train.runs,
          infer_ms: round3(r.infer.ms),
          infer_cpu_ms: round3(r.infer.cpuMs),
          warmup_steps: config.warmup,
          min_seconds: config.seconds,
          loss_first: r.lossFirst,
          loss_last: r.lossLast,
          data: 'synthetic',
        });
      }
    }
    if (options.only.includes('W2')) {
      log(`W2 ${backend} (${common.threads} thread(s))`);
      for (const r of runW2(steps.w2)) {
        emit({
          workload: 'W2',
          ...common,
          ...(steps.w2Note !== undefined ? { note: steps.w2Note } : {}),
          op: r.op,
          shape: r.shape,
          gflops: r.gflops,
          ...peakFractions(r, options.peak ?? null, info.threads ?? 1, backend),
          ms: round3(r.timing.ms),
          cpu_ms: round3(r.timing.cpuMs),
          runs: r.timing.runs,
          ...(r.ratioToForward !== undefined ? { ratio_to_forward: r.ratioToForward } : {}),
          ...(r.cpuRatioToForward !== undefined
            ? { cpu_ratio_to_forward: r.cpuRatioToForward }
            : {}),
        });
      }
    }
    if (options.only.includes('W3')) {
      // The cpu backend is 50-1000x slower than wasm: a smaller batch keeps W3 to seconds there.
      log(`W3 ${backend} (${common.threads} thread(s))`);
      runW3({
        batch: backend === 'cpu' ? 128 : 1024,
        emit: (r) =>
          emit({
            workload: 'W3',
            ...common,
            ...(backend === 'cpu' ? { reduced: true } : {}),
            ...r,
          }),
      });
    }
  }
}

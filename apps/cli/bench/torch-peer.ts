// The PyTorch peer of W1: runs bench/torch_w1.py with /usr/bin/python3 when it has torch, and
// turns the two sides' figures into ratios measured in the same invocation.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { round3 } from './measure.js';
import type { BenchRecord } from './run.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../torch_w1.py', import.meta.url));

/** Whether `/usr/bin/python3` can import torch. */
export function torchAvailable(): boolean {
  if (!existsSync(PYTHON) || !existsSync(SCRIPT)) return false;
  return spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
}

/**
 * Runs W1 in PyTorch on `threads` threads.
 *
 * @param config - Batch, channels, timed seconds, warm-up steps and threads.
 * @returns Its JSON record, or the error that stopped it.
 */
export function runTorchW1(config: {
  batch: number;
  channels: number;
  seconds: number;
  warmup: number;
  threads: number;
}): BenchRecord | Error {
  const result = spawnSync(
    PYTHON,
    [
      SCRIPT,
      '--threads',
      String(config.threads),
      '--channels',
      String(config.channels),
      '--batch',
      String(config.batch),
      '--seconds',
      String(config.seconds),
      '--warmup',
      String(config.warmup),
    ],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, OMP_NUM_THREADS: String(config.threads) },
    },
  );
  if (result.status !== 0) {
    return new Error(
      `exit ${result.status ?? result.signal}: ${(result.stderr ?? '').trim().split('\n').at(-1)}`,
    );
  }
  const line = (result.stdout ?? '').trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line) as BenchRecord;
  } catch {
    return new Error(`unexpected output: ${line}`);
  }
}

/**
 * One 'W1-ratio' record per Runge W1 record (full size, not reduced) that has a PyTorch record of
 * the same batch, channels and threads: Runge's samples/s over PyTorch's, for training and
 * inference (above 1: Runge is faster).
 *
 * @param records - Everything emitted so far.
 * @returns The ratio records.
 */
export function ratioRecords(records: readonly BenchRecord[]): BenchRecord[] {
  const torch = records.filter((r) => r.workload === 'W1' && r.backend === 'pytorch');
  const out: BenchRecord[] = [];
  for (const r of records) {
    if (r.workload !== 'W1' || r.backend === 'pytorch' || r.reduced === true) continue;
    const peer = torch.find(
      (t) => t.batch === r.batch && t.channels === r.channels && t.threads === r.threads,
    );
    if (peer === undefined) continue;
    out.push({
      workload: 'W1-ratio',
      backend: r.backend as string,
      threads: r.threads as number,
      batch: r.batch as number,
      channels: r.channels as number,
      train_ratio: round3((r.train_samples_per_s as number) / (peer.train_samples_per_s as number)),
      infer_ratio: round3((r.infer_samples_per_s as number) / (peer.infer_samples_per_s as number)),
      train_ratio_cpu_time: round3(
        (peer.train_step_cpu_ms as number) / (r.train_step_cpu_ms as number),
      ),
      runge_train_samples_per_s: r.train_samples_per_s as number,
      pytorch_train_samples_per_s: peer.train_samples_per_s as number,
      runge_infer_samples_per_s: r.infer_samples_per_s as number,
      pytorch_infer_samples_per_s: peer.infer_samples_per_s as number,
    });
  }
  return out;
}

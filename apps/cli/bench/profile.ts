// A profile of W1's training step: process CPU time per TF.js kernel on the current backend, by
// wrapping each registered kernel with a timer for the duration of the profile.
import * as tf from '@tensorflow/tfjs-core';
import { round3 } from './measure.js';
import { runW1 } from './w1-ode-resnet.js';

/** CPU time of one kernel over the profiled steps. */
export interface KernelProfile {
  readonly kernel: string;
  /** Process CPU milliseconds per training step. */
  readonly cpuMsPerStep: number;
  /** Calls per training step. */
  readonly callsPerStep: number;
}

function cpuNow(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Runs `steps` W1 training steps (after one untimed) on the current backend with every kernel
 * timed, and returns the kernels by CPU time per step, largest first.
 *
 * @param config - Batch, channels and timed steps.
 * @returns The kernels' CPU time per step, and the whole step's.
 */
export function profileW1(config: { batch: number; channels: number; steps: number }): {
  kernels: KernelProfile[];
  stepCpuMs: number;
  /** CPU ms per step outside every kernel: TF.js's engine, the gradient tape, JavaScript. */
  outsideKernelsCpuMs: number;
  /** Minor page faults per step (first touches of fresh memory). */
  pageFaultsPerStep: number;
} {
  const backend = tf.getBackend();
  const originals = tf.getKernelsForBackend(backend);
  const stats = new Map<string, { ms: number; calls: number }>();
  for (const kernel of originals) {
    const f = kernel.kernelFunc;
    tf.unregisterKernel(kernel.kernelName, backend);
    tf.registerKernel({
      ...kernel,
      kernelFunc: (args) => {
        const c0 = cpuNow();
        const out = f(args);
        const s = stats.get(kernel.kernelName) ?? { ms: 0, calls: 0 };
        s.ms += cpuNow() - c0;
        s.calls++;
        stats.set(kernel.kernelName, s);
        return out;
      },
    });
  }
  try {
    runW1({
      batch: config.batch,
      channels: config.channels,
      seconds: 0,
      warmup: 1,
      steps: 1,
      infer: false,
    });
    stats.clear();
    const faults0 = process.resourceUsage().minorPageFault;
    const c0 = cpuNow();
    runW1({
      batch: config.batch,
      channels: config.channels,
      seconds: 0,
      warmup: 0,
      steps: config.steps,
      infer: false,
    });
    const stepCpuMs = (cpuNow() - c0) / config.steps;
    const faults = (process.resourceUsage().minorPageFault - faults0) / config.steps;
    const kernels = [...stats.entries()]
      .map(([kernel, s]) => ({
        kernel,
        cpuMsPerStep: round3(s.ms / config.steps),
        callsPerStep: round3(s.calls / config.steps),
      }))
      .sort((a, b) => b.cpuMsPerStep - a.cpuMsPerStep);
    const inKernels = [...stats.values()].reduce((sum, k) => sum + k.ms, 0) / config.steps;
    return {
      kernels,
      stepCpuMs: round3(stepCpuMs),
      outsideKernelsCpuMs: round3(stepCpuMs - inKernels),
      pageFaultsPerStep: Math.round(faults),
    };
  } finally {
    for (const kernel of originals) {
      tf.unregisterKernel(kernel.kernelName, backend);
      tf.registerKernel(kernel);
    }
  }
}

// W2 (docs: /guide/benchmarks#w2): GFLOP/s of a 1024³ matrix product and of a 3×3 convolution with its two
// gradients, the gradients also as ratios to the forward convolution timed in the same rounds.
import { Rng } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { round3, type Timing, timeInterleaved, timeRepeated } from './measure.js';

/** Sizes of the W2 kernels (reduced on slow backends). */
export interface W2Config {
  /** Side of the square matrix product. */
  readonly matmulSize: number;
  /** Batch of the convolution (28×28 images, 3×3 filter, 'same'). */
  readonly convBatch: number;
  /** Channel counts of the convolution (in = out). */
  readonly convChannels: readonly number[];
  /** Seconds of timed rounds per kernel group. */
  readonly seconds: number;
}

/** One W2 figure. */
export interface W2Result {
  readonly op: 'matMul' | 'conv2d' | 'conv2d_grad_input' | 'conv2d_grad_filter';
  readonly shape: string;
  readonly flops: number;
  readonly timing: Timing;
  readonly gflops: number;
  /** For the gradients: their time over the forward convolution's, wall clock and CPU time. */
  readonly ratioToForward?: number;
  readonly cpuRatioToForward?: number;
}

/**
 * Ends one timed run. The wasm and cpu backends run kernels synchronously, so the op's return
 * is the kernel's end; reading the output back (3 MB for the convolution) would add a copy that
 * is no part of the kernel and that the small filter gradient does not pay.
 */
function consume(t: tf.Tensor): void {
  t.dispose();
}

function result(op: W2Result['op'], shape: string, flops: number, timing: Timing): W2Result {
  return { op, shape, flops, timing, gflops: round3(flops / timing.ms / 1e6) };
}

/**
 * Runs W2 on the current backend.
 *
 * @param config - Sizes and duration.
 * @returns One result per kernel.
 */
export function runW2(config: W2Config): W2Result[] {
  const rng = Rng.fromSeed(2);
  const results: W2Result[] = [];
  const n = config.matmulSize;
  const a = rng.normal([n, n]);
  const b = rng.normal([n, n]);
  try {
    const timing = timeRepeated(() => consume(tf.matMul(a, b)), {
      warmup: 2,
      seconds: config.seconds,
      minRuns: 5,
    });
    results.push(result('matMul', `${n}x${n}x${n}`, 2 * n ** 3, timing));
  } finally {
    tf.dispose([a, b]);
  }

  for (const c of config.convChannels) {
    const batch = config.convBatch;
    const shape = [batch, 28, 28, c] as [number, number, number, number];
    const x = rng.normal(shape) as tf.Tensor4D;
    const w = rng.normal([3, 3, c, c]) as tf.Tensor4D;
    const dy = rng.normal(shape) as tf.Tensor4D;
    const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, c, c] };
    try {
      const t = timeInterleaved(
        {
          forward: () => consume(tf.conv2d(x, w, 1, 'same')),
          input: () => consume(tf.conv2dTranspose(dy, w, shape, 1, 'same')),
          filter: () =>
            consume(tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, attrs) as tf.Tensor),
        },
        { warmup: 2, seconds: config.seconds, minRuns: 5 },
      );
      const label = `${batch}x28x28x${c}->${c} 3x3 same`;
      const flops = 2 * batch * 28 * 28 * c * c * 9;
      results.push(result('conv2d', label, flops, t.forward));
      for (const [op, timing] of [
        ['conv2d_grad_input', t.input],
        ['conv2d_grad_filter', t.filter],
      ] as const) {
        results.push({
          ...result(op, label, flops, timing),
          ratioToForward: round3(timing.ms / t.forward.ms),
          cpuRatioToForward: round3(timing.cpuMs / t.forward.cpuMs),
        });
      }
    } finally {
      tf.dispose([x, w, dy]);
    }
  }
  return results;
}

// W1 (docs: /guide/benchmarks#w1): one training step of the ODE-ResNet (forward Euler, 8 residual steps) on
// 28×28×1 images, written directly with TF.js ops and Runge's fused and residual convolutions, and its inference.
import { fusedConv, Rng, residualConv } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { round3, type Timing, timeRepeated } from './measure.js';

/** One W1 configuration. */
export interface W1Config {
  readonly batch: number;
  readonly channels: number;
  /** Seconds of timed training steps (at least 3 steps). */
  readonly seconds: number;
  /** Untimed steps first (3 in the suite). */
  readonly warmup: number;
  /** Timed training steps at least (default 3). */
  readonly steps?: number;
  /** Whether to time inference too (default true). */
  readonly infer?: boolean;
}

/** W1's figures for one configuration. */
export interface W1Result {
  readonly batch: number;
  readonly channels: number;
  readonly train: Timing;
  readonly infer: Timing;
  readonly trainSamplesPerSecond: number;
  readonly inferSamplesPerSecond: number;
  /** Loss at the first (warm-up) step and at the last timed step: it falls, the step trains. */
  readonly lossFirst: number;
  readonly lossLast: number;
}

const STEPS = 8;
const H = 1 / STEPS;
const LEARNING_RATE = 0.05;
const CLASSES = 10;

interface Params {
  readonly open: tf.Variable;
  readonly openBias: tf.Variable;
  readonly kernels: tf.Variable[];
  readonly biases: tf.Variable[];
  readonly dense: tf.Variable;
  readonly denseBias: tf.Variable;
}

function initParams(rng: Rng, channels: number): Params {
  const he = (fanIn: number): { std: number } => ({ std: Math.sqrt(2 / fanIn) });
  const v = (t: tf.Tensor): tf.Variable => tf.variable(t);
  return {
    open: v(rng.normal([3, 3, 1, channels], he(9))),
    openBias: v(tf.zeros([channels])),
    kernels: Array.from({ length: STEPS }, () =>
      v(rng.normal([3, 3, channels, channels], { std: 0.1 * Math.sqrt(2 / (9 * channels)) })),
    ),
    biases: Array.from({ length: STEPS }, () => v(tf.zeros([channels]))),
    dense: v(rng.normal([14 * 14 * channels, CLASSES], { std: 0.01 })),
    denseBias: v(tf.zeros([CLASSES])),
  };
}

/**
 * Logits of the ODE-ResNet: opening conv + ReLU, 8 Euler steps, 2×2 average pool, dense. Each
 * Euler step is `y + relu(conv(y, hK) + hb)` (`h·relu(z) = relu(h z)`), one residual convolution
 * ({@link residualConv}: one kernel on native, a fused convolution and an addition elsewhere), as
 * Runge's ResNet dynamics evaluate a forward Euler step in `solve`.
 */
function forward(p: Params, images: tf.Tensor4D): tf.Tensor2D {
  const relu = { activation: 'relu' } as const;
  let y = fusedConv(images, p.open as tf.Tensor4D, p.openBias as tf.Tensor1D, relu);
  for (let j = 0; j < STEPS; j++) {
    const K = tf.mul(p.kernels[j] as tf.Tensor4D, H) as tf.Tensor4D;
    const b = tf.mul(p.biases[j] as tf.Tensor1D, H) as tf.Tensor1D;
    y = residualConv(y, K, b, relu);
  }
  const pooled = tf.avgPool(y, 2, 2, 'valid');
  const flat = tf.reshape(pooled, [images.shape[0], -1]);
  return tf.add(tf.matMul(flat, p.dense), p.denseBias) as tf.Tensor2D;
}

function variables(p: Params): tf.Variable[] {
  return [p.open, p.openBias, ...p.kernels, ...p.biases, p.dense, p.denseBias];
}

/**
 * Runs W1 on the current backend: warm-up steps, then training steps (forward, backward and a
 * plain SGD update) for at least `seconds` and 3 steps, then inference for a third of that.
 *
 * @param config - Batch, channels and duration.
 * @returns Median step times and samples per second.
 */
export function runW1(config: W1Config): W1Result {
  const rng = Rng.fromSeed(1);
  const params = initParams(rng, config.channels);
  const vars = variables(params);
  const images = rng.uniform([config.batch, 28, 28, 1]) as tf.Tensor4D;
  const labels = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: config.batch }, (_, i) => i % CLASSES),
      'int32',
    ),
    CLASSES,
  );
  const losses: number[] = [];
  const trainStep = (): void => {
    const loss = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(
        () => tf.losses.softmaxCrossEntropy(labels, forward(params, images)) as tf.Scalar,
        vars,
      );
      for (const v of vars) v.assign(tf.sub(v, tf.mul(grads[v.name] as tf.Tensor, LEARNING_RATE)));
      return value;
    });
    losses.push(loss.dataSync()[0] as number);
    loss.dispose();
  };
  const inferStep = (): void => {
    const logits = tf.tidy(() => forward(params, images));
    logits.dataSync();
    logits.dispose();
  };
  try {
    const train = timeRepeated(trainStep, {
      warmup: config.warmup,
      seconds: config.seconds,
      minRuns: config.steps ?? 3,
    });
    const lossFirst = losses[0] ?? Number.NaN;
    const lossLast = losses[losses.length - 1] ?? Number.NaN;
    const infer =
      config.infer === false
        ? { ms: Number.NaN, cpuMs: Number.NaN, runs: 0 }
        : timeRepeated(inferStep, { warmup: 1, seconds: config.seconds / 3, minRuns: 3 });
    return {
      batch: config.batch,
      channels: config.channels,
      train,
      infer,
      trainSamplesPerSecond: round3((1000 * config.batch) / train.ms),
      inferSamplesPerSecond: round3((1000 * config.batch) / infer.ms),
      lossFirst: round3(lossFirst),
      lossLast: round3(lossLast),
    };
  } finally {
    tf.dispose([...vars, images, labels]);
  }
}

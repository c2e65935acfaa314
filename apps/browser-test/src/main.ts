// The page: selects TF.js's wasm backend through Runge, checks a convolution gradient against
// central finite differences, trains a small ODE classifier on two spirals, and publishes the
// outcome on `window` for the browser test (and on the page for a person looking at it).
import { buildModel, type ModelParams, toyConfig } from '@runge/architectures';
import { disposeDataset, spirals } from '@runge/datasets';
import {
  conv,
  initBackend,
  Rng,
  type TensorTree,
  treeDispose,
  valueAndGrad,
} from '@runge/tensor-ops';
import { adam, classification, evaluateClassifier, fit, tensorSource } from '@runge/train';
import * as tf from '@tensorflow/tfjs-core';
import { type BrowserResult, type PageOutcome, RESULT_KEY } from './result.js';

/** Central-difference step: large enough that float32 rounding of f stays far below the signal. */
const H = 1e-2;

interface ConvParams {
  readonly x: tf.Tensor4D;
  readonly kernel: tf.Tensor4D;
  readonly [key: string]: tf.Tensor;
}

/** `f(x, K) = Σ tanh(conv(x, K))`, smooth in both arguments. */
function objective(params: ConvParams): tf.Scalar {
  return tf.sum(tf.tanh(conv(params.x, params.kernel)));
}

function evaluate(params: ConvParams): number {
  const value = tf.tidy(() => objective(params));
  const number = value.dataSync()[0] as number;
  value.dispose();
  return number;
}

/**
 * Compares `valueAndGrad` of {@link objective} (on wasm: Runge's Conv2DBackpropInput and
 * Conv2DBackpropFilter kernels) with central differences `(f(θ + h eᵢ) − f(θ − h eᵢ)) / 2h` over
 * every entry of the input and the kernel.
 */
function gradientCheck(): { error: number; entries: number } {
  const rng = Rng.fromSeed(7);
  const params: ConvParams = {
    x: rng.normal([1, 5, 5, 2]) as tf.Tensor4D,
    kernel: rng.normal([3, 3, 2, 3], { std: 0.3 }) as tf.Tensor4D,
  };
  const { value, grads } = valueAndGrad(objective)(params);
  let diff = 0;
  let norm = 0;
  let entries = 0;
  try {
    for (const name of ['x', 'kernel'] as const) {
      const analytic = (grads[name] as tf.Tensor).dataSync();
      const base = params[name].dataSync();
      const shifted = (i: number, delta: number): number => {
        const values = Float32Array.from(base);
        values[i] = (values[i] as number) + delta;
        const moved = tf.tensor4d(values, params[name].shape);
        try {
          return evaluate({ ...params, [name]: moved });
        } finally {
          moved.dispose();
        }
      };
      for (let i = 0; i < base.length; i++) {
        const numeric = (shifted(i, H) - shifted(i, -H)) / (2 * H);
        diff += ((analytic[i] as number) - numeric) ** 2;
        norm += numeric ** 2;
        entries += 1;
      }
    }
  } finally {
    value.dispose();
    treeDispose(grads as TensorTree);
    treeDispose(params);
  }
  return { error: Math.sqrt(diff / norm), entries };
}

/**
 * Trains `toyConfig({ dynamics: 'resnet', width: 8, steps: 4 })` (dense lift, 4 forward-Euler
 * steps of a ResNet ODE, dense classifier) with full-batch Adam on 300 spiral points, the
 * settings with which every block reaches 95 % in the Node suite, and measures the accuracy on
 * 300 fresh points of the same distribution.
 */
async function trainSpirals(
  epochs: number,
): Promise<{ accuracy: number; firstLoss: number; lastLoss: number }> {
  const options = { n: 300, numClasses: 2, noise: 0.02, turns: 1.5 };
  const trainSet = spirals({ ...options, rng: Rng.fromSeed(3) });
  const testSet = spirals({ ...options, rng: Rng.fromSeed(4) });
  try {
    const model = buildModel(toyConfig({ dynamics: 'resnet', width: 8, steps: 4 }));
    const { params, state } = model.init(1);
    const result = await fit({
      problem: classification({
        apply: model.apply,
        params,
        state,
        optimizer: adam(),
        learningRate: 0.03,
      }),
      train: tensorSource({ x: trainSet.x, y: trainSet.y }),
      epochs,
      batchSize: 300,
      seed: 1,
    });
    try {
      const { accuracy } = evaluateClassifier(
        model.apply,
        result.params.model as ModelParams,
        result.state,
        tensorSource({ x: testSet.x, y: testSet.y }),
      );
      return {
        accuracy,
        firstLoss: result.history[0]?.train.loss ?? Number.NaN,
        lastLoss: result.history.at(-1)?.train.loss ?? Number.NaN,
      };
    } finally {
      treeDispose(result.params as TensorTree);
      treeDispose(result.state);
    }
  } finally {
    disposeDataset(trainSet);
    disposeDataset(testSet);
  }
}

async function run(): Promise<BrowserResult> {
  const start = performance.now();
  const info = await initBackend({ backend: 'wasm' });
  const tensorsBefore = tf.memory().numTensors;
  const grad = gradientCheck();
  const epochs = 300;
  const training = await trainSpirals(epochs);
  return {
    backend: tf.getBackend(),
    simd: info.simd,
    gradError: grad.error,
    gradEntries: grad.entries,
    ...training,
    epochs,
    leaked: tf.memory().numTensors - tensorsBefore,
    seconds: (performance.now() - start) / 1000,
  };
}

function publish(outcome: PageOutcome): void {
  (window as unknown as Record<string, unknown>)[RESULT_KEY] = outcome;
  const out = document.getElementById('result');
  if (out) out.textContent = JSON.stringify(outcome, null, 2);
}

run().then(
  (result) => publish({ ok: true, result }),
  (error: unknown) => {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    console.error(message);
    publish({ ok: false, error: message });
  },
);

// Shared test setup: gradients registered, the cpu backend selected unless RUNGE_TEST_BACKEND
// says otherwise, and every test fails if it leaves tensors behind.
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterEach, beforeAll, beforeEach } from 'vitest';

createRequire(import.meta.url)('@tensorflow/tfjs-layers');

beforeAll(async () => {
  const wanted = process.env.RUNGE_TEST_BACKEND ?? 'cpu';
  if (tf.getBackend() !== wanted) {
    if (wanted === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
    await tf.setBackend(wanted);
    await tf.ready();
  }
  const cpu = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
  if (cpu) cpu.firstUse = false;
});

let tensorsBefore = 0;

beforeEach(() => {
  tensorsBefore = tf.memory().numTensors;
});

afterEach(() => {
  const leaked = tf.memory().numTensors - tensorsBefore;
  if (leaked !== 0) {
    throw new Error(
      `test leaked ${leaked} tensor(s): dispose them or wrap the work in tf.tidy (numTensors ${tensorsBefore} -> ${tensorsBefore + leaked})`,
    );
  }
});

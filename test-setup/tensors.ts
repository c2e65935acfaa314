// Shared test setup: gradients registered, the cpu backend selected unless RUNGE_TEST_BACKEND
// says otherwise (wasm is set up by initBackend, as users get it), and every test fails if it
// leaves tensors behind.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterEach, beforeAll, beforeEach } from 'vitest';

createRequire(import.meta.url)('@tensorflow/tfjs-layers');

type TensorOps = typeof import('../packages/tensor-ops/src/index.js');

/**
 * @runge/tensor-ops as the package under test sees it: its own source when testing tensor-ops,
 * else the build it depends on (the module instance its code uses).
 */
async function tensorOps(): Promise<TensorOps> {
  const manifest = join(process.cwd(), 'package.json');
  const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string };
  if (name === '@runge/tensor-ops') return import('../packages/tensor-ops/src/index.js');
  const entry = createRequire(manifest).resolve('@runge/tensor-ops');
  return (await import(/* @vite-ignore */ pathToFileURL(entry).href)) as TensorOps;
}

beforeAll(async () => {
  const wanted = process.env.RUNGE_TEST_BACKEND ?? 'cpu';
  if (tf.getBackend() !== wanted) {
    if (wanted === 'wasm') {
      // The backend users get from initBackend(): wasm with Runge's training kernels installed.
      const { initBackend } = await tensorOps();
      await initBackend({ backend: 'wasm' });
    } else {
      await tf.setBackend(wanted);
      await tf.ready();
    }
  }
  if (tf.getBackend() !== wanted) {
    throw new Error(`RUNGE_TEST_BACKEND=${wanted}, but the tests would run on ${tf.getBackend()}`);
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

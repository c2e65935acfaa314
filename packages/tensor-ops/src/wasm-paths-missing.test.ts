import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { BackendError } from './errors.js';

// A process of its own: a wasm backend that failed to start cannot be started again.
describe('wasmPaths pointing where no binaries are', () => {
  it('fails with a BackendError that names the location and the option', async () => {
    const attempt = initBackend({ backend: 'wasm', wasmPaths: '/nonexistent/runge-wasm/' });
    try {
      await expect(attempt).rejects.toBeInstanceOf(BackendError);
      await expect(attempt).rejects.toThrow(
        /could not be loaded from "\/nonexistent\/runge-wasm\/".*initBackend\(\{ wasmPaths \}\)/,
      );
    } finally {
      // TF.js is left without a backend after the failed start.
      await tf.setBackend('cpu');
    }
  });
});

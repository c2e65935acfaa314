import { defineConfig } from 'vitest/config';
import { runPackageTests } from '../../vitest.shared.js';

// Tests named *.bare.test.ts check what happens before anything registers TF.js gradients, so
// they run without the shared setup (which registers them), each file in a fresh process.
const bare = 'src/**/*.bare.test.ts';

// These test the first wasm initialisation of a process (its threads, its binaries), which the
// shared setup has already done when the suite runs on wasm; the cpu run covers them.
const firstWasmStart = ['src/kernels/wasm-threads.test.ts', 'src/wasm-paths-missing.test.ts'];
const onWasm = process.env.RUNGE_TEST_BACKEND === 'wasm';

export default defineConfig({
  test: {
    projects: [
      {
        ...runPackageTests({
          name: 'tensor-ops',
          exclude: [bare, ...(onWasm ? firstWasmStart : [])],
        }),
      },
      {
        test: {
          name: 'tensor-ops (bare TF.js)',
          include: [bare],
          pool: 'forks',
          isolate: true,
          testTimeout: 120_000,
        },
      },
    ],
  },
});

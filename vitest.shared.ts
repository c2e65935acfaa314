// The vitest configuration shared by every package: where tests live, one process per file, the tensor-leak check and which files run on which backend.
import { fileURLToPath } from 'node:url';
import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

const setupFile = fileURLToPath(new URL('./test-setup/tensors.ts', import.meta.url));

/** How a package's tests are split between backends. */
export interface BackendSplit {
  /**
   * Test files run only on wasm (`RUNGE_TEST_BACKEND=wasm`, the backend users get): end-to-end
   * training runs whose kernels the unit tests already compare with cpu.
   */
  readonly wasmOnly?: readonly string[];
}

/**
 * The vitest configuration every package shares: tests beside the code, one forked process per
 * file (TF.js keeps its engine on `globalThis`), and a setup file that fails any test leaking
 * tensors.
 */
export function runPackageTests(
  overrides: UserWorkspaceConfig['test'] = {},
  split: BackendSplit = {},
): UserWorkspaceConfig {
  const onWasm = process.env.RUNGE_TEST_BACKEND === 'wasm';
  return defineProject({
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      exclude: ['**/node_modules/**', ...(onWasm ? [] : (split.wasmOnly ?? []))],
      setupFiles: [setupFile],
      pool: 'forks',
      isolate: true,
      testTimeout: 120_000,
      hookTimeout: 120_000,
      ...overrides,
    },
  });
}

import { fileURLToPath } from 'node:url';
import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

const setupFile = fileURLToPath(new URL('./test-setup/tensors.ts', import.meta.url));

/**
 * The vitest configuration every package shares: tests beside the code, one forked process per
 * file (TF.js keeps its engine on `globalThis`), and a setup file that fails any test leaking
 * tensors.
 */
export function runPackageTests(overrides: UserWorkspaceConfig['test'] = {}): UserWorkspaceConfig {
  return defineProject({
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      setupFiles: [setupFile],
      pool: 'forks',
      isolate: true,
      testTimeout: 120_000,
      hookTimeout: 120_000,
      ...overrides,
    },
  });
}

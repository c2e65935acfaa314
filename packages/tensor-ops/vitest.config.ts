import { defineConfig } from 'vitest/config';
import { runPackageTests } from '../../vitest.shared.js';

// Tests named *.bare.test.ts check what happens before anything registers TF.js gradients, so
// they run without the shared setup (which registers them), each file in a fresh process.
const bare = 'src/**/*.bare.test.ts';

export default defineConfig({
  test: {
    projects: [
      {
        ...runPackageTests({ name: 'tensor-ops', exclude: [bare] }),
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

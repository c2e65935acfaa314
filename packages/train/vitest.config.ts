import { runPackageTests } from '../../vitest.shared.js';

// Whole training runs are checked on wasm, the backend users get; on cpu the unit tests run.
export default runPackageTests(
  {},
  {
    wasmOnly: [
      'src/model-training.test.ts',
      'src/runs/tasks/sequence-mnist-task.test.ts',
      'src/runs/stylize/stylize.test.ts',
      'src/runs/tasks/vae-mnist-task.test.ts',
      'src/runs/tasks/quantile-gbm-task.test.ts',
      'src/runs/tasks/mnist-gan-task.test.ts',
      'src/runs/tasks/black-scholes-local-volatility.test.ts',
    ],
  },
);

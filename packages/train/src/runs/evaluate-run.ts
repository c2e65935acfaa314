// Evaluating a trained run on one of its splits with its task: the loss and the task's metrics.

import { openRun } from './open-run.js';
import type { RunConfig } from './run-config.js';
import { RunDirError } from './run-dir.js';
import { taskOf } from './tasks/registry.js';
import type { TaskEvaluation } from './tasks/run-task.js';

/** The splits of a run's data. */
export const RUN_SPLITS = Object.freeze(['test', 'validation', 'train'] as const);

/** A name of {@link RUN_SPLITS}. */
export type RunSplit = (typeof RUN_SPLITS)[number];

/**
 * Evaluates a run's model (from its checkpoint) on a split of its data with the run's task: for a
 * classifier the loss, accuracy and confusion matrix; for a regressor the loss, RMSE and R².
 *
 * @param dir - The run directory.
 * @param options - `split` (default `'test'`), `backend` to override the run's.
 * @returns The evaluation and the run directory.
 * @throws {@link RunDirError} for a missing run, one without a checkpoint, one whose
 *   configuration does not match its checkpoint, or a run without the split asked for.
 * @example
 * ```ts
 * const { evaluation } = await evaluateRun('runs/w1-20261202-101500');
 * evaluation.metrics.accuracy; // 0.976
 * ```
 */
export async function evaluateRun(
  dir: string,
  options: { readonly split?: RunSplit; readonly backend?: RunConfig['backend'] } = {},
): Promise<{ dir: string; split: RunSplit; evaluation: TaskEvaluation }> {
  const split = options.split ?? 'test';
  const run = await openRun(dir, options);
  try {
    const data = run.data[split];
    if (!data) {
      throw new RunDirError(
        `this run has no ${split} split (data.validation is 0); use split 'test' or 'train'`,
      );
    }
    const evaluation = taskOf(run.config).evaluate(run.nets, data, { config: run.config });
    return { dir: run.paths.dir, split, evaluation };
  } finally {
    run.dispose();
  }
}

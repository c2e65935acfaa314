// The registry of run tasks: one entry per name of TASK_NAMES.
import type { RunConfig } from '../run-config.js';
import { blackScholesTask } from './black-scholes-task.js';
import { classificationTask } from './classification-task.js';
import { ganGbmTask, wganGbmTask } from './gbm-gan-task.js';
import { inputSelectionTask } from './input-selection-task.js';
import { mcDropoutTask } from './mc-dropout-task.js';
import { ganMnistTask, wganMnistTask } from './mnist-gan-task.js';
import { quantileGbmTask } from './quantile-gbm-task.js';
import { regressionTask } from './regression-task.js';
import type { RunTask } from './run-task.js';
import { sequenceMnistTask } from './sequence-mnist-task.js';
import type { TaskName } from './task-names.js';
import { vaeMnistTask } from './vae-mnist-task.js';

/**
 * Every task a run configuration can name, by name.
 *
 * @example
 * ```ts
 * RUN_TASKS.classification.headline; // 'accuracy'
 * ```
 */
export const RUN_TASKS: Readonly<Record<TaskName, RunTask>> = Object.freeze({
  classification: classificationTask,
  regression: regressionTask,
  'sequence-mnist': sequenceMnistTask,
  'quantile-gbm': quantileGbmTask,
  'black-scholes': blackScholesTask,
  'input-selection': inputSelectionTask,
  'mc-dropout': mcDropoutTask,
  'gan-gbm': ganGbmTask,
  'wgan-gbm': wganGbmTask,
  'gan-mnist': ganMnistTask,
  'wgan-mnist': wganMnistTask,
  'vae-mnist': vaeMnistTask,
});

/**
 * The task of a run configuration.
 *
 * @example
 * ```ts
 * taskOf({ task: 'regression' }).targets; // 'values'
 * ```
 */
export function taskOf(config: Pick<RunConfig, 'task'>): RunTask {
  return RUN_TASKS[config.task];
}

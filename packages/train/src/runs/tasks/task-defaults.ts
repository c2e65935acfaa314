// A run task's own defaults, applied under what a configuration sets.
import { RUN_TASKS } from './registry.js';
import { TASK_NAMES, type TaskName } from './task-names.js';

/**
 * The configuration as written, with the defaults of its task (`RunTask.defaults`) filled in
 * under it: for each section the task names, `{ ...task default, ...what the input sets }`.
 * Anything not an object of sections (or a task without defaults) comes back unchanged, for the
 * schema to judge.
 *
 * @param input - The configuration as written.
 * @returns The configuration with the task's defaults.
 * @example
 * ```ts
 * withTaskDefaults({ task: 'sequence-mnist', train: { epochs: 1 } });
 * // { task: 'sequence-mnist', train: { optimizer: 'adam', …, epochs: 1 }, … }
 * ```
 */
export function withTaskDefaults(input: unknown): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  const record = input as Record<string, unknown>;
  const name = record.task;
  if (!TASK_NAMES.includes(name as TaskName)) return input;
  const defaults = RUN_TASKS[name as TaskName].defaults;
  if (!defaults) return input;
  const out: Record<string, unknown> = { ...record };
  for (const [section, values] of Object.entries(defaults)) {
    const given = record[section];
    if (given === undefined) out[section] = { ...values };
    else if (typeof given === 'object' && given !== null && !Array.isArray(given)) {
      out[section] = { ...values, ...given };
    }
  }
  return out;
}

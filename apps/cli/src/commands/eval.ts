import type { TensorTree } from '@runge/tensor-ops';
import { buildRunModel } from '../model.js';
import { loadRunVariables } from '../run-checkpoint.js';
import { formatEvaluation, taskOf } from '../tasks.js';
import { openRun } from './run-config.js';
import type { CommandIo } from './train.js';

/** Formats a confusion matrix as an aligned table with true classes as rows. */
export function formatConfusion(confusion: readonly (readonly number[])[]): string {
  const width = Math.max(3, ...confusion.flat().map((v) => String(v).length)) + 1;
  const pad = (s: string | number): string => String(s).padStart(width);
  const header = `${'true\\pred'.padEnd(10)}${confusion.map((_, j) => pad(j)).join('')}`;
  const rows = confusion.map((row, i) => `${String(i).padEnd(10)}${row.map(pad).join('')}`);
  return [header, ...rows].join('\n');
}

/**
 * `runge eval --run DIR`: the task's loss and metrics of a run's model on a split (for a
 * classifier: accuracy and the confusion matrix).
 */
export async function evalCommand(
  options: { run: string; split: 'test' | 'validation' | 'train'; backend?: string },
  io: CommandIo,
): Promise<number> {
  const { paths, config, data } = await openRun(options.run, options.backend);
  try {
    const dataset =
      options.split === 'test'
        ? data.test
        : options.split === 'train'
          ? data.train
          : data.validation;
    if (!dataset) {
      io.out.write(
        'this run has no validation split (data.validation is 0); use --split test or train\n',
      );
      return 2;
    }
    const model = buildRunModel(config, data);
    const variables = await loadRunVariables(paths);
    try {
      const result = taskOf(config).evaluate(
        model.apply,
        variables.params as TensorTree,
        variables.state as TensorTree,
        dataset,
      );
      if (io.mode === 'json') {
        const { metrics, ...rest } = result;
        io.out.write(
          `${JSON.stringify({ event: 'eval', run: paths.dir, split: options.split, ...metrics, ...rest })}\n`,
        );
      } else {
        io.out.write(
          `${options.split}: ${formatEvaluation(result)}, ${result.examples} examples\n`,
        );
        if (result.confusion) {
          io.out.write(
            `confusion matrix (rows: true class, columns: predicted):\n${formatConfusion(result.confusion)}\n`,
          );
        }
      }
      return 0;
    } finally {
      variables.dispose();
    }
  } finally {
    data.dispose();
  }
}

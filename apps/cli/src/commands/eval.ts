// `runge eval`: a run's model judged by its task on one split, printed.
import { evaluateRun, type RunConfig, type RunSplit } from '@runge/train';
import { formatConfusion, formatEvaluation } from '../format.js';
import type { CommandIo } from '../output.js';

/** `runge eval --run DIR [--split S]`: the task's loss and metrics; returns the exit code. */
export async function evalCommand(
  options: { run: string; split: RunSplit; backend?: RunConfig['backend'] },
  io: CommandIo,
): Promise<number> {
  const { dir, split, evaluation } = await evaluateRun(options.run, {
    split: options.split,
    ...(options.backend ? { backend: options.backend } : {}),
  });
  if (io.mode === 'json') {
    const { metrics, ...rest } = evaluation;
    io.out.write(`${JSON.stringify({ event: 'eval', run: dir, split, ...metrics, ...rest })}\n`);
    return 0;
  }
  io.out.write(`${split}: ${formatEvaluation(evaluation)}, ${evaluation.examples} examples\n`);
  if (evaluation.confusion) {
    io.out.write(
      `confusion matrix (rows: true class, columns: predicted):\n${formatConfusion(evaluation.confusion)}\n`,
    );
  }
  return 0;
}

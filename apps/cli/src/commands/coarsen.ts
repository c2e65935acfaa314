// `runge coarsen`: a run's model moved to another image resolution, each method a new run, printed.
import type { TransferMethod } from '@runge/multigrid';
import { coarsenRun, evaluationRecord } from '@runge/train';
import { formatEvaluation } from '../format.js';
import { type CommandIo, json, line } from '../output.js';

/** `runge coarsen --run DIR --to H' --method M [--out DIR]`; returns the exit code. */
export async function coarsenCommand(
  options: { run: string; to: number; method: TransferMethod | 'all'; out?: string },
  io: CommandIo,
): Promise<number> {
  const moved = await coarsenRun(options.run, options);
  for (const { method, from, to, dir, evaluation } of moved) {
    json(io, { event: 'transferred', method, from, to, dir, test: evaluationRecord(evaluation) });
    line(
      io,
      `${method}: ${from[0]}×${from[1]} → ${to[0]}×${to[1]}, test ${formatEvaluation(evaluation)} on ${evaluation.examples} examples; run written to ${dir}`,
    );
  }
  return 0;
}

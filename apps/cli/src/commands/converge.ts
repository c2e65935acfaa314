// `runge converge`: does the trained network converge to an ODE as its steps are refined? Printed as a table.
import { convergeRun, type RunConfig } from '@runge/train';
import { formatConvergence } from '../format.js';
import { type CommandIo, json, line } from '../output.js';

/** Options of `runge converge`. */
export interface ConvergeOptions {
  readonly run: string;
  readonly levels?: number;
  readonly samples?: number;
  readonly backend?: RunConfig['backend'];
}

/** `runge converge --run DIR`: the study of `convergeRun` as a table; returns the exit code. */
export async function convergeCommand(options: ConvergeOptions, io: CommandIo): Promise<number> {
  const { run, ...rest } = options;
  const { file, ...report } = await convergeRun(run, rest);
  json(io, { event: 'converge', ...report });
  line(
    io,
    `convergence in the step size on ${report.examples} test examples (${report.blocks
      .map((b) => `${b.name}: ${b.method}, trained with N = ${b.steps}`)
      .join('; ')}):`,
  );
  line(io, formatConvergence(report));
  line(
    io,
    `observed order ${report.order.toFixed(2)} at the finest steps${
      report.accuracyChange !== undefined
        ? `; accuracy ${report.accuracyChange >= 0 ? '+' : ''}${(100 * report.accuracyChange).toFixed(2)} points from N = ${report.steps[0]} to ${report.steps.at(-1)}`
        : ''
    }`,
  );
  line(io, `wrote ${file}`);
  return 0;
}

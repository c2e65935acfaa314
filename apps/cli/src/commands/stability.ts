// `runge stability`: the Jacobian spectra of a run's ODE blocks against their stability regions, printed as a table.
import { type RunConfig, stabilityRun } from '@runge/train';
import { formatStabilityTable, stabilityRows } from '../format.js';
import type { CommandIo } from '../output.js';

/** Options of `runge stability`. */
export interface StabilityCommandOptions {
  readonly run: string;
  readonly samples?: number;
  readonly stepsAt?: string;
  readonly eigenvalues?: number;
  readonly backend?: RunConfig['backend'];
}

/** `runge stability --run DIR`: table, notes, `stability.json`, `plots/stability.svg`; returns the exit code. */
export async function stabilityCommand(
  options: StabilityCommandOptions,
  io: CommandIo,
): Promise<number> {
  const { run, ...rest } = options;
  const report = await stabilityRun(run, rest);
  const { blocks, samples, stable } = report;
  if (io.mode === 'json') {
    for (const row of stabilityRows(blocks)) {
      const { numbers, ...fields } = row;
      io.out.write(`${JSON.stringify({ event: 'stability-step', ...fields, ...numbers })}\n`);
    }
    io.out.write(
      `${JSON.stringify({ event: 'stability', run: report.run, samples, stable, svg: report.svg, json: report.json, blocks: blocks.map((b) => ({ block: b.block, method: b.method, h: b.h, spectrum: b.spectrum, ...b.summary })) })}\n`,
    );
    return 0;
  }
  io.out.write(
    `stability of ${report.description} on ${samples} test example${samples === 1 ? '' : 's'}\n`,
  );
  io.out.write(`${formatStabilityTable(stabilityRows(blocks))}\n`);
  for (const note of report.notes) io.out.write(`note: ${note}\n`);
  io.out.write(
    `${stable ? 'every hλ lies in the stability region' : 'some hλ lie outside the stability region'}\n`,
  );
  io.out.write(`wrote ${report.svg}\nwrote ${report.json}\n`);
  return 0;
}

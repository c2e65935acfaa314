// `runge resume`: continues a run from its checkpoint (or from its configuration when it has none yet).
import { type RunConfig, resumeRun } from '@runge/train';
import type { CommandIo } from '../output.js';
import { runPrinter } from '../run-printer.js';

/** `runge resume --run DIR [--epochs N]`: continues a run; returns the exit code. */
export async function resumeCommand(
  options: { run: string; epochs?: number; backend?: RunConfig['backend'] },
  io: CommandIo,
): Promise<number> {
  const printer = runPrinter(io);
  try {
    const result = await resumeRun(options.run, {
      ...(options.epochs !== undefined ? { epochs: options.epochs } : {}),
      ...(options.backend ? { backend: options.backend } : {}),
      onEvent: printer.onEvent,
      ...(io.signal ? { signal: io.signal } : {}),
    });
    return result.summary.reason === 'interrupted' ? 130 : 0;
  } finally {
    printer.stop();
  }
}

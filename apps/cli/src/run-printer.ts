// Shows a run's events on the terminal: setup lines, progress bars or log lines per epoch, level boundaries, warnings and the result; or JSON lines.
import { describeBackend, type RunEvent, type RunSummary, type TaskEvaluation } from '@runge/train';
import { formatEvaluation } from './format.js';
import { type CommandIo, json, line } from './output.js';
import { createProgress, formatDuration } from './progress.js';

/** `7×7 N=2 (4 epochs)`: a level in a few characters. */
function levelText(level: {
  readonly resolution: readonly [number, number] | null;
  readonly steps: Readonly<Record<string, number>>;
  readonly epochs: number;
}): string {
  const size = level.resolution ? `${level.resolution[0]}×${level.resolution[1]}` : '';
  const steps = Object.values(level.steps);
  const depth = steps.length > 0 ? `N=${steps.join('/')}` : '';
  return `${[size, depth].filter(Boolean).join(' ')} (${level.epochs} epoch${level.epochs === 1 ? '' : 's'})`;
}

/** The summary's test figures in the form of a task evaluation. */
function testEvaluation(summary: RunSummary): TaskEvaluation | null {
  if (!summary.test) return null;
  const { loss, examples, ...metrics } = summary.test;
  return { loss, examples, metrics };
}

/**
 * A consumer of run events that prints them in the command's mode: text lines and a progress bar
 * on a terminal, plain lines on a pipe, or one JSON object per event with `--json`.
 */
export function runPrinter(io: CommandIo): { onEvent: (e: RunEvent) => void; stop: () => void } {
  let progress = createProgress(io.mode, io.out);
  let levels = 1;
  return {
    stop: () => progress.stop(),
    onEvent: (e) => {
      switch (e.type) {
        case 'run':
          levels = e.levels.length;
          line(io, describeBackend(e.backend));
          line(io, e.data);
          line(io, `model: ${e.description}`);
          if (levels > 1) line(io, `multilevel: ${e.levels.map(levelText).join(' → ')}`);
          json(io, {
            event: 'run',
            dir: e.dir,
            backend: e.backend.backend,
            parameters: e.parameters,
            model: e.model,
            ...(levels > 1 ? { levels: e.levels } : {}),
            ...(e.resumedAt ? { resumedAt: e.resumedAt } : {}),
          });
          break;
        case 'level-start':
          if (levels > 1) {
            progress = createProgress(io.mode, io.out);
            line(
              io,
              `level ${e.level + 1}/${e.levels}: ${levelText(e)}, ${e.parameters.toLocaleString('en-US')} parameters`,
            );
            const { type: _, ...level } = e;
            json(io, { event: 'level-start', ...level });
          }
          break;
        case 'level-end':
          if (levels > 1) {
            progress.stop();
            line(io, `level ${e.level + 1} done in ${formatDuration(e.seconds)}`);
            const { type: _, ...level } = e;
            json(io, { event: 'level-end', ...level });
          }
          break;
        case 'train':
          progress.onEvent(e.event);
          break;
        case 'warning':
          progress.stop();
          io.err.write(`warning: ${e.message}\n`);
          json(io, { event: 'warning', message: e.message });
          break;
        case 'summary': {
          progress.stop();
          const { summary } = e;
          json(io, { event: 'summary', dir: e.dir, plots: e.plots, ...summary });
          for (const level of summary.levels ?? []) {
            line(
              io,
              `level ${level.level + 1}: ${levelText(level)}, ${formatDuration(level.seconds)}`,
            );
          }
          const test = testEvaluation(summary);
          if (test) line(io, `test ${formatEvaluation(test)} on ${test.examples} examples`);
          else if (summary.levels) {
            line(
              io,
              'the run stopped before the full-resolution level; its checkpoint holds a coarser model (runge resume finishes it)',
            );
          }
          for (const [name, value] of Object.entries(summary.report ?? {})) {
            const text = typeof value === 'number' ? value.toPrecision(4) : JSON.stringify(value);
            line(io, `${name}: ${text}`);
          }
          line(
            io,
            `${summary.reason === 'interrupted' ? 'stopped' : 'done'} after ${formatDuration(summary.seconds)}${e.dir ? `; run written to ${e.dir}` : ''}`,
          );
          break;
        }
      }
    },
  };
}

import type { Writable } from 'node:stream';
import type { TrainEvent } from '@runge/train';
import cliProgress from 'cli-progress';

/** How progress is shown: a live bar (terminal), plain log lines (pipes, CI), or JSON lines. */
export type ProgressMode = 'bar' | 'plain' | 'json';

/** Picks `bar` on a terminal, `plain` otherwise, `json` when asked. */
export function progressMode(stream: { isTTY?: boolean }, json: boolean): ProgressMode {
  if (json) return 'json';
  return stream.isTTY ? 'bar' : 'plain';
}

/** Formats seconds as `1h02m`, `3m07s` or `12s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600)
    return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

function formatMetrics(metrics: Readonly<Record<string, number>>): string {
  return Object.entries(metrics)
    .filter(([name]) => !name.endsWith('gradNorm'))
    .map(
      ([name, v]) =>
        `${name} ${name.includes('accuracy') ? `${(100 * v).toFixed(2)}%` : v.toPrecision(4)}`,
    )
    .join('  ');
}

/**
 * A consumer of training events that shows them in the chosen mode on `out` (progress) — results
 * are printed by the commands themselves.
 */
export function createProgress(
  mode: ProgressMode,
  out: Writable,
): { onEvent: (e: TrainEvent) => void; stop: () => void } {
  const write = (line: string): void => {
    out.write(`${line}\n`);
  };
  if (mode === 'json') {
    return {
      onEvent: (e) => {
        if (e.type !== 'step') write(JSON.stringify({ event: e.type, ...e }));
      },
      stop: () => {},
    };
  }
  let epochs = 0;
  let bar: cliProgress.SingleBar | null = null;
  let lastPlain = -1;
  const stopBar = (): void => {
    bar?.stop();
    bar = null;
  };
  return {
    stop: stopBar,
    onEvent: (e) => {
      switch (e.type) {
        case 'start':
          epochs = e.epochs;
          if (e.resumedAt && e.resumedAt.epoch >= e.epochs) {
            write(
              `the run has already trained all ${e.epochs} epochs: evaluating it (give runge resume --epochs N, with N > ${e.epochs}, to train further)`,
            );
            break;
          }
          write(
            `training: ${e.examples} examples, ${e.batchesPerEpoch} batches per epoch, ${e.epochs} epochs` +
              (e.resumedAt
                ? ` (resuming at epoch ${e.resumedAt.epoch + 1}, batch ${e.resumedAt.batch})`
                : ''),
          );
          break;
        case 'epoch-start':
          lastPlain = -1;
          if (mode === 'bar') {
            bar = new cliProgress.SingleBar(
              {
                stream: out as NodeJS.WritableStream,
                format: `epoch {epoch}/${epochs} [{bar}] {value}/{total}  {metrics}  {speed} samples/s  ETA {eta_run}`,
                barsize: 24,
                hideCursor: true,
                clearOnComplete: true,
              },
              cliProgress.Presets.shades_classic,
            );
          }
          break;
        case 'step':
          if (bar) {
            if (bar.getTotal() !== e.batchesPerEpoch)
              bar.start(e.batchesPerEpoch, 0, {
                epoch: e.epoch + 1,
                metrics: '',
                speed: '0',
                eta_run: '?',
              });
            bar.update(e.batch + 1, {
              epoch: e.epoch + 1,
              metrics: formatMetrics(e.running),
              speed: e.samplesPerSecond.toFixed(0),
              eta_run: formatDuration(e.etaSeconds),
            });
          } else {
            const decile = Math.floor((10 * (e.batch + 1)) / e.batchesPerEpoch);
            if (decile > lastPlain) {
              lastPlain = decile;
              write(
                `epoch ${e.epoch + 1}/${epochs} step ${e.batch + 1}/${e.batchesPerEpoch}  ${formatMetrics(e.running)}  ${e.samplesPerSecond.toFixed(0)} samples/s  ETA ${formatDuration(e.etaSeconds)}`,
              );
            }
          }
          break;
        case 'epoch-end': {
          stopBar();
          const r = e.record;
          const valid = r.validation ? `  |  validation ${formatMetrics(r.validation)}` : '';
          write(
            `epoch ${r.epoch + 1}/${epochs}  train ${formatMetrics(r.train)}${valid}  (${formatDuration(r.seconds)}, ${r.samplesPerSecond.toFixed(0)} samples/s)`,
          );
          break;
        }
        case 'checkpoint':
          break;
        case 'early-stop':
          write(
            `early stopping: ${e.metric} has not improved since epoch ${e.bestEpoch + 1} (best ${e.best.toPrecision(4)})`,
          );
          break;
        case 'end':
          stopBar();
          if (e.reason === 'interrupted')
            write('interrupted: checkpoint written; continue with runge resume');
          break;
      }
    },
  };
}

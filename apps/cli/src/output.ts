// Where a command writes and how: text lines, or JSON lines with --json.
import type { Writable } from 'node:stream';
import type { ProgressMode } from './progress.js';

/** Where a command writes and how. */
export interface CommandIo {
  /** Results and progress. */
  readonly out: Writable;
  /** Warnings. */
  readonly err: Writable;
  /** Progress bars, plain lines or JSON lines. */
  readonly mode: ProgressMode;
  /** Aborted on Ctrl-C. */
  readonly signal?: AbortSignal;
}

/** Writes a text line unless the output is JSON lines. */
export function line(io: CommandIo, text: string): void {
  if (io.mode !== 'json') io.out.write(`${text}\n`);
}

/** Writes a JSON line when the output is JSON lines. */
export function json(io: CommandIo, value: unknown): void {
  if (io.mode === 'json') io.out.write(`${JSON.stringify(value)}\n`);
}

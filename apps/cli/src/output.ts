import type { Writable } from 'node:stream';
import type { ProgressMode } from './progress.js';

/** Where a command writes and how. */
export interface CommandIo {
  readonly out: Writable;
  readonly mode: ProgressMode;
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

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built CLI entry: tests drive the real command as a subprocess. */
export const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `runge ...args` and collects its output. `onLine` sees stdout lines as they arrive. */
export function runCli(
  args: readonly string[],
  options: {
    cwd?: string;
    onLine?: (line: string, child: ChildProcess) => void;
    timeoutMs?: number;
  } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? process.cwd(),
      env: { ...process.env, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      stdout += text;
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) options.onLine?.(line, child);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`runge ${args.join(' ')} timed out\n${stdout}\n${stderr}`));
    }, options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A fresh temporary directory for runs. */
export function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'runge-cli-'));
}

/** Parses the JSON lines of `--json` output. */
export function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Tiny runs: 2-D spirals, a narrow ODE network, the cpu backend (deterministic and small). */
export const TOY: readonly string[] = [
  '--data',
  'spirals',
  '--preset',
  'toy',
  '--channels',
  '6',
  '--steps',
  '4',
  '--backend',
  'cpu',
  '--batch-size',
  '32',
  '--seed',
  '5',
];

/** The `summary` event of `runge train --json` output. */
export function summaryOf(stdout: string): Record<string, unknown> {
  const summary = jsonLines(stdout).find((e) => e.event === 'summary');
  if (!summary) throw new Error(`no summary in output:\n${stdout}`);
  return summary;
}

/** The run directory `runge train --json` reports. */
export function runDirOf(stdout: string): string {
  return summaryOf(stdout).dir as string;
}

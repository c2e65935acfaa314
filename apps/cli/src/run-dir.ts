import { appendFile, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { RungeError } from '@runge/tensor-ops';

/** The files of a run directory. */
export interface RunPaths {
  readonly dir: string;
  readonly config: string;
  readonly metrics: string;
  readonly checkpoint: string;
  readonly summary: string;
  readonly plots: string;
}

/** A problem with a run directory (missing, not a run): a usage error (exit code 2). */
export class RunDirError extends RungeError {
  constructor(message: string) {
    super('E_CONFIG', message);
  }
}

/** The layout of a run directory. */
export function runPaths(dir: string): RunPaths {
  const abs = resolve(dir);
  return {
    dir: abs,
    config: join(abs, 'config.json'),
    metrics: join(abs, 'metrics.jsonl'),
    checkpoint: join(abs, 'checkpoint.ckpt'),
    summary: join(abs, 'summary.json'),
    plots: join(abs, 'plots'),
  };
}

/** A fresh directory name under `root`: `<root>/<name>-<YYYYMMDD-HHMMSS>`, suffixed if taken. */
export async function newRunDir(root: string, name: string, now = new Date()): Promise<RunPaths> {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  await mkdir(root, { recursive: true });
  for (let k = 0; ; k++) {
    const dir = join(root, `${name}-${stamp}${k === 0 ? '' : `-${k}`}`);
    try {
      await mkdir(dir);
      return runPaths(dir);
    } catch (e) {
      if ((e as { code?: string }).code !== 'EEXIST') throw e;
    }
  }
}

/** Opens an existing run directory, failing clearly when it is missing or not a run. */
export async function openRunDir(dir: string): Promise<RunPaths> {
  const paths = runPaths(dir);
  const info = await stat(paths.dir).catch(() => null);
  if (!info?.isDirectory()) {
    throw new RunDirError(
      `run directory '${dir}' does not exist; pass the directory printed by 'runge train'`,
    );
  }
  if (!(await stat(paths.config).catch(() => null))) {
    throw new RunDirError(
      `'${dir}' is not a run directory (no config.json); pass the directory printed by 'runge train'`,
    );
  }
  return paths;
}

/** Writes a file atomically (temporary file + rename). */
export async function writeFileAtomic(file: string, data: string): Promise<void> {
  const temp = `${file}.tmp-${process.pid}`;
  await writeFile(temp, data);
  await rename(temp, file);
}

/** Writes JSON atomically, pretty-printed. */
export async function writeJson(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** Reads a JSON file. */
export async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await readFile(file, 'utf8')) as T;
}

/** Appends one JSON line. */
export async function appendJsonLine(file: string, value: unknown): Promise<void> {
  await appendFile(file, `${JSON.stringify(value)}\n`);
}

/** Reads a JSON-lines file (missing file → empty list). */
export async function readJsonLines<T>(file: string): Promise<T[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

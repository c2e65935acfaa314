// Run directories: their layout, creation when training starts, atomic writes, leftovers of a crash cleaned, and one writer at a time.
import { FileError, RungeError } from '@runge/tensor-ops';
import { nodeFs } from './node-fs.js';

/** The files of a run directory. */
export interface RunPaths {
  /** The directory (absolute). */
  readonly dir: string;
  /** `config.json`: the resolved run configuration. */
  readonly config: string;
  /** `metrics.jsonl`: one line per completed epoch, always agreeing with the checkpoint. */
  readonly metrics: string;
  /** `checkpoint.ckpt`: the latest checkpoint (written atomically). */
  readonly checkpoint: string;
  /** `summary.json`: the outcome of the run. */
  readonly summary: string;
  /** `plots/`: SVG plots. */
  readonly plots: string;
  /** `run.lock`: present while a process trains the run. */
  readonly lock: string;
}

/** A problem with a run directory or an output folder (missing, not a run, in use): a usage error. */
export class RunDirError extends RungeError {
  /** @param message - Names the directory, what is wrong and what to do. */
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_CONFIG', message, options);
  }
}

/**
 * The layout of a run directory.
 *
 * @example
 * ```ts
 * runPaths('runs/w1-20260101-120000').checkpoint; // …/runs/w1-20260101-120000/checkpoint.ckpt
 * ```
 */
export function runPaths(dir: string): RunPaths {
  const { path } = nodeFs('run directories');
  const abs = path.resolve(dir);
  return {
    dir: abs,
    config: path.join(abs, 'config.json'),
    metrics: path.join(abs, 'metrics.jsonl'),
    checkpoint: path.join(abs, 'checkpoint.ckpt'),
    summary: path.join(abs, 'summary.json'),
    plots: path.join(abs, 'plots'),
    lock: path.join(abs, 'run.lock'),
  };
}

/** Seconds a write probe may take before the folder counts as unwritable. */
const PROBE_SECONDS = 10;

/**
 * Checks, before any training, that run directories can be created under `root`: creates it if
 * needed and writes and removes a small probe file, with a time limit (some special file systems
 * never answer).
 *
 * @throws {@link RunDirError} naming the folder, what is wrong and what to do.
 */
export async function checkOutputFolder(root: string): Promise<void> {
  const { fs, path } = nodeFs('run directories');
  const abs = path.resolve(root);
  const probe = path.join(abs, `.runge-probe-${process.pid}`);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const attempt = (async () => {
    const info = await fs.stat(abs).catch(() => null);
    if (info && !info.isDirectory()) {
      throw new RunDirError(
        `output folder ${abs} is a file, not a folder; choose another output folder (--out)`,
      );
    }
    try {
      await fs.mkdir(abs, { recursive: true });
      await fs.writeFile(probe, '');
      await fs.rm(probe, { force: true });
    } catch (e) {
      const error = FileError.from(e, abs, 'cannot write run directories under');
      throw new RunDirError(`${error.message}; choose another output folder (--out)`, { cause: e });
    }
  })();
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new RunDirError(
            `output folder ${abs} did not accept a file within ${PROBE_SECONDS} s (a special or unreachable file system?); choose another output folder (--out)`,
          ),
        ),
      PROBE_SECONDS * 1000,
    );
    (timer as { unref?: () => void }).unref?.();
  });
  try {
    await Promise.race([attempt, limit]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Creates a fresh run directory `<root>/<name>-<YYYYMMDD-HHMMSS>` (suffixed `-1`, `-2`, … if
 * taken).
 *
 * @throws {@link RunDirError} when it cannot be created.
 */
export async function newRunDir(root: string, name: string, now = new Date()): Promise<RunPaths> {
  const { fs, path } = nodeFs('run directories');
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  try {
    await fs.mkdir(root, { recursive: true });
  } catch (e) {
    throw new RunDirError(
      `${FileError.from(e, path.resolve(root), 'cannot create').message}; choose another output folder (--out)`,
      { cause: e },
    );
  }
  for (let k = 0; ; k++) {
    const dir = path.join(root, `${name}-${stamp}${k === 0 ? '' : `-${k}`}`);
    try {
      await fs.mkdir(dir);
      return runPaths(dir);
    } catch (e) {
      if ((e as { code?: string }).code !== 'EEXIST') {
        throw new RunDirError(FileError.from(e, path.resolve(dir), 'cannot create').message, {
          cause: e,
        });
      }
    }
  }
}

/**
 * Opens an existing run directory, failing clearly when it is missing or not a run.
 *
 * @throws {@link RunDirError} naming the directory and what to pass instead.
 */
export async function openRunDir(dir: string): Promise<RunPaths> {
  const { fs } = nodeFs('run directories');
  const paths = runPaths(dir);
  const info = await fs.stat(paths.dir).catch(() => null);
  if (!info?.isDirectory()) {
    throw new RunDirError(
      `run directory '${dir}' does not exist; pass the directory printed by 'runge train'`,
    );
  }
  if (!(await fs.stat(paths.config).catch(() => null))) {
    throw new RunDirError(
      `'${dir}' is not a run directory (no config.json); pass the directory printed by 'runge train'`,
    );
  }
  return paths;
}

/**
 * Removes the temporary files an interrupted atomic write left in a run directory
 * (`*.tmp-<pid>…`, from a process killed between writing and renaming).
 *
 * @returns The names removed.
 */
export async function cleanTempFiles(paths: RunPaths): Promise<string[]> {
  const { fs, path } = nodeFs('run directories');
  const removed: string[] = [];
  for (const dir of [paths.dir, paths.plots]) {
    const names = await fs.readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      if (!/\.tmp-\d+/.test(name)) continue;
      await fs.rm(path.join(dir, name), { force: true });
      removed.push(name);
    }
  }
  return removed;
}

/**
 * Writes a file atomically: a temporary file renamed over the destination, so a crash leaves
 * the old or the new content, never a mix; the temporary file is removed on failure.
 *
 * @throws {@link @runge/tensor-ops!FileError} naming the file when it cannot be written.
 */
export async function writeFileAtomic(file: string, data: string): Promise<void> {
  const { fs } = nodeFs('run directories');
  const temp = `${file}.tmp-${process.pid}`;
  try {
    await fs.writeFile(temp, data);
    await fs.rename(temp, file);
  } catch (e) {
    await fs.rm(temp, { force: true }).catch(() => {});
    throw FileError.from(e, file, 'cannot write');
  }
}

/** Writes JSON atomically, pretty-printed. */
export async function writeJson(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** Reads a JSON file. */
export async function readJson<T>(file: string): Promise<T> {
  const { fs } = nodeFs('run directories');
  return JSON.parse(await fs.readFile(file, 'utf8')) as T;
}

/** Writes JSON lines atomically (replacing the file). */
export async function writeJsonLines(file: string, values: readonly unknown[]): Promise<void> {
  await writeFileAtomic(file, values.map((v) => `${JSON.stringify(v)}\n`).join(''));
}

/** Appends one JSON line. */
export async function appendJsonLine(file: string, value: unknown): Promise<void> {
  const { fs } = nodeFs('run directories');
  try {
    await fs.appendFile(file, `${JSON.stringify(value)}\n`);
  } catch (e) {
    throw FileError.from(e, file, 'cannot write');
  }
}

/** Reads a JSON-lines file (missing file → empty list). */
export async function readJsonLines<T>(file: string): Promise<T[]> {
  const { fs } = nodeFs('run directories');
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

/** What a lock file records about the process that holds the run. */
interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly started: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as { code?: string }).code === 'EPERM';
  }
}

/**
 * Takes the run directory for this process: creates `run.lock` (owner pid, host and start time)
 * exclusively. A lock left by a process that no longer runs (on this host) is taken over; a
 * live one is refused. Release it with the returned function (also when training fails).
 *
 * @returns A function that removes the lock.
 * @throws {@link RunDirError} naming the process that trains the run.
 */
export async function lockRun(paths: RunPaths): Promise<() => Promise<void>> {
  const { fs, os } = nodeFs('run directories');
  const owner: LockOwner = {
    pid: process.pid,
    host: os.hostname(),
    started: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fs.writeFile(paths.lock, `${JSON.stringify(owner)}\n`, { flag: 'wx' });
      return async () => {
        await fs.rm(paths.lock, { force: true });
      };
    } catch (e) {
      if ((e as { code?: string }).code !== 'EEXIST')
        throw FileError.from(e, paths.lock, 'cannot write');
    }
    const held = await readJson<LockOwner>(paths.lock).catch(() => null);
    if (held && held.host === owner.host && held.pid !== owner.pid && !alive(held.pid)) {
      // Stale: its process died (killed, crashed) without removing the lock.
      await fs.rm(paths.lock, { force: true });
      continue;
    }
    throw new RunDirError(
      held
        ? `${paths.dir} is being trained by process ${held.pid} on ${held.host} (since ${held.started}); wait for it to finish or stop it, then try again`
        : `${paths.dir} is locked (${paths.lock}); if no process trains it, remove that file`,
    );
  }
  throw new RunDirError(
    `${paths.dir}: cannot take the lock ${paths.lock}; remove it if no process trains the run`,
  );
}

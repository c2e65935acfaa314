import { type RunConfig, resolveConfig } from '../config.js';
import { loadRunData, type RunData } from '../data.js';
import { initRunBackend } from '../run-backend.js';
import { openRunDir, type RunPaths, readJson } from '../run-dir.js';

/** Reads and validates the resolved configuration stored in a run directory. */
export async function readRunConfig(paths: RunPaths, backend?: string): Promise<RunConfig> {
  const stored = await readJson<Record<string, unknown>>(paths.config);
  const config = resolveConfig(stored, paths.config);
  return backend ? { ...config, backend: backend as RunConfig['backend'] } : config;
}

/**
 * Opens a run for a command that analyses it: the run directory, its validated configuration
 * (with `backend` overriding the stored one), the backend selected, and the run's data, which
 * the caller disposes.
 */
export async function openRun(
  run: string,
  backend?: string,
): Promise<{ paths: RunPaths; config: RunConfig; data: RunData }> {
  const paths = await openRunDir(run);
  const config = await readRunConfig(paths, backend);
  await initRunBackend(config);
  return { paths, config, data: await loadRunData(config) };
}

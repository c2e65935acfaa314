import { type RunConfig, resolveConfig } from '../config.js';
import { type RunPaths, readJson } from '../run-dir.js';

/** Reads and validates the resolved configuration stored in a run directory. */
export async function readRunConfig(paths: RunPaths, backend?: string): Promise<RunConfig> {
  const stored = await readJson<Record<string, unknown>>(paths.config);
  const config = resolveConfig(stored, paths.config);
  return backend ? { ...config, backend: backend as RunConfig['backend'] } : config;
}

// Reading a run configuration from a JSON or YAML file.
import { ConfigError } from '@runge/tensor-ops';
import { nodeFs } from './node-fs.js';
import { resolveRunConfig } from './resolve-run-config.js';
import type { RunConfig } from './run-config.js';

/**
 * Reads a run configuration file (`.json`, `.yaml` or `.yml`) as written, without resolving it.
 *
 * @param file - The file.
 * @returns The parsed content.
 * @throws {@link @runge/tensor-ops!ConfigError} for another format, a missing file, or one that
 *   does not parse.
 * @example
 * ```ts
 * const raw = await readConfigFile('run.yaml'); // { train: { epochs: 2 } }
 * ```
 */
export async function readConfigFile(file: string): Promise<unknown> {
  const { fs, path } = nodeFs('reading a configuration file');
  const abs = path.resolve(file);
  const ext = path.extname(abs).toLowerCase();
  if (!['.json', '.yaml', '.yml'].includes(ext)) {
    throw new ConfigError(
      `${file}: unsupported configuration format '${ext || '(none)'}'; use .json, .yaml or .yml`,
    );
  }
  const text = await fs.readFile(abs, 'utf8').catch(() => null);
  if (text === null) throw new ConfigError(`${file}: configuration file not found`);
  if (/^\s*(null|~)?\s*$/.test(text.replace(/^\s*#.*$/gm, ''))) {
    throw new ConfigError(
      `${file}: the file holds no settings (it is empty or null); write an object such as { "train": { "epochs": 2 } }, or leave --config out for the defaults`,
    );
  }
  if (ext === '.json') {
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      throw new ConfigError(`${file}: cannot parse (${(e as Error).message})`, { cause: e });
    }
  }
  try {
    const { loadConfig } = await import('c12');
    const { config } = await loadConfig({
      configFile: abs,
      rcFile: false,
      globalRc: false,
      dotenv: false,
      packageJson: false,
      envName: false,
    });
    return config;
  } catch (e) {
    throw new ConfigError(`${file}: cannot parse (${(e as Error).message.split('\n')[0]})`, {
      cause: e,
    });
  }
}

/**
 * Reads and resolves a run configuration file: what `runge train --config FILE` trains.
 *
 * @param file - A `.json`, `.yaml` or `.yml` file.
 * @returns The resolved configuration.
 * @throws {@link @runge/tensor-ops!ConfigError} for a file that cannot be read or a configuration
 *   that is invalid (every problem listed).
 * @example
 * ```ts
 * const { summary } = await runTraining(await loadRunConfig('run.yaml'));
 * ```
 */
export async function loadRunConfig(file: string): Promise<RunConfig> {
  return resolveRunConfig(await readConfigFile(file), { source: file });
}

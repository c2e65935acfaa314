// `runge train`: a run configuration from a file and flags, trained by runTraining, shown as it goes.
import { readConfigFile, resolveRunConfig, runTraining } from '@runge/train';
import { flagEntries, flagName, settingName } from '../flags.js';
import type { CommandIo } from '../output.js';
import { runPrinter } from '../run-printer.js';

/** Sets `value` at a dotted path of a plain object, creating intermediate objects. */
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1) as string] = value;
}

/** commander's property name of a flag: `--batch-size <n>` → `batchSize`. */
function camel(flag: string): string {
  return flagName(flag).replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
}

/**
 * `runge train [--config FILE] [flags]`: the configuration file (if any), every flag given set at
 * its configuration path, resolved and validated (messages name the flag), then trained. Returns
 * the exit code: 0, or 130 when interrupted.
 */
export async function trainCommand(opts: Record<string, unknown>, io: CommandIo): Promise<number> {
  const file = opts.config as string | undefined;
  const input = file ? await readConfigFile(file) : {};
  const merged = structuredClone((input ?? {}) as Record<string, unknown>);
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    // let the resolver explain what is wrong with the file
    resolveRunConfig(input, { source: file ?? 'options' });
  }
  const fromFlags = new Set<string>();
  for (const { path, flag } of flagEntries()) {
    const value = opts[camel(flag)];
    if (value !== undefined) {
      setPath(merged, path, value);
      fromFlags.add(path);
    }
  }
  // A setting given by a flag is named by its flag too; one from the file by its path.
  const config = resolveRunConfig(merged, {
    source: fromFlags.size > 0 ? `${file ? `${file} with ` : ''}options` : (file ?? 'options'),
    name: (path) => (fromFlags.has(path) ? settingName(path) : path),
  });
  const printer = runPrinter(io);
  try {
    const result = await runTraining(config, {
      onEvent: printer.onEvent,
      ...(io.signal ? { signal: io.signal } : {}),
    });
    return result.summary.reason === 'interrupted' ? 130 : 0;
  } finally {
    printer.stop();
  }
}

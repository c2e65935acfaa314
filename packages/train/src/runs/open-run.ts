// Opening a trained run for analysis: its configuration, data, the networks of its checkpoint and their trained variables, checked against each other.
import type { Model, ModelParams, ModelState } from '@runge/architectures';
import { loadTrees } from '@runge/tensor-ops';
import { nodeFs } from './node-fs.js';
import { initRunBackend } from './run-backend.js';
import type { RunConfig } from './run-config.js';
import type { RunData } from './run-data.js';
import { openRunDir, RunDirError, type RunPaths, readJson } from './run-dir.js';
import { scheduleLevels } from './run-levels.js';
import {
  disposeNetworks,
  loadTaskData,
  networksFor,
  networksFromCheckpoint,
} from './run-networks.js';
import { checkpointLevel, planLevels } from './run-pipeline.js';
import { readRunConfig } from './run-training.js';
import { mainNetwork, type TaskNetworks } from './tasks/run-task.js';

/** A trained run, opened for analysis; `dispose()` releases its data and variables. */
export interface OpenedRun {
  /** The run directory's files. */
  readonly paths: RunPaths;
  /** Its validated configuration (with the backend override, if any). */
  readonly config: RunConfig;
  /** Its data. */
  readonly data: RunData;
  /** Every trained network by name (`model` for most tasks). */
  readonly nets: TaskNetworks;
  /** The network named `model` (or the first): a coarser level's for a multilevel run that stopped early. */
  readonly model: Model;
  /** Its trained parameters (the best ones when early stopping kept them) and state. */
  readonly variables: { readonly params: ModelParams; readonly state: ModelState };
  /** Releases the data and the variables. */
  dispose(): void;
}

/**
 * The message every command gives for a run without a checkpoint: what happened and what to do,
 * the same everywhere (resume continues such a run from its configuration).
 */
export async function noCheckpointMessage(paths: RunPaths): Promise<string> {
  const summary = await readJson<{ reason?: string; error?: string }>(paths.summary).catch(
    () => null,
  );
  const why =
    summary?.reason === 'failed'
      ? `the run failed before its first checkpoint (${summary.error ?? 'see its output'})`
      : 'the run stopped before its first checkpoint';
  return `'${paths.dir}' has no checkpoint yet: ${why}; continue it with 'runge resume --run ${paths.dir}' (resumeRun), which starts it from its configuration`;
}

/**
 * Opens a run for a command that analyses it: the run directory, its configuration, the backend
 * selected (the run's, or `backend`), the run's data, and the networks and variables of its
 * checkpoint — checked against `config.json`, so an edited configuration is refused rather than
 * silently evaluating another model.
 *
 * @param dir - The run directory.
 * @param options - `backend` to override the run's.
 * @returns The opened run; call `dispose()` when done.
 * @throws {@link RunDirError} for a missing run, a run without a checkpoint (saying how to
 *   continue it), or a configuration that does not match the checkpoint.
 * @example
 * ```ts
 * const run = await openRun('runs/w1-20261202-101500');
 * const { y } = run.model.apply(run.variables.params, x, { state: run.variables.state });
 * run.dispose();
 * ```
 */
export async function openRun(
  dir: string,
  options: { readonly backend?: RunConfig['backend'] } = {},
): Promise<OpenedRun> {
  const paths = await openRunDir(dir);
  const stored = await readRunConfig(paths);
  const config = options.backend ? { ...stored, backend: options.backend } : stored;
  const { fs } = nodeFs('run directories');
  if (!(await fs.stat(paths.checkpoint).catch(() => null))) {
    throw new RunDirError(await noCheckpointMessage(paths));
  }
  await initRunBackend(config);
  const data = await loadTaskData(config);
  try {
    const archive = await loadTrees(paths.checkpoint);
    // The checkpoint's level decides the model (a coarser one when a multilevel run stopped early).
    const networks = networksFor(config, data);
    const plan = planLevels(
      config,
      networks,
      scheduleLevels(config, data, networks.model ?? (Object.values(networks)[0] as never)),
    );
    const level = plan.levels[checkpointLevel(archive)];
    const configs = plan.transfer && level ? { model: level.config } : networks;
    const nets = networksFromCheckpoint(archive, configs, paths.checkpoint);
    const main = mainNetwork(nets);
    return {
      paths,
      config,
      data,
      nets,
      model: main.model,
      variables: { params: main.params, state: main.state },
      dispose() {
        disposeNetworks(nets);
        data.dispose();
      },
    };
  } catch (e) {
    data.dispose();
    throw e;
  }
}

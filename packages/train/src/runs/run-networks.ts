// The networks of a run: what its task trains, the data it learns from, and the trained variables read back from a checkpoint and checked against the configuration.
import {
  buildModel,
  type ModelConfig,
  type ModelParams,
  type ModelState,
} from '@runge/architectures';
import { type TensorTree, type TreeArchive, treeDispose, treeFlatten } from '@runge/tensor-ops';
import type { FitCheckpointTrees } from '../fit-checkpoint.js';
import type { RunConfig } from './run-config.js';
import { loadRunData, type RunData } from './run-data.js';
import { RunDirError } from './run-dir.js';
import { modelConfigFor } from './run-model.js';
import { taskOf } from './tasks/registry.js';
import type { TaskNetworks } from './tasks/run-task.js';

/**
 * The data a run's task learns from: the task's own loader, or the run data of its configuration.
 *
 * @example
 * ```ts
 * const data = await loadTaskData(config);
 * ```
 */
export function loadTaskData(config: RunConfig): Promise<RunData> {
  const task = taskOf(config);
  return task.loadData ? task.loadData(config) : loadRunData(config, task.targets);
}

/**
 * The networks a run trains, by name, at full resolution: the task's own, or `{ model }` built
 * from the preset or `model.config`.
 *
 * @example
 * ```ts
 * networksFor(config, data); // { model: { input: [28, 28, 1], layers: [...] } }
 * ```
 */
export function networksFor(config: RunConfig, data: RunData): Record<string, ModelConfig> {
  const task = taskOf(config);
  return task.networks ? task.networks(config, data) : { model: modelConfigFor(config, data) };
}

/**
 * The trained networks stored in a checkpoint, checked against the models the configuration
 * builds: the best parameters when early stopping kept them, else the last, and each network's
 * state. Takes ownership of the archive's tensors; what the networks do not use is released.
 *
 * @param archive - A checkpoint of the run.
 * @param configs - The networks' configs (at the checkpoint's level).
 * @param where - The checkpoint file, for messages.
 * @returns The networks; the caller disposes their variables.
 * @throws {@link RunDirError} when the checkpoint does not match the configuration.
 */
export function networksFromCheckpoint(
  archive: TreeArchive,
  configs: Readonly<Record<string, ModelConfig>>,
  where: string,
): TaskNetworks {
  const trees = archive.trees as unknown as Partial<FitCheckpointTrees>;
  const params = trees.best ?? trees.params ?? {};
  const names = Object.keys(configs);
  const single = names.length === 1 && names[0] === 'model';
  const state = ((trees.best ? trees.bestState : undefined) ?? trees.state ?? {}) as TensorTree;
  const nets = Object.fromEntries(
    names.map((name) => {
      const model = buildModel(configs[name] as ModelConfig);
      return [
        name,
        {
          model,
          params: params[name] as ModelParams,
          state: (single
            ? state
            : ((state as Record<string, TensorTree>)[name] ?? {})) as ModelState,
        },
      ];
    }),
  ) as TaskNetworks;
  const keep = new Set(
    Object.values(nets).flatMap((n) =>
      treeFlatten([n.params ?? {}, n.state] as TensorTree).leaves.map((t) => t.id),
    ),
  );
  try {
    for (const [name, net] of Object.entries(nets)) {
      if (net.params === undefined) {
        throw new Error(`it has no parameters '${name}' (has ${Object.keys(params).join(', ')})`);
      }
      net.model.checkVariables({ params: net.params, state: net.state });
    }
  } catch (e) {
    treeDispose(archive.trees as TensorTree);
    throw new RunDirError(
      `config.json does not match ${where} (${(e as Error).message}); restore the configuration the run was trained with, or train a new run`,
      { cause: e },
    );
  }
  for (const t of treeFlatten(archive.trees as TensorTree).leaves) if (!keep.has(t.id)) t.dispose();
  return nets;
}

/** Releases the variables of a run's networks. */
export function disposeNetworks(nets: TaskNetworks): void {
  for (const net of Object.values(nets)) treeDispose([net.params, net.state] as TensorTree);
}

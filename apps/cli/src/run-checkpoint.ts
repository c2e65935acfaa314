import { stat } from 'node:fs/promises';
import type { ModelParams, ModelState } from '@runge/architectures';
import { loadTrees, type TensorTree, treeDispose } from '@runge/tensor-ops';
import { RunDirError, type RunPaths } from './run-dir.js';

/** The model variables stored in a run's checkpoint; `dispose` releases them. */
export interface RunVariables {
  /** The best parameters when early stopping kept them, else the last. */
  readonly params: ModelParams;
  /** Non-trainable state (`{}` when the model has none). */
  readonly state: ModelState;
  /** Releases every tensor read from the checkpoint. */
  dispose(): void;
}

/**
 * Reads the model's variables from the checkpoint of a run (as written by training or by
 * `runge coarsen`), failing clearly when the run has none yet.
 */
export async function loadRunVariables(paths: RunPaths): Promise<RunVariables> {
  if (!(await stat(paths.checkpoint).catch(() => null))) {
    throw new RunDirError(
      `'${paths.dir}' has no checkpoint (checkpoint.ckpt): the run stopped before its first one; train or resume it first`,
    );
  }
  const archive = await loadTrees(paths.checkpoint);
  const trees = archive.trees as {
    params: Record<string, TensorTree>;
    best?: Record<string, TensorTree>;
    state?: TensorTree;
  };
  return {
    params: (trees.best ?? trees.params).model as unknown as ModelParams,
    state: (trees.state ?? {}) as unknown as ModelState,
    dispose: () => treeDispose(archive.trees as TensorTree),
  };
}

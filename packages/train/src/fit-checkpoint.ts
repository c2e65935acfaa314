// The checkpoint format of fit: parameters, state, optimiser states and the loop's position, written atomically and read back for a resume.
import {
  ConfigError,
  type JsonValue,
  type RngState,
  StructureError,
  saveTrees,
  type TensorTree,
  type TreeArchive,
  treeDispose,
  treeFlatten,
  treeMap,
} from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import type { EarlyState } from './early-stopping.js';
import type { EpochRecord } from './events.js';

/** Where the loop stood when the checkpoint was written, and what it needs to continue exactly. */
export interface FitCheckpointMeta {
  /** Marks a checkpoint written by fit. */
  readonly format: 'runge-fit';
  /** Format version. */
  readonly version: 1;
  /** The epoch to continue at (0-based). */
  readonly epoch: number;
  /** The batch of that epoch to continue at. */
  readonly batch: number;
  /** Global steps taken. */
  readonly step: number;
  /** The run's seed. */
  readonly seed: number;
  /** The data-order generator at the start of the epoch to continue. */
  readonly dataRng: RngState;
  /** The per-step generator. */
  readonly stepRng: RngState;
  /** Updates per player (for bias corrections). */
  readonly updates: readonly number[];
  /** Records of the completed epochs. */
  readonly history: readonly EpochRecord[];
  /** Early stopping's state. */
  readonly early: EarlyState;
  /** The running sums of an epoch interrupted between batches. */
  readonly partial: {
    readonly sums: Record<string, number>;
    readonly examples: number;
    readonly seconds: number;
    readonly batches: number;
  };
  /** The caller's JSON (e.g. the run configuration). */
  readonly config: JsonValue;
}

/** The tensors of a fit checkpoint. */
export interface FitCheckpointTrees {
  /** Parameters by player key. */
  readonly params: Record<string, TensorTree>;
  /** Non-trainable state. */
  readonly state: TensorTree;
  /** One optimiser state per player. */
  readonly optimizer: TensorTree[];
  /** The best parameters so far (early stopping with `restoreBest`). */
  readonly best?: Record<string, TensorTree>;
  /** The non-trainable state that goes with `best`. */
  readonly bestState?: TensorTree;
}

/**
 * Writes a fit checkpoint atomically (a temporary file renamed over the old one, so a crash
 * leaves either the old or the new checkpoint).
 *
 * @returns The bytes written.
 */
export function writeFitCheckpoint(
  file: string,
  trees: FitCheckpointTrees,
  meta: FitCheckpointMeta,
): Promise<number> {
  return saveTrees(file, {
    trees: trees as unknown as Record<string, TensorTree>,
    meta: meta as unknown as JsonValue,
  });
}

/** Checks that a tree from a checkpoint has the structure and shapes of the live one. */
export function checkSameStructure(name: string, expected: TensorTree, actual: TensorTree): void {
  try {
    tf.tidy(() => {
      treeMap(
        (a, b) => {
          if (a.shape.join() !== (b as tf.Tensor).shape.join()) {
            throw new StructureError(
              `shape [${b?.shape.join(', ')}] where the model has [${a.shape.join(', ')}]`,
            );
          }
          return a;
        },
        expected,
        actual,
      );
    });
  } catch (e) {
    throw new StructureError(
      `checkpoint does not match the problem at '${name}': ${(e as Error).message}`,
      { cause: e },
    );
  }
}

/**
 * Reads a checkpoint archive for a resume: checks that `fit` wrote it and that its parameters and
 * optimiser states match the problem's, and hands over its trees. On failure the archive's
 * tensors are released.
 *
 * @throws {@link @runge/tensor-ops!ConfigError} when the archive was not written by fit.
 * @throws {@link @runge/tensor-ops!StructureError} when it does not match the problem.
 */
export function readFitCheckpoint(
  archive: TreeArchive,
  expected: { readonly params: TensorTree; readonly optimizer: readonly TensorTree[] },
): { trees: FitCheckpointTrees; meta: FitCheckpointMeta } {
  const meta = archive.meta as unknown as FitCheckpointMeta;
  if (meta?.format !== 'runge-fit') {
    treeDispose(archive.trees as TensorTree);
    throw new ConfigError(
      "fit: the checkpoint was not written by fit (missing format 'runge-fit')",
    );
  }
  const trees = archive.trees as unknown as FitCheckpointTrees;
  try {
    checkSameStructure('params', expected.params, trees.params);
    if ((trees.optimizer ?? []).length !== expected.optimizer.length) {
      throw new StructureError(
        `checkpoint has ${trees.optimizer?.length ?? 0} optimiser states for ${expected.optimizer.length} players`,
      );
    }
    trees.optimizer.forEach((s, i) => {
      checkSameStructure(`optimizer.${i}`, expected.optimizer[i] as TensorTree, s);
    });
  } catch (e) {
    treeDispose(trees as unknown as TensorTree);
    throw e;
  }
  return { trees, meta };
}

/**
 * The variables a fit checkpoint holds for one player's parameters: the best ones when early
 * stopping kept them, else the last, and the non-trainable state that goes with them. The other tensors of the
 * archive are released; the caller owns the result.
 *
 * @param archive - From `loadTrees` of @runge/tensor-ops (a checkpoint written by `fit`).
 * @param key - The player's parameter key; default `'model'`.
 * @returns `{ params, state, meta }` (`meta` is `null` for archives written by other tools).
 * @throws {@link @runge/tensor-ops!StructureError} when the archive has no such parameters.
 * @example
 * ```ts
 * const { params, state } = checkpointVariables(await loadTrees('runs/w1/checkpoint.ckpt'));
 * ```
 */
export function checkpointVariables(
  archive: TreeArchive,
  key = 'model',
): { params: TensorTree; state: TensorTree; meta: FitCheckpointMeta | null } {
  const trees = archive.trees as unknown as Partial<FitCheckpointTrees>;
  const chosen = (trees.best ?? trees.params)?.[key];
  if (chosen === undefined) {
    treeDispose(archive.trees as TensorTree);
    throw new StructureError(
      `checkpoint has no parameters '${key}' (has {${Object.keys(trees.params ?? {}).join(', ')}})`,
    );
  }
  const state = (trees.best ? trees.bestState : undefined) ?? trees.state ?? {};
  const keep = new Set([...leaves(chosen), ...leaves(state)].map((t) => t.id));
  for (const t of leaves(archive.trees as TensorTree)) if (!keep.has(t.id)) t.dispose();
  const meta = archive.meta as unknown as FitCheckpointMeta | null;
  return { params: chosen, state, meta: meta?.format === 'runge-fit' ? meta : null };
}

function leaves(tree: TensorTree): tf.Tensor[] {
  return treeFlatten(tree).leaves;
}

import {
  DataError,
  type JsonValue,
  loadTrees,
  RungeError,
  saveTrees,
  type TensorTree,
  treeDispose,
} from '@runge/tensor-ops';
import type { ModelConfig } from './layer-config.js';
import { buildModel, type Model, type ModelParams, type ModelState } from './model.js';

const FORMAT = 'runge-model';
const VERSION = 1;

/** Options of {@link saveModel}. */
export interface SaveModelOptions {
  /** Extra JSON stored beside the config (training run, metrics…); returned by `loadModel`. */
  readonly meta?: JsonValue;
}

/** What {@link loadModel} returns. The caller owns `params` and `state`. */
export interface LoadedModel {
  /** The stored config (validated). */
  readonly config: ModelConfig;
  /** The model built from it. */
  readonly model: Model;
  /** The stored parameters, checked against the config. */
  readonly params: ModelParams;
  /** The stored state (`{}` when the model has none). */
  readonly state: ModelState;
  /** The extra metadata given to `saveModel` (`null` if none). */
  readonly meta: JsonValue;
}

/**
 * Saves a model — its config in the archive's metadata, its parameters and state as tensor
 * trees — atomically to `file` (tensor-ops' tree archive: a crash leaves the old file or the new
 * one). The config and the trees are checked against each other first, so a file that
 * `loadModel` would reject is never written. Node only.
 *
 * @param file - Destination path (directories are created).
 * @param config - The model config the parameters belong to.
 * @param variables - `{ params, state }` (state optional when the model has none).
 * @param options - `meta`: extra JSON to store.
 * @returns The number of bytes written.
 * @throws {@link @runge/tensor-ops!ConfigError} for an invalid config.
 * @throws {@link @runge/tensor-ops!StructureError} / {@link @runge/tensor-ops!ShapeError} when the trees do not fit the config.
 * @example
 * ```ts
 * await saveModel('runs/w1/model.runge', config, { params, state });
 * ```
 */
export async function saveModel(
  file: string,
  config: ModelConfig,
  variables: { readonly params: ModelParams; readonly state?: ModelState },
  options: SaveModelOptions = {},
): Promise<number> {
  const model = buildModel(config);
  model.checkVariables(variables);
  return saveTrees(file, {
    trees: { params: variables.params, state: variables.state ?? {} },
    meta: {
      format: FORMAT,
      version: VERSION,
      config: model.config as unknown as JsonValue,
      meta: options.meta ?? null,
    },
  });
}

/**
 * Loads a model saved by {@link saveModel}: validates the stored config, builds the model, and
 * checks that the stored trees have exactly the structure and shapes the config implies
 * (nothing is returned otherwise, and no tensor is left behind). Node only.
 *
 * @param file - The saved model.
 * @returns `{ config, model, params, state, meta }`; the caller owns the tensors.
 * @throws {@link @runge/tensor-ops!DataError} when the file is missing, damaged or not a saved model.
 * @throws {@link @runge/tensor-ops!ConfigError} when the stored config is invalid.
 * @throws {@link @runge/tensor-ops!StructureError} / {@link @runge/tensor-ops!ShapeError} when the trees do not fit the config.
 * @example
 * ```ts
 * const { model, params, state } = await loadModel('runs/w1/model.runge');
 * const { y } = model.apply(params, images, { state });
 * ```
 */
export async function loadModel(file: string): Promise<LoadedModel> {
  const archive = await loadTrees(file);
  const release = (): void => {
    for (const tree of Object.values(archive.trees)) treeDispose(tree as TensorTree);
  };
  try {
    const meta = archive.meta as {
      format?: unknown;
      version?: unknown;
      config?: unknown;
      meta?: JsonValue;
    } | null;
    if (meta === null || typeof meta !== 'object' || meta.format !== FORMAT) {
      throw new DataError(
        `${file}: not a saved model (its metadata has no format '${FORMAT}'; a training checkpoint is read with loadTrees)`,
      );
    }
    if (meta.version !== VERSION) {
      throw new DataError(
        `${file}: saved-model version ${String(meta.version)} is not supported (expected ${VERSION})`,
      );
    }
    const model = buildModel(meta.config as ModelConfig);
    const params = (archive.trees.params ?? {}) as ModelParams;
    const state = (archive.trees.state ?? {}) as ModelState;
    model.checkVariables({ params, state });
    return { config: model.config, model, params, state, meta: meta.meta ?? null };
  } catch (error) {
    release();
    if (error instanceof RungeError && error.code !== 'E_DATA') {
      error.message = `${file}: ${error.message}`;
    }
    throw error;
  }
}

// Moving a trained run's model to another image resolution: each transfer method a new run that can be evaluated like any other.
import { buildModel } from '@runge/architectures';
import { TRANSFER_METHODS, type TransferMethod, transferModel } from '@runge/multigrid';
import { ConfigError, saveTrees, type TensorTree, treeDispose } from '@runge/tensor-ops';
import { nodeFs } from './node-fs.js';
import { openRun } from './open-run.js';
import type { RunConfig } from './run-config.js';
import { loadRunData, resolutionsOf } from './run-data.js';
import { newRunDir, writeJson } from './run-dir.js';
import { taskOf } from './tasks/registry.js';
import type { TaskEvaluation } from './tasks/run-task.js';
import { evaluationRecord } from './tasks/run-task.js';

/** Options of {@link coarsenRun}. */
export interface CoarsenRunOptions {
  /** Target image height: half or double the run's, at a resolution its data has (`H/2^k`) or can be rendered at by bilinear interpolation (`2H`, `4H`, `8H`). */
  readonly to: number;
  /** Kernel transfer method, or `'all'` for one new run per method; default `'galerkin'`. */
  readonly method?: TransferMethod | 'all';
  /** Directory for the new runs; default the source run's parent. */
  readonly out?: string;
}

/** One transferred run. */
export interface CoarsenedRun {
  /** The transfer method. */
  readonly method: TransferMethod;
  /** The new run directory. */
  readonly dir: string;
  /** Input `[H, W]` before. */
  readonly from: readonly [number, number];
  /** Input `[H', W']` after. */
  readonly to: readonly [number, number];
  /** The task's evaluation of the moved model on the test set at the new resolution. */
  readonly evaluation: TaskEvaluation;
}

/** A run's model settings without those that only shape the preset (`poolTo`). */
function withoutPreset(model: RunConfig['model']): RunConfig['model'] {
  const { poolTo: _poolTo, ...rest } = model;
  return rest;
}

/** A run's training settings without its multilevel schedule. */
function withoutLevels(train: RunConfig['train']): RunConfig['train'] {
  const { multilevel: _levels, multilevelEpochs: _epochs, ...rest } = train;
  return rest;
}

/** The target `[H', W']` for a height `to`, or a usage error naming the sizes possible. */
function targetSize(
  h: number,
  w: number,
  to: number,
  allowed: readonly number[],
): [number, number] {
  const candidates: [number, number][] = [
    [Math.ceil(h / 2), Math.ceil(w / 2)],
    [2 * h, 2 * w],
  ];
  const hit = candidates.find(([th]) => th === to);
  const usable = candidates.filter(([th]) => allowed.includes(th)).map(([th]) => th);
  if (!hit || !allowed.includes(to)) {
    throw new ConfigError(
      `target height ${to}: a model for ${h}×${w} images moves to half or double that size, at a resolution the run's data has; use ${
        usable.length > 0 ? usable.join(' or ') : '(none: no such resolution of this data)'
      }`,
    );
  }
  return hit;
}

/**
 * Moves the trained model of a run to another image resolution with `transferModel` of
 * @runge/multigrid (kernels by naive reuse, Galerkin coarsening/refinement or rediscretisation;
 * the classifier's weights moved as images), writes each result as a new run directory (config
 * with `data.resolution` and the transferred `model.config`, a checkpoint with the new variables,
 * and a summary) and evaluates it on the test set at the new resolution.
 *
 * @param dir - The trained run.
 * @param options - `to`, `method`, `out`.
 * @returns One entry per method.
 * @throws {@link @runge/tensor-ops!ConfigError} for a run without images or a size the data does
 *   not have.
 * @example
 * ```ts
 * const [moved] = await coarsenRun('runs/w1-20261202-101500', { to: 14, method: 'galerkin' });
 * moved.evaluation.metrics.accuracy;
 * ```
 */
export async function coarsenRun(dir: string, options: CoarsenRunOptions): Promise<CoarsenedRun[]> {
  const run = await openRun(dir);
  const { path } = nodeFs('run directories');
  try {
    const config = run.config;
    if (Object.keys(run.nets).join() !== 'model') {
      throw new ConfigError(
        `coarsening moves one image model; the task '${config.task}' of '${dir}' trains ${Object.keys(run.nets).join(' and ')}`,
      );
    }
    if (run.data.train.x.rank !== 4) {
      throw new ConfigError(
        `coarsening moves image models; the run '${dir}' trains on '${config.data.source}' examples of shape [${run.data.inputShape.join(', ')}]`,
      );
    }
    // The resolutions the data has: those of its native height.
    let native = run.data.inputShape[0] as number;
    if (config.data.resolution !== undefined) {
      const full = await loadRunData({
        ...config,
        data: { ...config.data, resolution: undefined },
      });
      native = full.inputShape[0] as number;
      full.dispose();
    }
    const [h, w] = run.model.inputShape as [number, number, number];
    // Coarser by full weighting, or finer (2×, 4×, 8× the data's) by bilinear interpolation.
    const reachable = [...resolutionsOf(native), 2 * native, 4 * native, 8 * native];
    const size = targetSize(h, w, options.to, reachable);
    const target = await loadRunData(
      { ...config, data: { ...config.data, resolution: size[0] } },
      taskOf(config).targets,
    );
    const methods =
      (options.method ?? 'galerkin') === 'all'
        ? TRANSFER_METHODS
        : [options.method as TransferMethod];
    const out: CoarsenedRun[] = [];
    try {
      for (const method of methods) {
        const moved = transferModel(
          { config: run.model.config, ...run.variables },
          { to: size, method },
        );
        try {
          const name = `${config.name ?? path.basename(run.paths.dir).replace(/-\d{8}-\d{6}(-\d+)?$/, '')}-${method}${size[0]}`;
          const next: RunConfig = {
            ...config,
            name,
            data: { ...config.data, resolution: size[0] },
            // The moved config replaces the preset, so the preset's own settings (its pool) go.
            model: {
              ...withoutPreset(config.model),
              config: moved.config as unknown as Record<string, unknown>,
            },
            // One model at one resolution: the new run has no levels of its own.
            train: withoutLevels(config.train),
          };
          const paths = await newRunDir(options.out ?? path.dirname(run.paths.dir), name);
          await writeJson(paths.config, next);
          await saveTrees(paths.checkpoint, {
            trees: {
              params: { model: moved.params as TensorTree },
              state: moved.state as TensorTree,
            },
            meta: { transferredFrom: run.paths.dir, method, from: [h, w], to: size },
          });
          const model = buildModel(moved.config);
          const evaluation = taskOf(config).evaluate(
            { model: { model, params: moved.params, state: moved.state } },
            target.test,
            { config: next },
          );
          await writeJson(paths.summary, {
            reason: 'transferred',
            transferredFrom: run.paths.dir,
            method,
            from: [h, w],
            to: size,
            backend: config.backend,
            parameters: model.parameterCount,
            test: evaluationRecord(evaluation),
          });
          out.push({ method, dir: paths.dir, from: [h, w], to: size, evaluation });
        } finally {
          treeDispose([moved.params, moved.state] as TensorTree);
        }
      }
    } finally {
      target.dispose();
    }
    return out;
  } finally {
    run.dispose();
  }
}

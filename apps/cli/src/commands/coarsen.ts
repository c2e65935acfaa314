import { basename, dirname } from 'node:path';
import { buildModel } from '@runge/architectures';
import { type TransferMethod, transferModel } from '@runge/multigrid';
import { ConfigError, saveTrees, type TensorTree, treeDispose } from '@runge/tensor-ops';
import type { ApplyFn } from '@runge/train';
import type { RunConfig } from '../config.js';
import { loadRunData, resolutionsOf } from '../data.js';
import { modelConfigFor } from '../model.js';
import { type CommandIo, json, line } from '../output.js';
import { initRunBackend } from '../run-backend.js';
import { loadRunVariables } from '../run-checkpoint.js';
import { newRunDir, openRunDir, writeJson } from '../run-dir.js';
import { evaluationRecord, formatEvaluation, taskOf } from '../tasks.js';
import { readRunConfig } from './run-config.js';

/** The native image height of a run's data (the run itself may train on a restriction). */
async function nativeHeight(config: RunConfig): Promise<number> {
  const native = await loadRunData({ ...config, data: { ...config.data, resolution: undefined } });
  try {
    return native.inputShape[0] as number;
  } finally {
    native.dispose();
  }
}

/** Options of `runge coarsen`. */
export interface CoarsenOptions {
  /** The trained run. */
  readonly run: string;
  /** Target image height. */
  readonly to: number;
  /** Kernel transfer method, or `all` for one new run per method. */
  readonly method: TransferMethod | 'all';
  /** Directory for the new run(s); default the source run's parent. */
  readonly out?: string;
}

const METHODS: readonly TransferMethod[] = ['naive', 'galerkin', 'rediscretize'];

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
      `--to ${to}: a model for ${h}×${w} images moves to half or double that size, at a resolution the run's data has; use ${
        usable.length > 0 ? usable.join(' or ') : '(none: no such resolution of this data)'
      }`,
    );
  }
  return hit;
}

/**
 * `runge coarsen --run DIR --to H' --method M`: moves the trained model of a run to another image
 * resolution with `transferModel` of @runge/multigrid (kernels by `naive` reuse, Galerkin
 * coarsening/refinement or rediscretisation; the classifier's weights moved as images), writes
 * it as a new run directory (config with `data.resolution` and the transferred `model.config`,
 * checkpoint with the new parameters) and classifies the test set at the new resolution.
 * Returns the exit code.
 */
export async function coarsenCommand(options: CoarsenOptions, io: CommandIo): Promise<number> {
  const source = await openRunDir(options.run);
  const config = await readRunConfig(source);
  await initRunBackend(config);
  const sourceData = await loadRunData(config);
  let sizes: number[];
  let modelConfig: ReturnType<typeof modelConfigFor>;
  try {
    if (sourceData.train.x.rank !== 4) {
      throw new ConfigError(
        `runge coarsen moves image models; the run '${options.run}' trains on '${config.data.source}' examples of shape [${sourceData.inputShape.join(', ')}]`,
      );
    }
    modelConfig = modelConfigFor(config, sourceData);
    // The resolutions the data has: those of its native height, which is the run's own unless
    // the run trained on restricted images.
    sizes = resolutionsOf(
      config.data.resolution === undefined
        ? (sourceData.inputShape[0] as number)
        : await nativeHeight(config),
    );
  } finally {
    sourceData.dispose();
  }
  const [h, w] = modelConfig.input as [number, number, number];
  const size = targetSize(h, w, options.to, sizes);
  const targetData = await loadRunData({
    ...config,
    data: { ...config.data, resolution: size[0] },
  });
  const variables = await loadRunVariables(source).catch((e: unknown) => {
    targetData.dispose();
    throw e;
  });
  const task = taskOf(config);
  const methods = options.method === 'all' ? METHODS : [options.method];
  try {
    const { params, state } = variables;
    for (const method of methods) {
      const moved = transferModel({ config: modelConfig, params, state }, { to: size, method });
      try {
        const target: RunConfig = {
          ...config,
          name: `${config.name ?? basename(source.dir).replace(/-\d{8}-\d{6}(-\d+)?$/, '')}-${method}${size[0]}`,
          data: { ...config.data, resolution: size[0] },
          model: { ...config.model, config: moved.config as unknown as Record<string, unknown> },
        };
        const paths = await newRunDir(options.out ?? dirname(source.dir), target.name as string);
        await writeJson(paths.config, target);
        await saveTrees(paths.checkpoint, {
          trees: {
            params: { model: moved.params as TensorTree },
            state: moved.state as TensorTree,
          },
          meta: {
            transferredFrom: source.dir,
            method,
            from: [h, w],
            to: size,
          },
        });
        const model = buildModel(moved.config);
        const evaluation = task.evaluate(
          model.apply as unknown as ApplyFn,
          moved.params as TensorTree,
          moved.state as TensorTree,
          targetData.test,
        );
        const test = evaluationRecord(evaluation);
        await writeJson(paths.summary, {
          reason: 'transferred',
          transferredFrom: source.dir,
          method,
          from: [h, w],
          to: size,
          backend: config.backend,
          parameters: model.parameterCount,
          test,
        });
        json(io, { event: 'transferred', method, from: [h, w], to: size, dir: paths.dir, test });
        line(
          io,
          `${method}: ${h}×${w} → ${size[0]}×${size[1]}, test ${formatEvaluation(evaluation)} on ${evaluation.examples} examples; run written to ${paths.dir}`,
        );
      } finally {
        treeDispose(moved.params as TensorTree);
        treeDispose(moved.state as TensorTree);
      }
    }
  } finally {
    variables.dispose();
    targetData.dispose();
  }
  return 0;
}

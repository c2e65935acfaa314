// The per-epoch stability report of a run: the largest |R(hλ)| of every ODE block on a few validation examples, added to the validation metrics.
import {
  analyseStability,
  type Model,
  type ModelParams,
  type ModelState,
} from '@runge/architectures';
import type { TensorTree } from '@runge/tensor-ops';
import type { TrainingProblem } from '../problem.js';
import type { Batch } from '../tensor-source.js';

/**
 * The metric name of a block's largest `|R(hλ)|` in a run's validation metrics:
 * `maxGrowth.<block>` for the single network `model`, `maxGrowth.<network>.<block>` otherwise.
 *
 * @example
 * ```ts
 * stabilityMetricName('model', 'ode_1', true); // 'maxGrowth.ode_1'
 * ```
 */
export function stabilityMetricName(network: string, block: string, single: boolean): string {
  return single ? `maxGrowth.${block}` : `maxGrowth.${network}.${block}`;
}

/**
 * Wraps a task's problem so that every epoch's validation metrics also hold, for every ODE
 * block of every network, the largest `|R(hλ)|` over the first `examples` validation examples
 * (docs: /guide/stability#the-report-during-training): `analyseStability` at the first, middle
 * and last step, exact spectra for states up to 128 entries, else the 8 eigenvalues of largest
 * modulus by Arnoldi (an estimate from below of the true maximum). Networks without ODE blocks,
 * or `examples = 0`, leave the problem as it is.
 *
 * @param problem - The task's problem (its `params` keyed by network name).
 * @param models - The built networks by name.
 * @param examples - Validation examples to analyse (0: off).
 * @returns The problem with the extended `evaluate`.
 * @example
 * ```ts
 * const monitored = withStabilityMetrics(task.problem(ctx), models, 2);
 * ```
 */
export function withStabilityMetrics(
  problem: TrainingProblem<Batch>,
  models: Readonly<Record<string, Model>>,
  examples: number,
): TrainingProblem<Batch> {
  const names = Object.keys(models).filter((name) =>
    (models[name] as Model).layers.some((layer) => layer.type === 'ode'),
  );
  const evaluate = problem.evaluate;
  if (examples <= 0 || names.length === 0 || !evaluate) return problem;
  const single = Object.keys(models).length === 1 && Object.keys(models)[0] === 'model';
  return {
    ...problem,
    evaluate(params, state, data) {
      const metrics = { ...evaluate(params, state, data) };
      const n = Math.min(examples, data.size);
      if (n === 0) return metrics;
      const batch = data.take(Int32Array.from({ length: n }, (_, i) => i));
      try {
        for (const name of names) {
          const netState = (
            single ? state : ((state as Record<string, TensorTree>)[name] ?? {})
          ) as ModelState;
          const blocks = analyseStability(
            models[name] as Model,
            params[name] as ModelParams,
            netState,
            batch.x,
            { stepsAt: 'first,middle,last', eigenvalues: 8 },
          );
          for (const block of blocks) {
            metrics[stabilityMetricName(name, block.block, single)] = block.summary.maxGrowth;
          }
        }
      } finally {
        data.disposeBatch(batch);
      }
      return metrics;
    },
  };
}

// Does a trained network converge to an ODE? Its test outputs with every ODE block at N, 2N, 4N, … steps: differences, observed order, accuracy.
import { buildModel, scaleSteps } from '@runge/architectures';
import { type ConvergenceStudyResult, convergenceStudy } from '@runge/integrators';
import { ConfigError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { predict } from '../predict.js';
import { nodeFs } from './node-fs.js';
import { openRun } from './open-run.js';
import type { RunConfig } from './run-config.js';
import { writeJson } from './run-dir.js';

/** Options of {@link convergeRun}. */
export interface ConvergeRunOptions {
  /** Resolutions `N, 2N, …, 2^(levels−1) N` (≥ 3); default 3. */
  readonly levels?: number;
  /** Use only the first this many test examples; default all. */
  readonly samples?: number;
  /** Another backend than the run's. */
  readonly backend?: RunConfig['backend'];
}

/** The ODE blocks of the study: name, method and trained steps. */
export interface ConvergeBlock {
  /** Layer name. */
  readonly name: string;
  /** Integrator. */
  readonly method: string;
  /** Steps `N` it was trained with. */
  readonly steps: number;
}

/** What {@link convergeRun} reports (and writes to `converge.json`). */
export interface ConvergeReport extends ConvergenceStudyResult {
  /** The run directory. */
  readonly run: string;
  /** Test examples used. */
  readonly examples: number;
  /** The model's ODE blocks. */
  readonly blocks: readonly ConvergeBlock[];
  /** Where the report was written. */
  readonly file: string;
}

/**
 * Re-evaluates a run's model on its test examples with every ODE block at `N, 2N, 4N, …` steps
 * (the trained controls interpolated to the finer steps, the parameters unchanged) and reports
 * `‖y_N − y_2N‖ / ‖y_2N‖`, the observed order `log2(‖y_N − y_2N‖ / ‖y_2N − y_4N‖)` — the
 * integrator's order (1 for forward Euler) when the network behaves like a discretised ODE — and,
 * for classifiers, the test accuracy at each depth. Writes `converge.json` into the run directory.
 *
 * @param dir - The run directory.
 * @param options - `levels`, `samples`, `backend`.
 * @returns The study.
 * @throws {@link @runge/tensor-ops!ConfigError} when the model has no ODE block.
 * @example
 * ```ts
 * const report = await convergeRun('runs/w1-20261202-101500', { levels: 4 });
 * report.order; // ≈ 1 for a ResNet trained with forward Euler
 * ```
 */
export async function convergeRun(
  dir: string,
  options: ConvergeRunOptions = {},
): Promise<ConvergeReport> {
  const run = await openRun(dir, options.backend ? { backend: options.backend } : {});
  try {
    const ode = run.model.layers.filter((l) => l.type === 'ode');
    if (ode.length === 0) {
      throw new ConfigError(
        `the model of '${dir}' has no ODE block, so there is no step to refine; the convergence study is for ODE networks`,
      );
    }
    const test = run.data.test;
    const n = Math.min(options.samples ?? test.size, test.size);
    const x = tf.slice(test.x, 0, n);
    const labelTensor = run.data.numClasses === undefined ? null : tf.slice(test.y, 0, n);
    const labels = labelTensor ? Array.from(labelTensor.dataSync()) : null;
    labelTensor?.dispose();
    const steps = ode[0]?.config.steps as number;
    let study: ConvergenceStudyResult;
    try {
      study = convergenceStudy({
        evaluate: (s) => {
          const deeper = buildModel(scaleSteps(run.model.config, s / steps));
          return predict(deeper.apply, run.variables.params, run.variables.state, x);
        },
        steps,
        levels: options.levels ?? 3,
        ...(labels
          ? {
              accuracy: (logits: tf.Tensor) => {
                const predicted = tf.tidy(() => tf.argMax(logits, -1));
                const p = predicted.dataSync();
                predicted.dispose();
                let correct = 0;
                for (let i = 0; i < n; i++) if (p[i] === labels[i]) correct++;
                return correct / n;
              },
            }
          : {}),
      });
    } finally {
      x.dispose();
    }
    const blocks = ode.map((l) => ({
      name: l.name,
      method: l.config.method as string,
      steps: l.config.steps as number,
    }));
    const { path } = nodeFs('writing the report');
    const file = path.join(run.paths.dir, 'converge.json');
    const report = { run: run.paths.dir, examples: n, blocks, ...study };
    await writeJson(file, report);
    return { ...report, file };
  } finally {
    run.dispose();
  }
}

import { buildModel, type ModelConfig, withSteps } from '@runge/architectures';
import { type ConvergenceStudyResult, convergenceStudy } from '@runge/integrators';
import { ConfigError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { modelConfigFor } from '../model.js';
import { type CommandIo, json, line } from '../output.js';
import { loadRunVariables } from '../run-checkpoint.js';
import { writeJson } from '../run-dir.js';
import { openRun } from './run-config.js';

/** Options of `runge converge`. */
export interface ConvergeOptions {
  /** The trained run. */
  readonly run: string;
  /** Resolutions `N, 2N, …, 2^(levels−1) N` (≥ 3); default 3. */
  readonly levels?: number;
  /** Classify only the first this many test examples; default all. */
  readonly samples?: number;
  /** TF.js backend override. */
  readonly backend?: string;
}

/** The model config with every ODE block's steps multiplied by `factor` (controls kept). */
export function scaledDepth(config: ModelConfig, factor: number): ModelConfig {
  let scaled = config;
  for (const layer of buildModel(config).layers) {
    if (layer.type !== 'ode') continue;
    scaled = withSteps(scaled, (layer.config.steps as number) * factor, { layers: [layer.name] });
  }
  return scaled;
}

/** Formats the study as an aligned table: one row per resolution. */
export function formatConvergence(study: ConvergenceStudyResult): string {
  const rows = [['steps', '‖y_N − y_2N‖/‖y_2N‖', 'observed order', 'test accuracy']];
  study.steps.forEach((n, i) => {
    rows.push([
      `${n}`,
      i < study.relativeDifferences.length
        ? (study.relativeDifferences[i] as number).toExponential(3)
        : '',
      i > 0 && i - 1 < study.orders.length ? (study.orders[i - 1] as number).toFixed(2) : '',
      study.accuracies ? `${(100 * (study.accuracies[i] as number)).toFixed(2)}%` : '',
    ]);
  });
  const widths = (rows[0] as string[]).map((_, j) =>
    Math.max(...rows.map((r) => (r[j] ?? '').length)),
  );
  return rows
    .map((r) =>
      r
        .map((c, j) => c.padEnd(widths[j] as number))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/**
 * `runge converge --run DIR`: does the trained network converge to an ODE? Re-evaluates the
 * run's model on the test set with every ODE block at `N, 2N, 4N, …` steps (the trained controls
 * interpolated to the finer steps; the parameters unchanged) and reports
 * `‖y_N − y_2N‖ / ‖y_2N‖`, the observed order `log2(‖y_N − y_2N‖ / ‖y_2N − y_4N‖)` (the
 * integrator's order, e.g. 1 for forward Euler, when the network behaves like a discretised ODE)
 * and the test accuracy at each resolution. Writes `converge.json` into the run directory.
 */
export async function convergeCommand(options: ConvergeOptions, io: CommandIo): Promise<number> {
  const { paths, config, data } = await openRun(options.run, options.backend);
  try {
    const modelConfig = modelConfigFor(config, data);
    const model = buildModel(modelConfig);
    const ode = model.layers.filter((l) => l.type === 'ode');
    if (ode.length === 0) {
      throw new ConfigError(
        `the model of '${options.run}' has no ODE block, so there is no step to refine; runge converge studies ODE networks`,
      );
    }
    const variables = await loadRunVariables(paths);
    try {
      const n = Math.min(options.samples ?? data.test.size, data.test.size);
      const x = tf.slice(data.test.x, 0, n);
      const labelTensor = tf.slice(data.test.y, 0, n);
      const labels = Array.from(labelTensor.dataSync());
      labelTensor.dispose();
      const batch = 256;
      const evaluate = (factor: number): tf.Tensor => {
        const deeper = buildModel(scaledDepth(modelConfig, factor));
        const parts: tf.Tensor[] = [];
        for (let start = 0; start < n; start += batch) {
          parts.push(
            tf.tidy(() => {
              const xb = tf.slice(x, start, Math.min(batch, n - start));
              return deeper.apply(variables.params, xb, {
                training: false,
                state: variables.state,
              }).y;
            }),
          );
        }
        const out = tf.concat(parts, 0);
        tf.dispose(parts);
        return out;
      };
      const accuracy = (logits: tf.Tensor): number => {
        const predicted = tf.tidy(() => tf.argMax(logits, -1));
        const p = predicted.dataSync();
        predicted.dispose();
        let correct = 0;
        for (let i = 0; i < n; i++) if (p[i] === labels[i]) correct++;
        return correct / n;
      };
      const steps = ode[0]?.config.steps as number;
      let study: ConvergenceStudyResult;
      try {
        study = convergenceStudy({
          evaluate: (s) => evaluate(s / steps),
          steps,
          levels: options.levels ?? 3,
          accuracy,
        });
      } finally {
        x.dispose();
      }
      const blocks = ode.map((l) => ({
        name: l.name,
        method: (l.config.method as string | undefined) ?? 'euler',
        steps: l.config.steps as number,
      }));
      const report = { run: paths.dir, examples: n, blocks, ...study };
      await writeJson(`${paths.dir}/converge.json`, report);
      json(io, { event: 'converge', ...report });
      line(
        io,
        `convergence of ${model.name} in the step size on ${n} test examples (${blocks
          .map((b) => `${b.name}: ${b.method}, trained with N = ${b.steps}`)
          .join('; ')}):`,
      );
      line(io, formatConvergence(study));
      line(
        io,
        `observed order ${study.order.toFixed(2)} at the finest steps${
          study.accuracyChange !== undefined
            ? `; accuracy ${study.accuracyChange >= 0 ? '+' : ''}${(100 * study.accuracyChange).toFixed(2)} points from N = ${study.steps[0]} to ${study.steps.at(-1)}`
            : ''
        }`,
      );
      line(io, `wrote ${paths.dir}/converge.json`);
      return 0;
    } finally {
      variables.dispose();
    }
  } finally {
    data.dispose();
  }
}

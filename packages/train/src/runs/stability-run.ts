// The stability diagnostic of a trained run: Jacobian spectra hλ of its ODE blocks against their integrators' stability regions, as data, JSON and a plot.
import { analyseStability, type BlockStability } from '@runge/architectures';
import { STABILITY_TOLERANCE } from '@runge/integrators';
import * as tf from '@tensorflow/tfjs-core';
import { nodeFs } from './node-fs.js';
import { openRun } from './open-run.js';
import { renderSvg } from './plots/render-svg.js';
import { stabilitySpec } from './plots/stability-chart.js';
import type { RunConfig } from './run-config.js';
import { writeFileAtomic, writeJson } from './run-dir.js';
import { describeModel } from './run-model.js';

/** Options of {@link stabilityRun}. */
export interface StabilityRunOptions {
  /** Test examples to analyse; default 4. */
  readonly samples?: number;
  /** Steps of each block (`stepsAt` of @runge/architectures); default all up to 16, else first, middle, last. */
  readonly stepsAt?: string;
  /** Eigenvalues of largest modulus per example for large states (Arnoldi); default 24. */
  readonly eigenvalues?: number;
  /** Another backend than the run's. */
  readonly backend?: RunConfig['backend'];
}

/** What {@link stabilityRun} reports (and writes to `stability.json`). */
export interface StabilityReport {
  /** The run directory. */
  readonly run: string;
  /** The model in one line. */
  readonly description: string;
  /** Test examples analysed. */
  readonly samples: number;
  /** Slack on `|R| ≤ 1` for float32 round-off. */
  readonly tolerance: number;
  /** Every `hλ` of every block lies in its integrator's region. */
  readonly stable: boolean;
  /** What the numbers mean, for the methods and spectra present. */
  readonly notes: readonly string[];
  /** One analysis per ODE block. */
  readonly blocks: readonly BlockStability[];
  /** `stability.json`. */
  readonly json: string;
  /** `plots/stability.svg`. */
  readonly svg: string;
}

/**
 * Lines that say what the stability numbers are, for the methods and spectra present.
 *
 * @example
 * ```ts
 * stabilityNotes(blocks).forEach((note) => console.log(`note: ${note}`));
 * ```
 */
export function stabilityNotes(blocks: readonly BlockStability[]): string[] {
  const notes = [
    `hλ: eigenvalues λ of the Jacobian ∂f/∂Y at the state Y_j the block's own steps reach, times the step h = T/N; stable: |R(hλ)| ≤ 1 (+${STABILITY_TOLERANCE} for float32 round-off)`,
    `float32 round-off: hλ closer to 0 than 2⁻¹² · max|hλ| are taken as 0 (a repeated zero eigenvalue, e.g. of dead ReLU units, splits by about that much); stability.json keeps the raw values`,
  ];
  for (const method of new Set(blocks.map((b) => b.method))) {
    if (method === 'leapfrog') {
      notes.push(
        'leapfrog: |R(hλ)| is the growth factor max|μ| of one Störmer–Verlet step on the linearised mode (μ² − (2 + h²λ²)μ + 1 = 0); it is 1 exactly on the stability interval hλ ∈ [−2i, 2i] and above 1 elsewhere',
      );
    } else if (method === 'euler') {
      notes.push('euler: R(z) = 1 + z, stable in the disk |1 + hλ| ≤ 1');
    } else {
      notes.push(`${method}: R(z) = 1 + z bᵀ(I − zA)⁻¹𝟙 of its Butcher tableau`);
    }
  }
  for (const b of blocks) {
    if (b.layerType === 'sequence') {
      notes.push(
        `${b.block}: a sequence layer of ${b.N} steps; each step s_{j+1} = Φ(s_j, x_j) is read as forward Euler s + h f(s) with h = ${b.h} (ε of the antisymmetric cells, else 1), so 1 + hλ are the eigenvalues of the hidden-to-hidden Jacobian ∂Φ/∂s and |R(hλ)| > 1 means a perturbation (and a gradient through time) grows at that step`,
      );
    }
    const { outside, outsideDecaying, count } = b.summary;
    if (outside > 0) {
      notes.push(
        `${b.block}: ${outside} of ${count} hλ outside the region; ${outsideDecaying} of them with Re(hλ) ≤ 0 up to round-off (modes the ODE does not amplify: the growth is the integrator's at this step), ${outside - outsideDecaying} with Re λ > 0 (modes the ODE itself amplifies)`,
      );
    }
    if (b.spectrum === 'arnoldi') {
      notes.push(
        `${b.block}: ${b.dimension} state entries per example, so Arnoldi estimates the ${b.eigenvalues} eigenvalues of largest modulus; a small eigenvalue with Re λ > 0 outside them is not seen`,
      );
    }
  }
  return notes;
}

/**
 * The spectra `hλ` of every ODE block of a trained run on its first test examples, against the
 * integrator's stability region (`analyseStability` of @runge/architectures): writes
 * `stability.json` and `plots/stability.svg` into the run directory and returns the report.
 *
 * @param dir - The run directory.
 * @param options - `samples`, `stepsAt`, `eigenvalues`, `backend`.
 * @returns The report.
 * @throws {@link @runge/tensor-ops!ConfigError} when the model has no ODE block or sequence layer.
 * @example
 * ```ts
 * const { blocks, stable } = await stabilityRun('runs/w1-20261202-101500');
 * ```
 */
export async function stabilityRun(
  dir: string,
  options: StabilityRunOptions = {},
): Promise<StabilityReport> {
  const run = await openRun(dir, options.backend ? { backend: options.backend } : {});
  try {
    const { params, state } = run.variables;
    const samples = Math.min(options.samples ?? 4, run.data.test.size);
    const x = tf.slice(
      run.data.test.x,
      [0, ...run.model.inputShape.map(() => 0)],
      [samples, ...run.model.inputShape.map(() => -1)],
    );
    let blocks: BlockStability[];
    try {
      blocks = analyseStability(run.model, params, state, x, {
        ...(options.stepsAt !== undefined ? { stepsAt: options.stepsAt } : {}),
        ...(options.eigenvalues !== undefined ? { eigenvalues: options.eigenvalues } : {}),
      });
    } finally {
      x.dispose();
    }
    const { fs, path } = nodeFs('writing the report');
    const notes = stabilityNotes(blocks);
    const svg = path.join(run.paths.plots, 'stability.svg');
    const json = path.join(run.paths.dir, 'stability.json');
    const points = blocks.flatMap((b) =>
      b.steps.flatMap((s) => s.hLambda.map((z) => ({ block: b.block, re: z.re, im: z.im }))),
    );
    await fs.mkdir(run.paths.plots, { recursive: true });
    await writeFileAtomic(
      svg,
      await renderSvg(
        stabilitySpec({
          title: `Jacobian spectra hλ of ${run.model.name} on ${samples} test example${samples === 1 ? '' : 's'}`,
          methods: blocks.map((b) => b.method),
          points,
        }),
      ),
    );
    const stable = blocks.every((b) => b.summary.stable);
    const report = {
      run: run.paths.dir,
      description: describeModel(run.model),
      samples,
      tolerance: STABILITY_TOLERANCE,
      stable,
      notes,
      blocks,
    };
    await writeJson(json, { ...report, model: run.model.name, split: 'test' });
    return { ...report, json, svg };
  } finally {
    run.dispose();
  }
}

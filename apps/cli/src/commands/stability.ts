import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { buildRunModel } from '../model.js';
import { renderSvg } from '../plots.js';
import { loadRunVariables } from '../run-checkpoint.js';
import { writeFileAtomic, writeJson } from '../run-dir.js';
import { analyseStability, type BlockStability } from '../stability-analysis.js';
import {
  formatStabilityTable,
  isLeapfrog,
  STABILITY_TOLERANCE,
  type StabilityRow,
} from '../stability-math.js';
import { stabilitySpec } from '../stability-plot.js';
import { openRun } from './run-config.js';
import type { CommandIo } from './train.js';

/** Options of `runge stability`. */
export interface StabilityCommandOptions {
  readonly run: string;
  /** Test examples to analyse; default 4. */
  readonly samples?: number;
  /** Steps of each block (see `stepsAt`). */
  readonly stepsAt?: string;
  /** Eigenvalues per example estimated by Arnoldi for large states; default 24. */
  readonly eigenvalues?: number;
  readonly backend?: string;
}

/** The table's lines: every analysed step of every block, then the block's summary line. */
export function stabilityRows(blocks: readonly BlockStability[]): StabilityRow[] {
  return blocks.flatMap((b) => [
    ...b.steps.map(
      (s): StabilityRow => ({
        block: b.block,
        dynamics: b.dynamics,
        method: b.method,
        step: s.step,
        t: s.t,
        h: b.h,
        numbers: s.numbers,
      }),
    ),
    {
      block: b.block,
      dynamics: b.dynamics,
      method: b.method,
      step: 'all',
      h: b.h,
      numbers: b.summary,
    },
  ]);
}

/** Lines that say what the numbers are, for the methods and spectra present. */
export function stabilityNotes(blocks: readonly BlockStability[]): string[] {
  const notes = [
    `hλ: eigenvalues λ of the Jacobian ∂f/∂Y at the state Y_j the block's own steps reach, times the step h = T/N; stable: |R(hλ)| ≤ 1 (+${STABILITY_TOLERANCE} for float32 round-off)`,
    `float32 round-off: hλ closer to 0 than 2⁻¹² · max|hλ| are taken as 0 (a repeated zero eigenvalue, e.g. of dead ReLU units, splits by about that much); stability.json keeps the raw values`,
  ];
  const methods = new Set(blocks.map((b) => b.method));
  for (const method of methods) {
    if (isLeapfrog(method)) {
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
 * `runge stability --run DIR`: the spectra `hλ` of every ODE block of a trained model on the
 * first test examples, against the integrator's stability region, as a table, `stability.json`
 * and `plots/stability.svg` in the run directory.
 */
export async function stabilityCommand(
  options: StabilityCommandOptions,
  io: CommandIo,
): Promise<number> {
  const { paths, config, data } = await openRun(options.run, options.backend);
  try {
    const run = buildRunModel(config, data);
    const variables = await loadRunVariables(paths);
    try {
      const { params, state } = variables;
      const samples = Math.min(options.samples ?? 4, data.test.size);
      const x = tf.slice(
        data.test.x,
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
      const notes = stabilityNotes(blocks);
      const svgFile = join(paths.plots, 'stability.svg');
      const jsonFile = join(paths.dir, 'stability.json');
      const points = blocks.flatMap((b) =>
        b.steps.flatMap((s) => s.hLambda.map((z) => ({ block: b.block, re: z.re, im: z.im }))),
      );
      const svg = await renderSvg(
        stabilitySpec({
          title: `Jacobian spectra hλ of ${run.model.name} on ${samples} test example${samples === 1 ? '' : 's'}`,
          methods: blocks.map((b) => b.method),
          points,
        }),
      );
      await mkdir(paths.plots, { recursive: true });
      await writeFileAtomic(svgFile, svg);
      const stable = blocks.every((b) => b.summary.stable);
      await writeJson(jsonFile, {
        run: paths.dir,
        model: run.model.name,
        split: 'test',
        samples,
        tolerance: STABILITY_TOLERANCE,
        stable,
        notes,
        blocks,
      });
      if (io.mode === 'json') {
        for (const row of stabilityRows(blocks)) {
          const { numbers, ...rest } = row;
          io.out.write(`${JSON.stringify({ event: 'stability-step', ...rest, ...numbers })}\n`);
        }
        io.out.write(
          `${JSON.stringify({ event: 'stability', run: paths.dir, samples, stable, svg: svgFile, json: jsonFile, blocks: blocks.map((b) => ({ block: b.block, method: b.method, h: b.h, spectrum: b.spectrum, ...b.summary })) })}\n`,
        );
      } else {
        io.out.write(
          `stability of ${run.description} on ${samples} test example${samples === 1 ? '' : 's'}\n`,
        );
        io.out.write(`${formatStabilityTable(stabilityRows(blocks))}\n`);
        for (const note of notes) io.out.write(`note: ${note}\n`);
        io.out.write(
          `${stable ? 'every hλ lies in the stability region' : 'some hλ lie outside the stability region'}\n`,
        );
        io.out.write(`wrote ${svgFile}\nwrote ${jsonFile}\n`);
      }
      return 0;
    } finally {
      variables.dispose();
    }
  } finally {
    data.dispose();
  }
}

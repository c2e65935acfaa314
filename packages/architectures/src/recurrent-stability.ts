// The stability diagnostic of a sequence layer: eigenvalues of the hidden-to-hidden Jacobian along the sequences, as an Euler step against forward Euler's region.
import {
  combineNumbers,
  jacobianSpectrum,
  STABILITY_TOLERANCE,
  stabilityNumbers,
} from '@runge/integrators';
import type { TensorTree } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import type { CellName } from './cell-names.js';
import { EULER_CELLS } from './cell-names.js';
import type { Layer } from './layer.js';
import { makeCell } from './make-cell.js';
import type {
  BlockStability,
  StabilityAnalysisOptions,
  StepStability,
} from './stability-report.js';
import { stepsAt } from './stability-report.js';

/**
 * The stability of a sequence layer (`'rnn'`) on inputs `[examples, T, d]`: the cell is run from
 * the zero state; at each chosen step `j` the step `s_{j+1} = Φ(s_j, x_j)` is read as a forward
 * Euler step `s + h f(s)` with `f = (Φ(s) − s)/h`, where `h = ε` for the antisymmetric cells and
 * `h = 1` for the others, and the eigenvalues `hλ` of `h ∂f/∂s = ∂Φ/∂s − I` are evaluated
 * against Euler's `R(z) = 1 + z`. So `|R(hλ)|` is the modulus of an eigenvalue of the
 * hidden-to-hidden Jacobian `∂Φ/∂s` (state `[h]`, or `[h, c]` for the LSTM): above 1, a
 * perturbation of the state (and a gradient through time) grows at that step.
 *
 * @param layer - A sequence layer of a built model.
 * @param params - Its parameters.
 * @param x - Its inputs `[examples, T, d]`.
 * @param options - `stepsAt` (default every step when `T ≤ 16`, else first, middle, last), `tolerance`.
 * @returns The analysis, in the form of an ODE block's.
 */
export function analyseSequenceLayer(
  layer: Layer,
  params: TensorTree,
  x: tf.Tensor,
  options: StabilityAnalysisOptions,
): BlockStability {
  const c = layer.config as { cell: CellName; units: number; epsilon?: number; gamma?: number };
  const [T, d] = layer.inputShape as [number, number];
  const euler = EULER_CELLS.includes(c.cell);
  const cell = makeCell(c.cell, {
    inputSize: d,
    units: c.units,
    ...(euler ? { epsilon: c.epsilon as number, gamma: c.gamma as number } : {}),
  });
  const h = euler ? (c.epsilon as number) : 1;
  const steps = stepsAt(options.stepsAt, T);
  const examples = x.shape[0] as number;
  const tolerance = options.tolerance ?? STABILITY_TOLERANCE;
  const results: StepStability[] = [];
  let state = cell.initialState(examples);
  const xs = tf.unstack(x, 1) as tf.Tensor2D[];
  try {
    for (let j = 0; j < T; j++) {
      const xj = xs[j] as tf.Tensor2D;
      if (steps.includes(j)) {
        const hLambda: { sample: number; re: number; im: number }[] = [];
        for (let s = 0; s < examples; s++) {
          const xs1 = tf.slice(xj, [s, 0], [1, -1]) as tf.Tensor2D;
          const ys = state.map((v) => tf.slice(v, [s, 0], [1, -1]) as tf.Tensor2D);
          try {
            const f = (_t: number, y: TensorTree): TensorTree =>
              tf.tidy(() => {
                const current = (cell.stateSize === 1 ? [y] : y) as tf.Tensor2D[];
                const next = cell
                  .step(params, xs1, current)
                  .map((v, i) => tf.div(tf.sub(v, current[i] as tf.Tensor2D), h));
                return (cell.stateSize === 1 ? next[0] : next) as tf.TensorContainer;
              }) as unknown as TensorTree;
            const y = (cell.stateSize === 1 ? ys[0] : ys) as TensorTree;
            const { eigenvalues } = jacobianSpectrum(f, j * h, y, {}, { method: 'exact' });
            for (const z of eigenvalues) hLambda.push({ sample: s, re: h * z.re, im: h * z.im });
          } finally {
            tf.dispose([xs1, ...ys]);
          }
        }
        const numbers = stabilityNumbers('euler', 1, hLambda, tolerance);
        results.push({ step: j, t: j * h, numbers, hLambda });
      }
      const next = tf.tidy(() => cell.step(params, xj, state));
      tf.dispose(state);
      state = next;
    }
  } finally {
    tf.dispose([...state, ...xs]);
  }
  const dimension = cell.units * cell.stateSize;
  return {
    block: layer.name,
    layerType: 'sequence',
    dynamics: c.cell,
    method: 'euler',
    N: T,
    T: T * h,
    h,
    dimension,
    spectrum: 'exact',
    eigenvalues: dimension,
    steps: results,
    summary: combineNumbers(results.map((r) => r.numbers)),
  };
}

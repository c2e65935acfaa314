// The stability diagnostic of a model's ODE blocks: Jacobian spectra hλ at the states each block reaches, against its integrator's region.
import {
  combineNumbers,
  jacobianSpectrum,
  STABILITY_TOLERANCE,
  stabilityNumbers,
} from '@runge/integrators';
import { ConfigError, Rng, type TensorTree, treeDispose, treeFlatten } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import type { Layer } from './layer.js';
import type { Model, ModelParams, ModelState } from './model.js';
import { odeBlockSystem } from './ode-block-system.js';
import { stableControls } from './ode-stability.js';
import { analyseSequenceLayer } from './recurrent-stability.js';
import {
  type BlockStability,
  type StabilityAnalysisOptions,
  type StepStability,
  stepsAt,
} from './stability-report.js';

function sliceExample(state: TensorTree, s: number): TensorTree {
  const { leaves, unflatten } = treeFlatten(state);
  return unflatten(
    leaves.map((leaf) =>
      tf.slice(
        leaf,
        [s, ...leaf.shape.slice(1).map(() => 0)],
        [1, ...leaf.shape.slice(1).map(() => -1)],
      ),
    ),
  );
}

function analyseBlock(
  layer: Layer,
  params: TensorTree,
  features: tf.Tensor,
  options: StabilityAnalysisOptions,
): BlockStability {
  const block = odeBlockSystem(layer);
  const steps = stepsAt(options.stepsAt, block.steps);
  const examples = features.shape[0] as number;
  const perExample = layer.inputShape.reduce((a, b) => a * b, 1) * (block.partitioned ? 2 : 1);
  const exact = perExample <= (options.exactUpTo ?? 128);
  const k = Math.min(options.eigenvalues ?? 24, perExample);
  const spectrumOptions = exact
    ? { method: 'exact' as const }
    : {
        method: 'arnoldi' as const,
        k,
        krylov: Math.min(perExample, Math.max(2 * k + 20, 40)),
      };
  const tolerance = options.tolerance ?? STABILITY_TOLERANCE;
  const states = block.trajectory(params, features);
  const results: StepStability[] = [];
  try {
    for (const j of steps) {
      const t = block.times[j] as number;
      const theta = block.paramsAt(params, t);
      try {
        const hLambda: { sample: number; re: number; im: number }[] = [];
        for (let s = 0; s < examples; s++) {
          const y = tf.tidy(() => sliceExample(states[j] as TensorTree, s) as tf.TensorContainer);
          try {
            const { eigenvalues } = jacobianSpectrum(
              block.f,
              t,
              y as TensorTree,
              theta,
              spectrumOptions,
            );
            for (const z of eigenvalues)
              hLambda.push({ sample: s, re: block.h * z.re, im: block.h * z.im });
          } finally {
            treeDispose(y as TensorTree);
          }
        }
        // hλ are already scaled: evaluate R on them with a unit step.
        const numbers = stabilityNumbers(block.method, 1, hLambda, tolerance);
        results.push({ step: j, t, numbers, hLambda });
      } finally {
        treeDispose(theta);
      }
    }
  } finally {
    treeDispose(states as unknown as TensorTree);
  }
  return {
    block: block.name,
    layerType: 'ode',
    dynamics: block.dynamics,
    method: block.method,
    N: block.steps,
    T: block.T,
    h: block.h,
    dimension: perExample,
    spectrum: exact ? 'exact' : 'arnoldi',
    eigenvalues: exact ? perExample : k,
    steps: results,
    summary: combineNumbers(results.map((r) => r.numbers)),
  };
}

/**
 * The stability diagnostic for every ODE block and sequence layer of a model (a sequence layer's
 * step read as forward Euler, see `analyseSequenceLayer`): runs the layers in
 * inference mode up to each block on the inputs `x`, lets the block's own integrator produce
 * its states `Y_j`, and at the chosen steps computes the eigenvalues `λ` of the Jacobian
 * `∂f/∂Y` at `(t_j, Y_j, θ(t_j))` for each example (exactly for small states, else the
 * eigenvalues of largest modulus by Arnoldi), scales them by the block's step `h = T/N` and
 * evaluates the integrator's `|R(hλ)|`.
 *
 * @param model - The built model.
 * @param params - Its parameters.
 * @param state - Its state (batch-norm statistics), `{}` when it has none.
 * @param x - Inputs `[examples, ...inputShape]`.
 * @param options - `stepsAt`, `eigenvalues`, `exactUpTo`, `tolerance`.
 * @returns One entry per ODE block, in model order.
 * @example
 * ```ts
 * const [block] = analyseStability(model, params, state, x, { stepsAt: 'first,last' });
 * block.summary.maxGrowth; // max |R(hλ)| over the analysed steps and examples
 * ```
 * @throws {@link @runge/tensor-ops!ConfigError} when the model has no ODE block or sequence layer.
 * @throws {@link @runge/tensor-ops!ValueError} for a bad `stepsAt`.
 */
export function analyseStability(
  model: Model,
  params: ModelParams,
  state: ModelState,
  x: tf.Tensor,
  options: StabilityAnalysisOptions = {},
): BlockStability[] {
  const last = model.layers.reduce(
    (at, l, i) => (l.type === 'ode' || l.type === 'rnn' ? i : at),
    -1,
  );
  if (last < 0) {
    throw new ConfigError(
      `model '${model.name}' has no ODE block or sequence layer (layers: ${model.layers.map((l) => l.type).join(', ')}); the stability analysis looks at those only`,
    );
  }
  // Check every block's step selection before any work.
  for (const layer of model.layers) {
    if (layer.type === 'ode') stepsAt(options.stepsAt, odeBlockSystem(layer).steps);
    if (layer.type === 'rnn') stepsAt(options.stepsAt, layer.inputShape[0] as number);
  }
  const rng = Rng.fromSeed(0);
  const reports: BlockStability[] = [];
  let features = tf.clone(x);
  try {
    for (let i = 0; i <= last; i++) {
      const layer = model.layers[i] as Layer;
      if (layer.type === 'ode') {
        const own = params[layer.name] as TensorTree;
        // A stable block integrates its bounded weights: analyse those.
        const effective = layer.config.stability
          ? (tf.tidy(
              () => stableControls(layer, own, state[layer.name]).params as tf.TensorContainer,
            ) as TensorTree)
          : own;
        try {
          reports.push(analyseBlock(layer, effective, features, options));
        } finally {
          if (effective !== own) treeDispose(effective);
        }
      } else if (layer.type === 'rnn') {
        reports.push(
          analyseSequenceLayer(layer, params[layer.name] as TensorTree, features, options),
        );
      }
      if (i === last) break;
      const layerState = state[layer.name];
      const next = tf.tidy(
        () =>
          layer.apply(params[layer.name], features, {
            training: false,
            rng,
            ...(layerState !== undefined ? { state: layerState } : {}),
          }).y,
      );
      // A layer may hand its input back unchanged (dropout in inference mode).
      if (next !== features) features.dispose();
      features = next;
    }
  } finally {
    features.dispose();
  }
  return reports;
}

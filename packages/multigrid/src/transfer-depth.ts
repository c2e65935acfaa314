import {
  buildModel,
  type Layer,
  type LayerConfig,
  type Model,
  type ModelConfig,
} from '@runge/architectures';
import {
  assertOneOf,
  ConfigError,
  type TensorTree,
  tidyTree,
  treeDispose,
  treeMap,
  ValueError,
} from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import type { ModelBundle, TransferredModel } from './transfer-model.js';

/** What happens to an ODE block's control grid when its number of steps changes. */
export type ControlTransfer = 'auto' | 'refine' | 'keep';

/** Options of {@link prolongDepth}. */
export interface ProlongDepthOptions {
  /** Only these ODE layers (by name); default every ODE layer. */
  readonly layers?: readonly string[];
  /**
   * `'refine'`: the control grid is refined (or coarsened) with the steps; `'keep'`: only the
   * steps change (a decoupled control grid, the weights stay as they are); `'auto'` (default):
   * refine when the control spacing is at most two steps on the coarser of the two grids
   * (`T/M ≤ 2h` for constant, `T/(M − 1) ≤ 2h` for linear controls; so the default of one
   * weight set per step, `M = N`, is refined), keep a coarser, decoupled grid. Deciding on the
   * coarser grid makes {@link restrictDepth} undo {@link prolongDepth} under `'auto'`.
   */
  readonly controls?: ControlTransfer;
}

/** Options of {@link restrictDepth}. */
export interface RestrictDepthOptions extends ProlongDepthOptions {
  /**
   * How coarse controls are made from fine ones: `'average'` (default; piecewise-constant
   * controls: the mean over each coarse piece, i.e. pairs averaged; linear controls: full
   * weighting `[¼, ½, ¼]` in time, hat-weighted at the ends) or `'sample'` (constant: the piece at
   * the start of each coarse piece, i.e. the first of each pair; linear: the values at the
   * coarse nodes).
   */
  readonly method?: 'average' | 'sample';
}

interface OdeGrid {
  readonly steps: number;
  readonly controls: number;
  readonly interpolation: 'constant' | 'linear';
}

/**
 * The `[M', M]` matrix taking `M` controls to `M'` controls on the same interval (taken as
 * `[0, 1]`). Piecewise constant: piece `j` on `[j/M, (j+1)/M)`; `'average'` gives the mean over
 * each new piece (overlap lengths), `'sample'` the piece holding the new piece's start.
 * Linear: node `i` at `i/(M − 1)`; `'sample'` interpolates at the new nodes, `'average'` weights
 * the old nodes by the hat function of the new node (half-width `1/(M' − 1)`), normalised.
 */
function controlMatrix(
  m: number,
  next: number,
  interpolation: 'constant' | 'linear',
  mode: 'average' | 'sample',
): number[][] {
  const rows: number[][] = [];
  for (let J = 0; J < next; J++) {
    const row = new Array<number>(m).fill(0);
    if (interpolation === 'constant') {
      if (mode === 'sample') {
        // Exact rational arithmetic on the piece boundaries: J/next lies in piece ⌊J·m/next⌋.
        row[Math.min(m - 1, Math.floor((J * m) / next))] = 1;
      } else {
        const [a, b] = [J / next, (J + 1) / next];
        for (let j = 0; j < m; j++) {
          const overlap = Math.min(b, (j + 1) / m) - Math.max(a, j / m);
          if (overlap > 0) row[j] = overlap * next;
        }
      }
    } else if (mode === 'sample' || next === 1) {
      const u = next === 1 ? 0 : (J * (m - 1)) / (next - 1);
      const i = Math.min(m - 2, Math.floor(u));
      const frac = u - i;
      row[i] = 1 - frac;
      row[i + 1] = (row[i + 1] as number) + frac;
    } else {
      const t = J / (next - 1);
      const width = 1 / (next - 1);
      let sum = 0;
      for (let i = 0; i < m; i++) {
        const hat = Math.max(0, 1 - Math.abs(i / (m - 1) - t) / width);
        row[i] = hat;
        sum += hat;
      }
      for (let i = 0; i < m; i++) row[i] = (row[i] as number) / sum;
    }
    rows.push(row);
  }
  return rows;
}

/** Applies `A` (`[M', M]`) along the first axis of a control leaf `[M, ...]`. */
function applyInTime(leaf: tf.Tensor, a: readonly number[][]): tf.Tensor {
  const [m, ...rest] = leaf.shape as number[];
  const size = rest.reduce((x, y) => x * y, 1);
  const flat = tf.reshape(leaf, [m as number, size]);
  const moved = tf.matMul(tf.tensor2d(a as number[][], [a.length, m as number]), flat);
  return tf.reshape(moved, [a.length, ...rest]);
}

/** Whether the control grid moves with the steps, decided on the coarser grid (see `controls`). */
function refines(mode: ControlTransfer, coarse: OdeGrid): boolean {
  if (mode !== 'auto') return mode === 'refine';
  const intervals = coarse.interpolation === 'constant' ? coarse.controls : coarse.controls - 1;
  return 2 * intervals >= coarse.steps;
}

function odeLayers(
  layers: readonly Layer[],
  names: readonly string[] | undefined,
  where: string,
): Set<string> {
  const odes = layers.filter((l) => l.type === 'ode');
  const list = odes.map((l) => `'${l.name}'`).join(', ') || 'none';
  if (odes.length === 0) {
    throw new ConfigError(`${where}: the model has no ODE layer whose depth could change`);
  }
  if (names === undefined) return new Set(odes.map((l) => l.name));
  for (const name of names) {
    if (!odes.some((l) => l.name === name)) {
      throw new ConfigError(
        `${where}: '${name}' is not an ODE layer of this model; ODE layers: ${list}`,
      );
    }
  }
  return new Set(names);
}

type DepthPlan = (
  grid: OdeGrid,
  controls: ControlTransfer,
  layer: string,
) => { steps: number; controls: number; mode: 'average' | 'sample' };

/** The new config of a depth transfer and, per moved layer, the `[M', M]` control matrix. */
function planDepth(
  config: ModelConfig,
  where: string,
  options: ProlongDepthOptions,
  plan: DepthPlan,
): { source: Model; config: ModelConfig; matrices: Map<string, number[][]> } {
  const controlsMode = assertOneOf(
    options.controls ?? 'auto',
    ['auto', 'refine', 'keep'] as const,
    'controls',
  );
  const source = buildModel(config);
  const chosen = odeLayers(source.layers, options.layers, where);
  const matrices = new Map<string, number[][]>();
  const layers = source.config.layers.map((layerConfig, i): LayerConfig => {
    const layer = source.layers[i] as Layer;
    if (!chosen.has(layer.name)) return layerConfig;
    const grid: OdeGrid = {
      steps: layer.config.steps as number,
      controls: layer.config.controls as number,
      interpolation: layer.config.interpolation as 'constant' | 'linear',
    };
    const next = plan(grid, controlsMode, layer.name);
    if (next.controls !== grid.controls) {
      matrices.set(
        layer.name,
        controlMatrix(grid.controls, next.controls, grid.interpolation, next.mode),
      );
    }
    return { ...layerConfig, steps: next.steps, controls: next.controls } as LayerConfig;
  });
  return { source, config: { ...source.config, layers }, matrices };
}

function transferDepth(
  model: ModelBundle,
  where: string,
  options: ProlongDepthOptions,
  plan: DepthPlan,
): TransferredModel {
  const { source, config, matrices } = planDepth(model.config, where, options, plan);
  const state = model.state ?? {};
  source.checkVariables({ params: model.params, state });
  const target = buildModel(config);
  const params = tidyTree(() => {
    const out: Record<string, TensorTree> = {};
    for (const [name, tree] of Object.entries(model.params)) {
      const a = matrices.get(name);
      out[name] = treeMap((leaf) => (a ? applyInTime(leaf, a) : tf.clone(leaf)), tree);
    }
    return out;
  });
  const newState = tidyTree(() => treeMap((leaf) => tf.clone(leaf), state as TensorTree));
  const result = { config: target.config, params, state: newState as Record<string, TensorTree> };
  try {
    target.checkVariables(result);
  } catch (error) {
    treeDispose(params);
    treeDispose(newState);
    throw error;
  }
  return result;
}

const prolongPlan: DepthPlan = (grid, controls) => ({
  steps: 2 * grid.steps,
  controls: refines(controls, grid)
    ? grid.interpolation === 'constant'
      ? 2 * grid.controls
      : 2 * grid.controls - 1
    : grid.controls,
  mode: 'sample',
});

function restrictPlan(mode: 'average' | 'sample'): DepthPlan {
  return (grid, controls, layer) => {
    if (grid.steps % 2 !== 0) {
      throw new ValueError(
        `restrictDepth: ODE layer '${layer}' has ${grid.steps} steps, an odd number; only an even number of steps can be halved`,
      );
    }
    const coarse: OdeGrid = {
      steps: grid.steps / 2,
      interpolation: grid.interpolation,
      controls:
        grid.interpolation === 'constant'
          ? Math.max(1, Math.ceil(grid.controls / 2))
          : Math.max(2, Math.ceil((grid.controls + 1) / 2)),
    };
    return {
      steps: coarse.steps,
      controls: refines(controls, coarse) ? coarse.controls : grid.controls,
      mode,
    };
  };
}

/**
 * The config {@link prolongDepth} (`'refine'`) or {@link restrictDepth} (`'coarsen'`) would
 * produce, without variables (to build the first model of a multilevel schedule).
 */
export function depthConfig(
  config: ModelConfig,
  direction: 'refine' | 'coarsen',
  options: ProlongDepthOptions = {},
): ModelConfig {
  const where = direction === 'refine' ? 'prolongDepth' : 'restrictDepth';
  return planDepth(
    config,
    where,
    options,
    direction === 'refine' ? prolongPlan : restrictPlan('sample'),
  ).config;
}

/**
 * Multilevel in depth, coarse to fine: every ODE block (or the named ones) takes `2N` steps
 * instead of `N` over the same interval `[0, T]`, so `h = T/N` halves, and its controls `θ(t)`
 * are carried to the refined grid without changing the control function: piecewise-constant
 * controls are repeated (`M → 2M`, `θ'_{2j} = θ'_{2j+1} = θ_j`), piecewise-linear ones are
 * interpolated at the new midpoints (`M → 2M − 1` nodes, `θ'_{2i} = θ_i`,
 * `θ'_{2i+1} = (θ_i + θ_{i+1})/2`). The network then integrates the same ODE with half the step:
 * for forward Euler the output changes by `O(h)`, and repeated prolongation converges to the
 * ODE's solution (the differences shrink by about 2 per level).
 *
 * @param model - `{ config, params, state }` (not modified or disposed).
 * @param options - `layers` (default all ODE layers), `controls` (`'auto'`).
 * @returns The deeper model; new tensors owned by the caller.
 * @throws {@link @runge/tensor-ops!ConfigError} when the model has no ODE layer or a named layer
 *   is not one.
 * @throws {@link @runge/tensor-ops!StructureError} when the variables do not fit the config.
 * @example
 * ```ts
 * const deeper = prolongDepth({ config, params, state }); // 8 → 16 steps, 8 → 16 weight sets
 * ```
 */
export function prolongDepth(
  model: ModelBundle,
  options: ProlongDepthOptions = {},
): TransferredModel {
  return transferDepth(model, 'prolongDepth', options, prolongPlan);
}

/**
 * Multilevel in depth, fine to coarse: every ODE block (or the named ones) takes `N` steps
 * instead of `2N` over the same interval (`h` doubles), and its controls are restricted in time:
 * piecewise-constant controls `M → ⌈M/2⌉` pieces (`'average'`: the mean over each coarse piece,
 * `θ'_j = (θ_{2j} + θ_{2j+1})/2` for even `M`; `'sample'`: `θ'_j = θ_{2j}`), piecewise-linear
 * ones `M → ⌈(M + 1)/2⌉` nodes (`'average'`: full weighting in time,
 * `θ'_i = ¼θ_{2i−1} + ½θ_{2i} + ¼θ_{2i+1}` for odd `M`, the hat weights renormalised at the ends;
 * `'sample'`: `θ'_i = θ_{2i}`). Undoes {@link prolongDepth} exactly for piecewise-constant controls
 * (either method) and, with `'sample'`, for linear ones (full weighting of interpolated values
 * smooths them: `R P ≠ I`).
 *
 * @param model - `{ config, params, state }` (not modified or disposed).
 * @param options - `layers`, `controls` (`'auto'`), `method` (`'average'`).
 * @returns The shallower model; new tensors owned by the caller.
 * @throws {@link @runge/tensor-ops!ValueError} when a block's number of steps is odd.
 * @throws {@link @runge/tensor-ops!ConfigError} when the model has no ODE layer or a named layer
 *   is not one.
 * @example
 * ```ts
 * const shallow = restrictDepth({ config, params, state }, { method: 'average' }); // 16 → 8 steps
 * ```
 */
export function restrictDepth(
  model: ModelBundle,
  options: RestrictDepthOptions = {},
): TransferredModel {
  const mode = assertOneOf(options.method ?? 'average', ['average', 'sample'] as const, 'method');
  return transferDepth(model, 'restrictDepth', options, restrictPlan(mode));
}

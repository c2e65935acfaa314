import { METHOD_NAMES, type MethodName } from '@runge/integrators';
import { assertNumber, assertOneOf } from '@runge/tensor-ops';
import { ACTIVATIONS, type ActivationName } from './activations.js';
import { BLOCK_NAMES, type BlockName } from './block-names.js';
import type { LayerConfig, ModelConfig } from './layer-config.js';

/** Options of {@link w1Config}. */
export interface W1Options {
  /** Feature channels; default 16 (the benchmark's variant: 32). */
  readonly channels?: number;
  /** Residual steps `N` (one weight set per step); default 8. */
  readonly steps?: number;
  /** Classes; default 10. */
  readonly classes?: number;
  /** Input image `[H, W, C]`; default `[28, 28, 1]` (`[14, 14, 1]` gives the coarse model). */
  readonly input?: readonly [number, number, number];
  /**
   * Pool the block's features to a fixed `poolTo × poolTo` grid (window `H/poolTo`) instead of
   * by 2×2: the classifier then has `poolTo²·channels` inputs at every resolution. Default: 2×2.
   */
  readonly poolTo?: number;
}

/**
 * The W1 reference model of the benchmarks (docs: /guide/benchmarks#w1), the ODE-ResNet the CLI trains by default:
 * opening conv 3×3 1→16 'same' + ReLU (`conv_0`); 8 forward-Euler residual steps with
 * `h = 1/8` and one weight set per step, `Y ← Y + h·relu(conv3×3_j(Y) + b_j)` (`ode_1`);
 * average pool 2×2 (28×28 → 14×14, `pool_2`); flatten (3136, `flatten_3`); dense 3136 → 10
 * (`dense_4`). Parameters: `1·16·9 + 16 = 160`, `8·(16·16·9 + 16) = 18560`,
 * `3136·10 + 10 = 31370`, in all 50 090. Initialisation: He normal for the ReLU convolutions,
 * Glorot normal for the dense head, zero biases.
 *
 * With `poolTo: 14` the pool averages to a 14×14 grid at any input size that 14 divides (at
 * 28×28 it is the same 2×2 pool; at 112×112 an 8×8 one), so the model has the same 50 090
 * parameters at 28, 56 and 112 and the classifier's inputs stay averages over the same physical
 * cells.
 *
 * @param options - `channels` (16), `steps` (8), `classes` (10), `input` (`[28, 28, 1]`),
 *   `poolTo` (none: a 2×2 pool).
 * @returns The config (plain JSON).
 * @throws {@link @runge/tensor-ops!ValueError} for a non-positive-integer option.
 * @example
 * ```ts
 * const model = buildModel(w1Config());
 * console.log(model.summary().table);
 * ```
 */
export function w1Config(options: W1Options = {}): ModelConfig {
  const channels = assertNumber(options.channels ?? 16, 'channels', { min: 1, integer: true });
  const steps = assertNumber(options.steps ?? 8, 'steps', { min: 1, integer: true });
  const classes = assertNumber(options.classes ?? 10, 'classes', { min: 1, integer: true });
  const input = options.input ?? [28, 28, 1];
  const pool: LayerConfig =
    options.poolTo === undefined
      ? { type: 'pool', mode: 'avg', size: 2 }
      : {
          type: 'pool',
          mode: 'avg',
          outputSize: assertNumber(options.poolTo, 'poolTo', { min: 1, integer: true }),
        };
  return {
    name: 'w1',
    input: [...input],
    layers: [
      { type: 'conv', channels, kernelSize: 3, padding: 'same', activation: 'relu' },
      {
        type: 'ode',
        dynamics: 'resnet',
        steps,
        controls: steps,
        T: 1,
        method: 'euler',
        activation: 'relu',
      },
      pool,
      { type: 'flatten' },
      { type: 'dense', units: classes },
    ],
  };
}

/** Options of {@link toyConfig}. */
export interface ToyOptions {
  /** The block: an ODE dynamics or `'fractal'`; default `'resnet'`. */
  readonly dynamics?: BlockName;
  /** Feature width; default 8. */
  readonly width?: number;
  /** ODE steps `N` (ignored for fractal); default 8. */
  readonly steps?: number;
  /** Fractal columns (fractal only); default 2. */
  readonly columns?: number;
  /** Classes; default 2. */
  readonly classes?: number;
  /** Input dimension; default 2. */
  readonly inputDim?: number;
  /** Activation of the block; default the block's default. */
  readonly activation?: ActivationName;
  /** ODE method; default the block's default. */
  readonly method?: MethodName;
  /** Final time `T` of the ODE; default 1. */
  readonly T?: number;
}

/**
 * A small classifier for 2-D toy data (spirals, peaks): dense `inputDim → width` with tanh
 * (`dense_0`, lifting the points to the feature space), one block (`ode_1` integrating the
 * chosen dynamics, or `fractal_1`), dense `width → classes` (`dense_2`).
 *
 * @param options - `dynamics` (`'resnet'`), `width` (8), `steps` (8), `columns` (2), `classes`
 *   (2), `inputDim` (2), `activation`, `method`, `T`.
 * @returns The config.
 * @throws {@link @runge/tensor-ops!ValueError} for an invalid option.
 * @example
 * ```ts
 * const model = buildModel(toyConfig({ dynamics: 'hamiltonian', width: 8, steps: 8 }));
 * ```
 */
export function toyConfig(options: ToyOptions = {}): ModelConfig {
  const dynamics = assertOneOf(options.dynamics ?? 'resnet', BLOCK_NAMES, 'dynamics');
  const width = assertNumber(options.width ?? 8, 'width', { min: 1, integer: true });
  const steps = assertNumber(options.steps ?? 8, 'steps', { min: 1, integer: true });
  const columns = assertNumber(options.columns ?? 2, 'columns', { min: 1, max: 8, integer: true });
  const classes = assertNumber(options.classes ?? 2, 'classes', { min: 1, integer: true });
  const inputDim = assertNumber(options.inputDim ?? 2, 'inputDim', { min: 1, integer: true });
  const activation =
    options.activation === undefined
      ? undefined
      : assertOneOf(options.activation, ACTIVATIONS, 'activation');
  const method =
    options.method === undefined ? undefined : assertOneOf(options.method, METHOD_NAMES, 'method');
  const T = assertNumber(options.T ?? 1, 'T', { min: 0, exclusiveMin: true });
  const block: LayerConfig =
    dynamics === 'fractal'
      ? { type: 'fractal', columns, ...(activation ? { activation } : {}) }
      : {
          type: 'ode',
          dynamics,
          steps,
          T,
          ...(activation ? { activation } : {}),
          ...(method ? { method } : {}),
        };
  return {
    name: `toy-${dynamics}`,
    input: [inputDim],
    layers: [
      { type: 'dense', units: width, activation: 'tanh' },
      block,
      { type: 'dense', units: classes },
    ],
  };
}

import {
  type GradientMode,
  METHOD_NAMES,
  type MethodName,
  resolveGradient,
  solve,
} from '@runge/integrators';
import {
  assertNumber,
  assertOneOf,
  ConfigError,
  type TensorTree,
  treeMap,
} from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { ACTIVATIONS, type ActivationName } from './activations.js';
import { hamiltonianDynamics } from './hamiltonian-dynamics.js';
import { checkKeys, type RawConfig, readNumber, readOneOf } from './internal/config-values.js';
import {
  defaultInitializer,
  INITIALIZERS,
  type InitializerName,
  weightInit,
} from './internal/init.js';
import { COMMON_KEYS, type LayerType, requireFeatures } from './internal/layer-type.js';
import type { Layer, ParamInfo } from './layer.js';
import {
  blockDynamics,
  checkMethod,
  defaultActivation,
  defaultMethod,
  isPartitioned,
  ODE_DYNAMICS,
  type OdeDynamicsName,
} from './ode-dynamics.js';
import {
  type OdeStabilityConfig,
  type OdeStabilitySettings,
  readStability,
  spectralBound,
  stabilityStateInfos,
  stableControls,
} from './ode-stability.js';
import type { KernelWeights } from './resnet-dynamics.js';

/**
 * An ODE block: the layer `Y(0) = x ↦ Y(T)` of `∂ₜY = f(Y, θ(t))` integrated with `steps`
 * steps of `method` (default forward Euler, `h = T/N`: a ResNet; leapfrog for Hamiltonian
 * dynamics). The weights `θ(t)` live on their own control grid of `controls` points (default
 * `M = N`, one weight set per step) with leaves `[M, ...]`, interpolated to every stage time
 * (`'constant'`: piece `j` on `[jT/M, (j+1)T/M)`; `'linear'`: nodes at `jT/(M − 1)`). So the
 * depth `N` can change after training without changing the parameters (`withSteps`), and the
 * same weights can be run with RK4 or more steps to approach the continuous model.
 *
 * Dynamics (dense features `[d]` with `K: [d, m]`, or feature maps `[H, W, c]` with `k × k`
 * 'same' convolutions):
 * - `'resnet'`: `f = σ(K Y + b)`;
 * - `'resnet2'`: `f = K₂ σ(K₁ Y + b₁) + b₂` (`hidden` = m, default the width);
 * - `'parabolic'`: `f = −Kᵀ σ(K Y + b)` (`hidden` = m);
 * - `'antisymmetric'`: `f = σ((K − Kᵀ − γI) Y + b)` (`damping` = γ ≥ 0);
 * - `'hamiltonian'`: `q' = Kᵀσ(K p + b)`, `p' = −Kᵀσ(K q + b)`, `q(0) = x`, `p(0) = 0`, output
 *   `q(T)` (`hidden` = m); leapfrog makes it invertible, so `gradient: 'reversible'` recomputes
 *   the states backwards instead of storing them.
 *
 * Parameters (role for multigrid in brackets): `K`/`K1`/`K2` `[M, k, k, in, out]`
 * (`'conv-kernel-stack'`) or `[M, in, out]` (`'control-stack'` of dense slices), biases
 * `[M, width]` (`'control-stack'` of bias slices, zeros). Kernels are drawn per slice with He
 * (relu family), LeCun (selu) or Glorot (others) scaling unless `init` says otherwise;
 * `K2` of `'resnet2'` always with Glorot.
 *
 * @example
 * ```json
 * { "type": "ode", "dynamics": "resnet", "steps": 8, "activation": "relu" }
 * { "type": "ode", "dynamics": "hamiltonian", "steps": 16, "controls": 4, "gradient": "reversible" }
 * ```
 */
export interface OdeLayerConfig {
  readonly type: 'ode';
  /** Layer name (default `ode_<index>`). */
  readonly name?: string;
  /** The right-hand side. */
  readonly dynamics: OdeDynamicsName;
  /** Number of time steps `N` (the depth). */
  readonly steps: number;
  /** Number of control points `M` (weight sets); default `steps`. */
  readonly controls?: number;
  /** Interpolation of the controls; default `'constant'` (`'linear'` needs `M ≥ 2`). */
  readonly interpolation?: 'constant' | 'linear';
  /** Final time `T`; default 1. */
  readonly T?: number;
  /** Integrator; default `'euler'` (`'leapfrog'` for hamiltonian; see {@link defaultMethod}). */
  readonly method?: MethodName;
  /**
   * Gradient mode: a name or an object such as `{ "mode": "checkpoint", "every": 4 }`; default
   * `'backprop'`.
   */
  readonly gradient?: GradientMode;
  /** Activation `σ`; default `'tanh'` for antisymmetric, `'relu'` otherwise. */
  readonly activation?: ActivationName;
  /** Damping γ ≥ 0 (antisymmetric only); default 0. */
  readonly damping?: number;
  /** Width `m` of `K`'s output (resnet2, parabolic, hamiltonian); default the feature width. */
  readonly hidden?: number;
  /** Kernel side on feature maps (odd); default 3. */
  readonly kernelSize?: number;
  /** Kernel initialiser; default by activation. */
  readonly init?: InitializerName;
  /**
   * Stable training: `{ "mode": "spectral-bound" }` bounds `K` so that every `hλ` of the
   * block's Jacobian stays in the integrator's stability region (see {@link spectralBound});
   * default none.
   */
  readonly stability?: OdeStabilityConfig;
}

/** The resolved settings of an ODE block (what a bound layer's `config` holds besides `type`/`name`). */
export interface OdeSettings {
  readonly dynamics: OdeDynamicsName;
  readonly steps: number;
  readonly controls: number;
  readonly interpolation: 'constant' | 'linear';
  readonly T: number;
  readonly method: MethodName;
  /** The mode's name, or its object when it carries settings (`{ mode: 'checkpoint', every }`). */
  readonly gradient: GradientMode;
  readonly activation: ActivationName;
  readonly damping: number;
  readonly hidden: number;
  readonly kernelSize: number;
  readonly init: InitializerName;
  /** The stability bound's settings; absent when the block trains freely. */
  readonly stability?: OdeStabilitySettings;
}

const KEYS = [
  'dynamics',
  'steps',
  'controls',
  'interpolation',
  'T',
  'method',
  'gradient',
  'activation',
  'damping',
  'hidden',
  'kernelSize',
  'init',
  'stability',
];

function readSettings(config: RawConfig, width: number, where: string): OdeSettings {
  const dynamics = readOneOf(config, 'dynamics', where, ODE_DYNAMICS);
  const steps = readNumber(config, 'steps', where, { min: 1, integer: true });
  const interpolation = readOneOf(
    config,
    'interpolation',
    where,
    ['constant', 'linear'] as const,
    'constant',
  );
  const controls = readNumber(
    config,
    'controls',
    where,
    { min: interpolation === 'linear' ? 2 : 1, integer: true },
    interpolation === 'linear' ? Math.max(2, steps) : steps,
  );
  const T = readNumber(config, 'T', where, { min: 0, exclusiveMin: true }, 1);
  const method = readOneOf(config, 'method', where, METHOD_NAMES, defaultMethod(dynamics));
  checkMethod(dynamics, method, `${where}.method`);
  let gradient: GradientMode;
  try {
    const spec = resolveGradient(config.gradient, method, `${where}.gradient`);
    gradient = Object.keys(spec).length === 1 ? spec.mode : spec;
  } catch (e) {
    throw new ConfigError((e as Error).message, { cause: e });
  }
  const activation = readOneOf(
    config,
    'activation',
    where,
    ACTIVATIONS,
    defaultActivation(dynamics),
  );
  if (config.damping !== undefined && dynamics !== 'antisymmetric') {
    throw new ConfigError(
      `${where}.damping: applies to dynamics 'antisymmetric' only (dynamics is '${dynamics}')`,
    );
  }
  const damping = readNumber(config, 'damping', where, { min: 0 }, 0);
  const hasHidden = dynamics === 'resnet2' || dynamics === 'parabolic' || isPartitioned(dynamics);
  if (config.hidden !== undefined && !hasHidden) {
    throw new ConfigError(
      `${where}.hidden: applies to dynamics 'resnet2', 'parabolic' and 'hamiltonian' only ('${dynamics}' maps the features to themselves)`,
    );
  }
  const hidden = readNumber(config, 'hidden', where, { min: 1, integer: true }, width);
  const kernelSize = readNumber(config, 'kernelSize', where, { min: 1, integer: true }, 3);
  if (kernelSize % 2 === 0) {
    throw new ConfigError(
      `${where}.kernelSize: expected an odd size ('same' convolutions whose adjoint is again one), got ${kernelSize}`,
    );
  }
  const init = readOneOf(config, 'init', where, INITIALIZERS, defaultInitializer(activation));
  const stability = readStability(config.stability, T / steps, `${where}.stability`, dynamics);
  if (stability) {
    try {
      spectralBound({ dynamics, method, activation, damping, ...stability });
    } catch (e) {
      throw new ConfigError(`${where}.${(e as Error).message}`, { cause: e });
    }
  }
  return {
    dynamics,
    steps,
    controls,
    interpolation,
    T,
    method,
    gradient,
    activation,
    damping,
    hidden,
    kernelSize,
    init,
    ...(stability ? { stability } : {}),
  };
}

/** The parameter infos of an ODE block on features of the given shape. */
function odeParams(s: OdeSettings, featureShape: readonly number[]): ParamInfo[] {
  const image = featureShape.length === 3;
  const c = featureShape[featureShape.length - 1] as number;
  const k = s.kernelSize;
  const M = s.controls;
  const kernel = (path: string, cin: number, cout: number, init: InitializerName): ParamInfo =>
    image
      ? {
          path,
          shape: [M, k, k, cin, cout],
          role: 'conv-kernel-stack',
          slice: 'conv-kernel',
          init: weightInit(init, k * k * cin, k * k * cout),
        }
      : {
          path,
          shape: [M, cin, cout],
          role: 'control-stack',
          slice: 'dense',
          init: weightInit(init, cin, cout),
        };
  const bias = (path: string, n: number): ParamInfo => ({
    path,
    shape: [M, n],
    role: 'control-stack',
    slice: 'bias',
    init: { kind: 'constant', value: 0 },
  });
  switch (s.dynamics) {
    case 'resnet':
    case 'antisymmetric':
      return [kernel('K', c, c, s.init), bias('b', c)];
    case 'resnet2':
      return [
        kernel('K1', c, s.hidden, s.init),
        kernel('K2', s.hidden, c, 'glorot'),
        bias('b1', s.hidden),
        bias('b2', c),
      ];
    case 'parabolic':
    case 'hamiltonian':
      return [kernel('K', c, s.hidden, s.init), bias('b', s.hidden)];
  }
}

/**
 * The block's forward map `x ↦ Y(T)` (for Hamiltonian dynamics `q(T)` from `q(0) = x`,
 * `p(0) = 0`). The dynamics are built once; each call creates tensors in the caller's scope.
 */
function integrator(s: OdeSettings): (params: TensorTree, x: tf.Tensor) => tf.Tensor {
  const common = {
    t0: 0,
    t1: s.T,
    steps: s.steps,
    method: s.method,
    gradient: s.gradient,
  };
  const dynamics = blockDynamics(s);
  if (dynamics.kind === 'partitioned') {
    const f = dynamics.f;
    return (params, x) =>
      solve({
        ...common,
        controls: { values: params as KernelWeights, interpolation: s.interpolation },
        f,
        y0: { q: x, p: tf.zerosLike(x) },
      }).y.q;
  }
  const g = dynamics.f;
  return (params, x) =>
    solve({ ...common, controls: { values: params, interpolation: s.interpolation }, f: g, y0: x })
      .y;
}

/** The `'ode'` layer type. */
export const odeLayerType: LayerType = {
  type: 'ode',
  keys: KEYS,
  build(raw, input, name, where): Layer {
    const config = checkKeys(raw, [...COMMON_KEYS, ...KEYS], where);
    requireFeatures(input, where, 'an ODE block');
    const width = input.shape[input.shape.length - 1] as number;
    const s = readSettings(config, width, where);
    const run = integrator(s);
    const layer: Layer = {
      name,
      type: 'ode',
      config: { type: 'ode', name, ...s } as unknown as Layer['config'],
      inputShape: input.shape,
      outputShape: input.shape,
      params: odeParams(s, input.shape),
      state: s.stability ? stabilityStateInfos(input.shape, s.controls) : [],
      stochastic: false,
      apply(p, x, ctx) {
        if (!s.stability) return { y: run(p as TensorTree, x) };
        const bounded = stableControls(layer, p as TensorTree, ctx.state);
        const y = run(bounded.params, x);
        // In inference the state stays as it was (as batch-norm statistics do).
        return {
          y,
          state: ctx.training
            ? bounded.state
            : { power: tf.clone((ctx.state as { power: tf.Tensor }).power) },
        };
      },
    };
    return layer;
  },
};

/** Options of {@link hamiltonianFlow}. */
export interface HamiltonianFlowOptions {
  /** Number of leapfrog steps `N`. */
  readonly steps: number;
  /** Final time `T`; default 1. */
  readonly T?: number;
  /** Activation; default `'relu'`. */
  readonly activation?: ActivationName;
  /** Interpolation of the controls; default `'constant'`. */
  readonly interpolation?: 'constant' | 'linear';
  /** Run backwards from `T` to 0 (the exact inverse of the forward flow); default false. */
  readonly reverse?: boolean;
}

/**
 * The Hamiltonian block's flow on the full state `{ q, p }`: `N` leapfrog steps of
 * `q' = Kᵀσ(K p + b)`, `p' = −Kᵀσ(K q + b)` from 0 to `T` with the controls `{ K, b }` (leaves
 * `[M, ...]`). With `reverse: true` it steps from `T` back to 0 (with `−h` and the controls in
 * reverse time), which undoes the forward flow exactly up to float round-off: the block is
 * invertible, `flow⁻¹(flow(y)) = y`.
 *
 * @param params - The block's controls `{ K: [M, ...], b: [M, m] }`.
 * @param y - The state `{ q, p }`, each `[batch, ...features]`.
 * @param options - `steps`, `T`, `activation`, `interpolation`, `reverse`.
 * @returns The state after the flow (new tensors, owned by the caller).
 * @throws {@link @runge/tensor-ops!ValueError} for invalid options.
 * @example
 * ```ts
 * const end = hamiltonianFlow(params.ode_1, { q: x, p: tf.zerosLike(x) }, { steps: 8 });
 * const start = hamiltonianFlow(params.ode_1, end, { steps: 8, reverse: true }); // ≈ { q: x, p: 0 }
 * ```
 */
export function hamiltonianFlow(
  params: KernelWeights,
  y: { readonly q: tf.Tensor; readonly p: tf.Tensor },
  options: HamiltonianFlowOptions,
): { q: tf.Tensor; p: tf.Tensor } {
  const steps = assertNumber(options.steps, 'steps', { min: 1, integer: true });
  const T = assertNumber(options.T ?? 1, 'T', { min: 0, exclusiveMin: true });
  const activation = assertOneOf(options.activation ?? 'relu', ACTIVATIONS, 'activation');
  const interpolation = assertOneOf(
    options.interpolation ?? 'constant',
    ['constant', 'linear'] as const,
    'interpolation',
  );
  const reverse = options.reverse ?? false;
  return tf.tidy(() => {
    // Backwards in time the grid runs from T to 0, so the controls are read in reverse order.
    const values = reverse ? treeMap((leaf) => tf.reverse(leaf, 0), params) : params;
    const out = solve({
      f: hamiltonianDynamics({ activation }),
      y0: { q: y.q, p: y.p },
      t0: reverse ? T : 0,
      t1: reverse ? 0 : T,
      steps,
      method: 'leapfrog',
      controls: { values, interpolation },
    });
    return { q: out.y.q, p: out.y.p };
  });
}

import { solve } from '@runge/integrators';
import {
  assertNumber,
  assertOneOf,
  ConfigError,
  type TensorTree,
  treeMap,
} from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { ACTIVATIONS, type ActivationName } from './activations.js';
import { antisymmetricDynamics } from './antisymmetric-dynamics.js';
import { type FeaturePartitionedDynamics, hamiltonianDynamics } from './hamiltonian-dynamics.js';
import { checkKeys, type RawConfig, readNumber, readOneOf } from './internal/config-values.js';
import {
  defaultInitializer,
  INITIALIZERS,
  type InitializerName,
  weightInit,
} from './internal/init.js';
import { COMMON_KEYS, type LayerType, requireFeatures } from './internal/layer-type.js';
import type { Layer, ParamInfo } from './layer.js';
import { parabolicDynamics } from './parabolic-dynamics.js';
import {
  type FeatureDynamics,
  type KernelWeights,
  resnet2Dynamics,
  resnetDynamics,
} from './resnet-dynamics.js';

/** The dynamics an ODE block can integrate (MATH.md §1). */
export type OdeDynamicsName = 'resnet' | 'resnet2' | 'parabolic' | 'antisymmetric' | 'hamiltonian';

/**
 * The names of {@link OdeDynamicsName}.
 *
 * @example
 * ```ts
 * ODE_DYNAMICS.includes('parabolic'); // true
 * ```
 */
export const ODE_DYNAMICS: readonly OdeDynamicsName[] = Object.freeze([
  'resnet',
  'resnet2',
  'parabolic',
  'antisymmetric',
  'hamiltonian',
] as const);

/**
 * The methods an ODE block config can name (the integrators' built-in methods; `'dopri5'` runs
 * with the block's fixed steps, `'leapfrog'` is for Hamiltonian dynamics only).
 *
 * @example
 * ```ts
 * ODE_METHODS.includes('rk4'); // true
 * ```
 */
export const ODE_METHODS = ['euler', 'midpoint', 'heun', 'rk4', 'dopri5', 'leapfrog'] as const;

/** A method name of {@link ODE_METHODS}. */
export type OdeMethodName = (typeof ODE_METHODS)[number];

/** How gradients pass through an ODE block (the integrators' `GradientMode`). */
export type OdeGradientMode = 'backprop' | 'checkpoint' | 'adjoint' | 'reversible';

const GRADIENT_MODES = ['backprop', 'checkpoint', 'adjoint', 'reversible'] as const;

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
  /** Integrator; default `'euler'` (`'leapfrog'` for hamiltonian). */
  readonly method?: OdeMethodName;
  /** Gradient mode; default `'backprop'`. */
  readonly gradient?: OdeGradientMode;
  /** `'checkpoint'` only: store every k-th state. */
  readonly checkpointEvery?: number;
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
}

/** The resolved settings of an ODE block (what a bound layer's `config` holds besides `type`/`name`). */
export interface OdeSettings {
  readonly dynamics: OdeDynamicsName;
  readonly steps: number;
  readonly controls: number;
  readonly interpolation: 'constant' | 'linear';
  readonly T: number;
  readonly method: OdeMethodName;
  readonly gradient: OdeGradientMode;
  readonly checkpointEvery?: number;
  readonly activation: ActivationName;
  readonly damping: number;
  readonly hidden: number;
  readonly kernelSize: number;
  readonly init: InitializerName;
}

const KEYS = [
  'dynamics',
  'steps',
  'controls',
  'interpolation',
  'T',
  'method',
  'gradient',
  'checkpointEvery',
  'activation',
  'damping',
  'hidden',
  'kernelSize',
  'init',
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
  const hamiltonian = dynamics === 'hamiltonian';
  const method = readOneOf(
    config,
    'method',
    where,
    ODE_METHODS,
    hamiltonian ? 'leapfrog' : 'euler',
  );
  if (method === 'leapfrog' && !hamiltonian) {
    throw new ConfigError(
      `${where}.method: 'leapfrog' integrates partitioned (hamiltonian) dynamics only; choose 'euler', 'midpoint', 'heun', 'rk4' or 'dopri5' for '${dynamics}'`,
    );
  }
  const gradient = readOneOf(config, 'gradient', where, GRADIENT_MODES, 'backprop');
  if (gradient === 'reversible' && method !== 'leapfrog') {
    throw new ConfigError(
      `${where}.gradient: 'reversible' needs the invertible leapfrog scheme (dynamics 'hamiltonian', method 'leapfrog'); use 'checkpoint' or 'adjoint' to save memory with '${method}'`,
    );
  }
  let checkpointEvery: number | undefined;
  if (config.checkpointEvery !== undefined) {
    if (gradient !== 'checkpoint') {
      throw new ConfigError(
        `${where}.checkpointEvery: applies to gradient 'checkpoint' only (gradient is '${gradient}')`,
      );
    }
    checkpointEvery = readNumber(config, 'checkpointEvery', where, { min: 1, integer: true });
  }
  const activation = readOneOf(
    config,
    'activation',
    where,
    ACTIVATIONS,
    dynamics === 'antisymmetric' ? 'tanh' : 'relu',
  );
  if (config.damping !== undefined && dynamics !== 'antisymmetric') {
    throw new ConfigError(
      `${where}.damping: applies to dynamics 'antisymmetric' only (dynamics is '${dynamics}')`,
    );
  }
  const damping = readNumber(config, 'damping', where, { min: 0 }, 0);
  const hasHidden = dynamics === 'resnet2' || dynamics === 'parabolic' || hamiltonian;
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
  return {
    dynamics,
    steps,
    controls,
    interpolation,
    T,
    method,
    gradient,
    ...(checkpointEvery !== undefined ? { checkpointEvery } : {}),
    activation,
    damping,
    hidden,
    kernelSize,
    init,
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

/** The right-hand side of an ODE block: first order on the features, or partitioned (Hamiltonian). */
export type BlockDynamics =
  | { readonly kind: 'features'; readonly f: FeatureDynamics<TensorTree> }
  | { readonly kind: 'partitioned'; readonly f: FeaturePartitionedDynamics<KernelWeights> };

type Plain = FeatureDynamics<TensorTree>;

/** The dynamics an ODE block's settings name, bound to its activation (and damping). */
export function blockDynamics(
  s: Pick<OdeSettings, 'dynamics' | 'activation' | 'damping'>,
): BlockDynamics {
  switch (s.dynamics) {
    case 'hamiltonian':
      return { kind: 'partitioned', f: hamiltonianDynamics({ activation: s.activation }) };
    case 'resnet':
      return { kind: 'features', f: resnetDynamics({ activation: s.activation }) as Plain };
    case 'resnet2':
      return { kind: 'features', f: resnet2Dynamics({ activation: s.activation }) as Plain };
    case 'parabolic':
      return { kind: 'features', f: parabolicDynamics({ activation: s.activation }) as Plain };
    default:
      return {
        kind: 'features',
        f: antisymmetricDynamics({ activation: s.activation, damping: s.damping }) as Plain,
      };
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
    ...(s.checkpointEvery !== undefined ? { checkpointEvery: s.checkpointEvery } : {}),
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
    return {
      name,
      type: 'ode',
      config: { type: 'ode', name, ...s },
      inputShape: input.shape,
      outputShape: input.shape,
      params: odeParams(s, input.shape),
      state: [],
      stochastic: false,
      apply(p, x) {
        return { y: run(p as TensorTree, x) };
      },
    };
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

import { controlsAt, type Dynamics, type MethodName, solve } from '@runge/integrators';
import {
  assertNumber,
  assertShape,
  type TensorTree,
  treeFlatten,
  ValueError,
} from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import type { Layer } from './layer.js';
import type { OdeSettings } from './ode-block.js';
import { blockDynamics, type OdeDynamicsName } from './ode-dynamics.js';
import type { KernelWeights } from './resnet-dynamics.js';

/**
 * An ODE block taken apart for diagnostics: its right-hand side `f(t, Y, θ)` as a plain
 * first-order system over the block's whole state, its time grid, its controls at any time, and
 * the states its own integrator reaches. The stability analysis (docs: /math/stability#jacobians) needs exactly
 * these: the Jacobian `∂f/∂Y` at `(t_j, Y_j, θ(t_j))` scaled by the step `h`.
 */
export interface OdeBlockSystem {
  /** The layer's name (its parameters live under `params[name]`). */
  readonly name: string;
  /** The dynamics the block integrates. */
  readonly dynamics: OdeDynamicsName;
  /** The block's integrator. */
  readonly method: MethodName;
  /** Number of steps `N`. */
  readonly steps: number;
  /** Number of control points `M`. */
  readonly controls: number;
  /** Interpolation of the controls. */
  readonly interpolation: 'constant' | 'linear';
  /** Final time `T`. */
  readonly T: number;
  /** The step `h = T/N`. */
  readonly h: number;
  /** The step times `t_j = jT/N`, `j = 0, …, N`. */
  readonly times: readonly number[];
  /**
   * Whether the state is partitioned: `{ q, p }` for Hamiltonian dynamics (`q` the features,
   * `p` the auxiliary state started at 0), a single tensor `[batch, ...features]` otherwise.
   */
  readonly partitioned: boolean;
  /**
   * The right-hand side over the block's whole state: `f(t, Y, θ)` for first-order dynamics, and
   * `f(t, {q, p}, θ) = { q: Kᵀσ(K p + b), p: −Kᵀσ(K q + b) }` for Hamiltonian ones. `θ` is one
   * slice of the controls (see {@link OdeBlockSystem.paramsAt}). Creates tensors in the caller's
   * scope.
   */
  readonly f: Dynamics<TensorTree, TensorTree>;
  /**
   * The state the block starts from for the input `x` (`[batch, ...inputShape]`): `x` itself, or
   * `{ q: x, p: 0 }` for Hamiltonian dynamics. New tensors, owned by the caller.
   */
  initialState(x: tf.Tensor): TensorTree;
  /**
   * The states `Y_0, …, Y_N` at the step times, as the block's own integrator (method, `N`,
   * controls) produces them from the input `x`; `Y_N` is the state whose features the block
   * outputs. New tensors, owned by the caller.
   *
   * @throws {@link @runge/tensor-ops!ShapeError} when `x` is not `[batch, ...inputShape]`.
   */
  trajectory(params: TensorTree, x: tf.Tensor): TensorTree[];
  /**
   * The controls `θ(t)` the solver uses at time `t ∈ [0, T]`: for piecewise-constant controls
   * the piece that starts at `t` (the last one at `T`), for linear ones the interpolated value.
   * New tensors, owned by the caller.
   *
   * @throws {@link @runge/tensor-ops!ValueError} when `t` is outside `[0, T]`.
   */
  paramsAt(params: TensorTree, t: number): TensorTree;
}

/**
 * Takes a bound ODE layer (`model.layers[i]` with `type === 'ode'`) apart into an
 * {@link OdeBlockSystem}: the right-hand side `f(t, Y, θ)` of `∂ₜY = f(Y, θ(t))`, the step grid
 * `t_j = jh`, `h = T/N`, the controls `θ(t)` on it, and the trajectory `Y_0, …, Y_N` of the
 * block's own integrator. With `jacobianSpectrum(system.f, t_j, Y_j, system.paramsAt(p, t_j))`
 * of `@runge/integrators` this gives the eigenvalues `λ` of `∂f/∂Y` along the block, and
 * `|R(hλ)| ≤ 1` says whether the block's steps are stable (docs: /math/stability#stability-function).
 *
 * @param layer - A layer of a built model whose `type` is `'ode'`.
 * @returns The block's system; it holds no tensors.
 * @throws {@link @runge/tensor-ops!ValueError} when `layer` is not an ODE layer.
 * @example
 * ```ts
 * const model = buildModel(toyConfig({ dynamics: 'resnet', steps: 4 }));
 * const block = odeBlockSystem(model.layers[1]);
 * const states = block.trajectory(params.ode_1, features); // Y_0 … Y_4, [batch, 8] each
 * const theta = block.paramsAt(params.ode_1, block.times[2]);
 * const { eigenvalues } = jacobianSpectrum(block.f, block.times[2], states[2], theta);
 * ```
 */
export function odeBlockSystem(layer: Layer): OdeBlockSystem {
  if (typeof layer !== 'object' || layer === null || layer.type !== 'ode') {
    throw new ValueError(
      `odeBlockSystem: expected an ODE layer of a built model (model.layers[i] with type 'ode'), got ${
        typeof layer === 'object' && layer !== null
          ? `a '${String(layer.type)}' layer`
          : String(layer)
      }`,
    );
  }
  const s = layer.config as unknown as OdeSettings;
  const T = assertNumber(s.T, `${layer.name}.T`, { min: 0, exclusiveMin: true });
  const N = assertNumber(s.steps, `${layer.name}.steps`, { min: 1, integer: true });
  const times = Array.from({ length: N + 1 }, (_, j) => (j === N ? T : (T * j) / N));
  const dynamics = blockDynamics(s);
  const interpolation = s.interpolation;
  const f: Dynamics<TensorTree, TensorTree> =
    dynamics.kind === 'features'
      ? (dynamics.f as unknown as Dynamics<TensorTree, TensorTree>)
      : (t, y, theta) => {
          const { q, p } = y as { q: tf.Tensor; p: tf.Tensor };
          const params = theta as KernelWeights;
          return { q: dynamics.f.dq(t, p, params), p: dynamics.f.dp(t, q, params) };
        };
  const checkInput = (x: tf.Tensor, what: string): void =>
    assertShape(x, [null, ...layer.inputShape], `${layer.name}.${what}: x`);
  const initialState = (x: tf.Tensor): TensorTree => {
    checkInput(x, 'initialState');
    return dynamics.kind === 'features' ? tf.clone(x) : { q: tf.clone(x), p: tf.zerosLike(x) };
  };
  const trajectory = (params: TensorTree, x: tf.Tensor): TensorTree[] => {
    checkInput(x, 'trajectory');
    const common = {
      t0: 0,
      t1: T,
      steps: N,
      method: s.method,
      controls: { values: params, interpolation },
      saveAt: times,
    };
    return tf.tidy(() => {
      const ys =
        dynamics.kind === 'features'
          ? solve({ ...common, f: dynamics.f, y0: x }).ys
          : solve({
              ...common,
              controls: { values: params as KernelWeights, interpolation },
              f: dynamics.f,
              y0: { q: x, p: tf.zerosLike(x) },
            }).ys;
      // A saved state can be `x` itself or the solution tensor: hand out copies only.
      const { leaves, unflatten } = treeFlatten(ys as unknown as TensorTree);
      return unflatten(leaves.map((leaf) => tf.clone(leaf))) as unknown as tf.TensorContainer;
    }) as unknown as TensorTree[];
  };
  const paramsAt = (params: TensorTree, t: number): TensorTree => {
    assertNumber(t, `${layer.name}.paramsAt: t`, { min: 0, max: T });
    return controlsAt({ values: params, interpolation }, t, { t0: 0, t1: T });
  };
  return {
    name: layer.name,
    dynamics: s.dynamics,
    method: s.method,
    steps: N,
    controls: s.controls,
    interpolation,
    T,
    h: T / N,
    times,
    partitioned: dynamics.kind === 'partitioned',
    f,
    initialState,
    trajectory,
    paramsAt,
  };
}

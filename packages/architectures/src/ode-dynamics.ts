// The dynamics an ODE block can integrate, and the rules that tie each to its integrator and activation.
import type { MethodName } from '@runge/integrators';
import { ConfigError, type TensorTree } from '@runge/tensor-ops';
import type { ActivationName } from './activations.js';
import { antisymmetricDynamics } from './antisymmetric-dynamics.js';
import { type FeaturePartitionedDynamics, hamiltonianDynamics } from './hamiltonian-dynamics.js';
import { parabolicDynamics } from './parabolic-dynamics.js';
import {
  type FeatureDynamics,
  type KernelWeights,
  resnet2Dynamics,
  resnetDynamics,
} from './resnet-dynamics.js';

/**
 * The names of the dynamics an ODE block can integrate (see the guide on networks as ODEs):
 * `resnet` `f = σ(K Y + b)`, `resnet2` `f = K₂ σ(K₁ Y + b₁) + b₂`, `parabolic`
 * `f = −Kᵀ σ(K Y + b)`, `antisymmetric` `f = σ((K − Kᵀ − γI) Y + b)`, and the partitioned
 * `hamiltonian` `q' = Kᵀσ(K p + b)`, `p' = −Kᵀσ(K q + b)`.
 *
 * @example
 * ```ts
 * ODE_DYNAMICS.includes('parabolic'); // true
 * ```
 */
export const ODE_DYNAMICS = Object.freeze([
  'resnet',
  'resnet2',
  'parabolic',
  'antisymmetric',
  'hamiltonian',
] as const);

/** A name of {@link ODE_DYNAMICS}. */
export type OdeDynamicsName = (typeof ODE_DYNAMICS)[number];

/**
 * Whether the dynamics are partitioned (a state `{ q, p }` advanced by the symplectic leapfrog
 * scheme) rather than a first-order system for the Runge–Kutta methods.
 *
 * @example
 * ```ts
 * isPartitioned('hamiltonian'); // true
 * ```
 */
export function isPartitioned(dynamics: OdeDynamicsName): boolean {
  return dynamics === 'hamiltonian';
}

/**
 * The integrator an ODE block uses when none is named: leapfrog for Hamiltonian dynamics, forward
 * Euler (the ResNet step) for every other.
 *
 * @example
 * ```ts
 * defaultMethod('hamiltonian'); // 'leapfrog'
 * defaultMethod('parabolic'); // 'euler'
 * ```
 */
export function defaultMethod(dynamics: OdeDynamicsName): MethodName {
  return isPartitioned(dynamics) ? 'leapfrog' : 'euler';
}

/**
 * The activation an ODE block uses when none is named: `tanh` for antisymmetric dynamics (whose
 * Jacobian then has purely imaginary eigenvalues), `relu` for every other.
 *
 * @example
 * ```ts
 * defaultActivation('antisymmetric'); // 'tanh'
 * ```
 */
export function defaultActivation(dynamics: OdeDynamicsName): ActivationName {
  return dynamics === 'antisymmetric' ? 'tanh' : 'relu';
}

/**
 * Checks that a method can integrate the dynamics: leapfrog advances partitioned (Hamiltonian)
 * dynamics and nothing else, and Hamiltonian dynamics need leapfrog.
 *
 * @param dynamics - The block's dynamics.
 * @param method - The integrator asked for.
 * @param where - Where the setting comes from, for the message (e.g. `'layers[1].method'`).
 * @throws {@link @runge/tensor-ops!ConfigError} naming what to use instead.
 * @example
 * ```ts
 * checkMethod('hamiltonian', 'euler', 'model.integrator'); // throws: use 'leapfrog'
 * ```
 */
export function checkMethod(dynamics: OdeDynamicsName, method: MethodName, where: string): void {
  if (isPartitioned(dynamics) && method !== 'leapfrog') {
    throw new ConfigError(
      `${where}: '${dynamics}' dynamics are integrated by 'leapfrog' only (got '${method}'); use 'leapfrog' or leave the method out`,
    );
  }
  if (!isPartitioned(dynamics) && method === 'leapfrog') {
    throw new ConfigError(
      `${where}: 'leapfrog' integrates partitioned ('hamiltonian') dynamics only; choose 'euler', 'midpoint', 'heun', 'rk4' or 'dopri5' for '${dynamics}'`,
    );
  }
}

/** The right-hand side of an ODE block: first order on the features, or partitioned (Hamiltonian). */
export type BlockDynamics =
  | { readonly kind: 'features'; readonly f: FeatureDynamics<TensorTree> }
  | { readonly kind: 'partitioned'; readonly f: FeaturePartitionedDynamics<KernelWeights> };

type Plain = FeatureDynamics<TensorTree>;

/** The dynamics an ODE block's settings name, bound to its activation (and damping). */
export function blockDynamics(s: {
  readonly dynamics: OdeDynamicsName;
  readonly activation: ActivationName;
  readonly damping: number;
}): BlockDynamics {
  switch (s.dynamics) {
    case 'hamiltonian':
      return { kind: 'partitioned', f: hamiltonianDynamics({ activation: s.activation }) };
    case 'resnet':
      return {
        kind: 'features',
        f: resnetDynamics({ activation: s.activation }) as unknown as Plain,
      };
    case 'resnet2':
      return { kind: 'features', f: resnet2Dynamics({ activation: s.activation }) as Plain };
    case 'parabolic':
      return {
        kind: 'features',
        f: parabolicDynamics({ activation: s.activation }) as unknown as Plain,
      };
    case 'antisymmetric':
      return {
        kind: 'features',
        f: antisymmetricDynamics({ activation: s.activation, damping: s.damping }) as Plain,
      };
  }
}

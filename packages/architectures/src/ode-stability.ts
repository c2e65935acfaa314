// Stable ODE blocks by construction: a spectral-norm bound on K, tied to the step and the activation's slope, that keeps every hλ of the block's Jacobian inside its integrator's stability region.
import { type MethodName, stabilityExtents } from '@runge/integrators';
import {
  antisymmetricConvKernel,
  antisymmetricDense,
  ConfigError,
  type TensorTree,
  treeMap,
} from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { maxSlope } from './activation-slope.js';
import type { ActivationName } from './activations.js';
import { checkKeys, type RawConfig, readNumber, readOneOf } from './internal/config-values.js';
import { applyK, applyKT } from './internal/operator.js';
import type { Layer, ParamInfo } from './layer.js';
import type { OdeDynamicsName } from './ode-dynamics.js';

/**
 * The stability modes of an ODE block: `'none'` (train freely) and `'spectral-bound'` (bound the
 * operator norm of `K` so that every `hλ` lies in the integrator's region; see
 * {@link spectralBound}).
 *
 * @example
 * ```ts
 * STABILITY_MODES.includes('spectral-bound'); // true
 * ```
 */
export const STABILITY_MODES = Object.freeze(['none', 'spectral-bound'] as const);

/** A name of {@link STABILITY_MODES}. */
export type StabilityMode = (typeof STABILITY_MODES)[number];

/**
 * How a stable ResNet block picks the shift `c` of `K = K̂ − cI` (docs:
 * /guide/stability#stable-training): `'norm'` ties it to the slice's estimated norm,
 * `c = ‖K̂‖/0.95` (the least damping that keeps the numerical range of `K` in the disk
 * `|w + c| ≤ c`, with room for the power iteration's estimate from below), capped at
 * `ρ = r/(hs)` by bounding `‖K̂‖ ≤ 0.95ρ`; `'full'` fixes `c = ρ` and bounds `‖K̂‖ ≤ ρ`, the
 * most damping. Both keep every `hλ` in `|z + r| ≤ r`; `'norm'` (the default) damps only as
 * much as the weights need.
 *
 * ```ts
 * STABILITY_SHIFTS.includes('norm'); // true
 * ```
 */
export const STABILITY_SHIFTS = Object.freeze(['norm', 'full'] as const);

/** A name of {@link STABILITY_SHIFTS}. */
export type StabilityShift = (typeof STABILITY_SHIFTS)[number];

/**
 * The shift rule of stable ResNet blocks when `shift` is not given.
 *
 * ```ts
 * DEFAULT_STABILITY_SHIFT; // 'norm'
 * ```
 */
export const DEFAULT_STABILITY_SHIFT: StabilityShift = 'norm';

/**
 * The share of its cap a slice's estimated norm may use when the shift follows the norm, and the
 * factor between that estimate and the shift (`c = ‖K̂‖/0.95`): power iteration estimates the
 * norm from below, and the shift must not be smaller than the true norm.
 */
const NORM_ESTIMATE_ROOM = 0.95;

/**
 * The `stability` setting of an ODE block (layer config key `stability`).
 *
 * @example
 * ```json
 * { "type": "ode", "dynamics": "parabolic", "steps": 8, "stability": { "mode": "spectral-bound" } }
 * ```
 */
export interface OdeStabilityConfig {
  /** `'spectral-bound'` to keep the block stable; `'none'` (the default) to leave it free. */
  readonly mode: StabilityMode;
  /** Fraction of the region's disk or interval the bound aims at, in (0, 1]; default 0.95. */
  readonly margin?: number;
  /** Power-iteration steps per forward pass (warm-started from the block's state); default 3. */
  readonly iterations?: number;
  /** ResNet blocks: how the shift `c` is chosen ({@link STABILITY_SHIFTS}); default `'norm'`. */
  readonly shift?: StabilityShift;
  /**
   * The step `h` the bound is computed for; default `T/steps`. Kept when the block is rerun with
   * more steps (`withSteps`), so the weights stay the same and the smaller step stays stable.
   */
  readonly step?: number;
}

/** The resolved stability settings of a stable block (every default filled in). */
export interface OdeStabilitySettings {
  readonly mode: 'spectral-bound';
  readonly margin: number;
  readonly iterations: number;
  /** The shift rule; present for ResNet blocks only (the others have no shift). */
  readonly shift?: StabilityShift;
  readonly step: number;
}

/**
 * The share of the target disk or interval a stable block's bound aims at when `margin` is not
 * given: 0.95, room for the power iteration's estimate of `‖K‖` from below.
 *
 * @example
 * ```ts
 * DEFAULT_STABILITY_MARGIN; // 0.95
 * ```
 */
export const DEFAULT_STABILITY_MARGIN = 0.95;
/** Default power-iteration steps per forward pass. */
const DEFAULT_ITERATIONS = 3;

/**
 * Reads an ODE block's `stability` setting: `undefined` for mode `'none'` or no setting.
 *
 * @param raw - The config value.
 * @param h - The block's step `T/N`.
 * @param where - Config path for messages.
 * @param dynamics - The block's dynamics: only `'resnet'` takes a `shift`.
 * @returns The resolved settings, or `undefined`.
 * @throws {@link @runge/tensor-ops!ConfigError} for unknown keys or values, a `shift` on a block
 *   that is not a ResNet block, or a `step` smaller than the block's step (the bound would not
 *   hold).
 * @example
 * ```ts
 * readStability({ mode: 'spectral-bound' }, 0.125, 'layers[1].stability', 'resnet'); // { mode, margin: 0.95, iterations: 3, shift: 'norm', step: 0.125 }
 * ```
 */
export function readStability(
  raw: unknown,
  h: number,
  where: string,
  dynamics: OdeDynamicsName,
): OdeStabilitySettings | undefined {
  if (raw === undefined) return undefined;
  const config: RawConfig = checkKeys(
    raw,
    ['mode', 'margin', 'iterations', 'shift', 'step'],
    where,
  );
  const mode = readOneOf(config, 'mode', where, STABILITY_MODES);
  if (mode === 'none') return undefined;
  const margin = readNumber(
    config,
    'margin',
    where,
    { min: 0, exclusiveMin: true, max: 1 },
    DEFAULT_STABILITY_MARGIN,
  );
  const iterations = readNumber(
    config,
    'iterations',
    where,
    { min: 1, integer: true },
    DEFAULT_ITERATIONS,
  );
  if (dynamics !== 'resnet' && config.shift !== undefined) {
    throw new ConfigError(
      `${where}.shift: only ResNet blocks integrate K − cI with a shift; leave shift out for '${dynamics}' dynamics`,
    );
  }
  const shift =
    dynamics === 'resnet'
      ? readOneOf(config, 'shift', where, STABILITY_SHIFTS, DEFAULT_STABILITY_SHIFT)
      : undefined;
  const step = readNumber(config, 'step', where, { min: 0, exclusiveMin: true }, h);
  if (step < h * (1 - 1e-12)) {
    throw new ConfigError(
      `${where}.step: the bound is computed for h = ${step} but the block steps with h = T/steps = ${h}, larger; leave step out or give at least ${h}`,
    );
  }
  return { mode, margin, iterations, ...(shift ? { shift } : {}), step };
}

/**
 * What a stable block bounds: the operator (`'K'`, or `'K-KT'` the antisymmetric part
 * `A = K − Kᵀ`), the limit `ρ` on its norm, the shift `c` (ResNet only: the block uses
 * `K_eff = K̂ − cI` with `‖K̂‖ ≤ ρ = c`), and the set of the complex plane `hλ` is kept in.
 */
export interface SpectralBound {
  /** The operator whose norm is bounded. */
  readonly operator: 'K' | 'K-KT';
  /** `ρ`: `‖operator‖ ≤ ρ`. */
  readonly limit: number;
  /**
   * `c`: the block integrates with `K̂ − cI` (0 but for ResNet dynamics); with shift `'norm'`
   * the largest `c`, which a slice uses when its norm reaches the cap.
   */
  readonly shift: number;
  /** The target set, in words (`'disk |z + 0.95| ≤ 0.95'`). */
  readonly target: string;
}

/**
 * The spectral bound that makes an ODE block stable (docs: /guide/stability#stable-training),
 * for the step `h`, the activation's slope bound `s` ({@link maxSlope}; `0 ⪯ D ⪯ sI` with
 * `D = diag σ'`) and the integrator's disk `r`, real interval `a` and imaginary interval `β`
 * (`stabilityExtents`, each times `margin`). Every condition is sufficient, not necessary:
 * - `'resnet'` `J = D K`: with `K = K̂ − cI`, `‖K̂‖ ≤ c ≤ r/(hs)`, the numerical range of `K`
 *   lies in the disk `|w + c| ≤ c`, and the eigenvalues of `DK` in `[0, s]` times it, so `hλ`
 *   lies in `|z + r| ≤ r` (the returned `shift` is the largest `c`; {@link STABILITY_SHIFTS}
 *   says which `c` a block uses).
 * - `'parabolic'` `J = −KᵀDK` is symmetric with eigenvalues in `[−s‖K‖², 0]`: `‖K‖ ≤ √(a/(hs))`.
 * - `'antisymmetric'` `J = D(A − γI)`: the eigenvalues lie in `[0, s]·{−γ + iy : |y| ≤ ‖A‖}`;
 *   without damping `‖A‖ ≤ β/(hs)` (needs `β > 0`: RK4, Dormand–Prince), with damping the
 *   triangle must fit the disk: `‖A‖² ≤ 2rγ/(hs) − γ²`.
 * - `'hamiltonian'` (leapfrog): the eigenvalues are `±i√μ`, `μ` of `KᵀD₁K KᵀD₂K`, so
 *   `|hλ| ≤ hs‖K‖² ≤ β`: `‖K‖ ≤ √(β/(hs))`.
 *
 * @param s - The block's dynamics, method, activation, damping and the bound's step and margin.
 * @returns The bound.
 * @throws {@link @runge/tensor-ops!ConfigError} for `'resnet2'` (no bound of this kind), or a
 *   method/damping whose region cannot hold the block's spectrum, naming what to change.
 * @example
 * ```ts
 * spectralBound({ dynamics: 'parabolic', method: 'euler', activation: 'relu', damping: 0, step: 0.125, margin: 1 });
 * // { operator: 'K', limit: 4, shift: 0, target: 'interval [−2, 0]' } (‖K‖² ≤ 2/0.125)
 * ```
 */
export function spectralBound(s: {
  readonly dynamics: OdeDynamicsName;
  readonly method: MethodName;
  readonly activation: ActivationName;
  readonly damping: number;
  readonly step: number;
  readonly margin: number;
}): SpectralBound {
  const extents = stabilityExtents(s.method);
  const r = s.margin * extents.disk;
  const a = s.margin * extents.real;
  const beta = s.margin * extents.imaginary;
  const hs = s.step * maxSlope(s.activation);
  const fmt = (x: number): string => Number(x.toPrecision(4)).toString();
  switch (s.dynamics) {
    case 'resnet': {
      if (!(r > 0)) {
        throw new ConfigError(
          `stability: '${s.method}' has no disk |z + r| ≤ r in its region for a ResNet block's spectrum; use 'euler', 'heun', 'midpoint', 'rk4' or 'dopri5'`,
        );
      }
      const c = r / hs;
      return { operator: 'K', limit: c, shift: c, target: `disk |z + ${fmt(r)}| ≤ ${fmt(r)}` };
    }
    case 'parabolic':
      if (!(a > 0)) {
        throw new ConfigError(
          `stability: '${s.method}' holds no negative real interval for a parabolic block's spectrum; use a Runge–Kutta method`,
        );
      }
      return {
        operator: 'K',
        limit: Math.sqrt(a / hs),
        shift: 0,
        target: `interval [−${fmt(a)}, 0]`,
      };
    case 'hamiltonian':
      return {
        operator: 'K',
        limit: Math.sqrt(beta / hs),
        shift: 0,
        target: `interval [−${fmt(beta)}i, ${fmt(beta)}i]`,
      };
    case 'antisymmetric': {
      const gamma = s.damping;
      if (gamma === 0) {
        if (!(beta > 0)) {
          throw new ConfigError(
            `stability: without damping an antisymmetric block's eigenvalues are imaginary and '${s.method}' is unstable on the whole imaginary axis; set damping > 0 (e.g. ${fmt(extents.disk / s.step)} = r/h, which allows the largest ‖K − Kᵀ‖) or use method 'rk4'`,
          );
        }
        return {
          operator: 'K-KT',
          limit: beta / hs,
          shift: 0,
          target: `interval [−${fmt(beta)}i, ${fmt(beta)}i]`,
        };
      }
      const room = (2 * r * gamma) / hs - gamma * gamma;
      if (!(room > 0)) {
        throw new ConfigError(
          `stability: damping ${gamma} alone puts hγs outside the disk |z + ${fmt(r)}| ≤ ${fmt(r)} of '${s.method}'; use damping below ${fmt((2 * r) / hs)} (best ${fmt(r / hs)})`,
        );
      }
      return {
        operator: 'K-KT',
        limit: Math.sqrt(room),
        shift: 0,
        target: `disk |z + ${fmt(r)}| ≤ ${fmt(r)}`,
      };
    }
    case 'resnet2':
      throw new ConfigError(
        "stability: 'resnet2' dynamics (J = K₂DK₁) have no spectral bound of this kind; use 'resnet', 'parabolic', 'antisymmetric' or 'hamiltonian'",
      );
  }
}

/** The parts of a bound ODE block's settings the bound needs. */
interface StableBlock {
  readonly dynamics: OdeDynamicsName;
  readonly method: MethodName;
  readonly activation: ActivationName;
  readonly damping: number;
  readonly stability: OdeStabilitySettings;
}

/**
 * The state of a stable block: one power-iteration vector per control slice, `power`
 * `[M, ...features]` (unit-normal draws; renormalised before use).
 *
 * @param featureShape - The block's feature shape `[d]` or `[H, W, c]`.
 * @param controls - `M`.
 * @returns The state's infos.
 * @example
 * ```ts
 * stabilityStateInfos([28, 28, 16], 8); // [{ path: 'power', shape: [8, 28, 28, 16], … }]
 * ```
 */
export function stabilityStateInfos(
  featureShape: readonly number[],
  controls: number,
): ParamInfo[] {
  return [
    {
      path: 'power',
      shape: [controls, ...featureShape],
      role: 'control-stack',
      init: { kind: 'normal', std: 1 },
    },
  ];
}

/** The operator of one slice and its adjoint, on a batch of one vector `[1, ...features]`. */
function sliceOperator(
  operator: 'K' | 'K-KT',
  K: tf.Tensor,
  featureShape: readonly number[],
): { apply: (v: tf.Tensor) => tf.Tensor; adjoint: (u: tf.Tensor) => tf.Tensor } {
  if (operator === 'K-KT') {
    const A =
      K.rank === 2
        ? antisymmetricDense(K as tf.Tensor2D)
        : antisymmetricConvKernel(K as tf.Tensor4D);
    const apply = (v: tf.Tensor): tf.Tensor => applyK(v, A, 'stability bound');
    return { apply, adjoint: (u) => tf.neg(apply(u)) };
  }
  return {
    apply: (v) => applyK(v, K, 'stability bound'),
    adjoint: (u) => applyKT(u, K, [1, ...featureShape], 'stability bound'),
  };
}

const unit = (v: tf.Tensor): tf.Tensor => tf.div(v, tf.add(tf.norm(v), 1e-30));

/**
 * One slice's norm estimate: `iterations` power steps on `OᵀO` from `v` with a constant copy of
 * the weights (the vector carries no gradient), then `σ = ‖O v‖` with the weights themselves, so
 * the rescaling is differentiable (as in spectral normalisation).
 */
function sliceNorm(
  operator: 'K' | 'K-KT',
  K: tf.Tensor,
  v0: tf.Tensor,
  featureShape: readonly number[],
  iterations: number,
): { sigma: tf.Scalar; v: tf.Tensor } {
  const frozen = tf.tensor(K.dataSync(), K.shape);
  const fixed = sliceOperator(operator, frozen, featureShape);
  let v = unit(v0);
  for (let i = 0; i < iterations; i++) v = unit(fixed.adjoint(fixed.apply(v)));
  const vConst = tf.tensor(v.dataSync(), v.shape);
  const sigma = tf.norm(sliceOperator(operator, K, featureShape).apply(vConst)) as tf.Scalar;
  return { sigma, v: vConst };
}

/** The identity as a kernel: `[d, d]` for dense blocks, the centre tap of `[k, k, c, c]` for convolutions. */
function identityKernel(shape: readonly number[]): tf.Tensor {
  if (shape.length === 2) return tf.eye(shape[0] as number);
  const [k, , c] = shape as [number, number, number, number];
  const centre = (k - 1) / 2;
  const taps = tf.buffer([k, k, c, c]);
  for (let i = 0; i < c; i++) taps.set(1, centre, centre, i, i);
  return taps.toTensor();
}

/**
 * A stable block's effective weights (docs: /guide/stability#stable-training): for each control
 * slice `j`, the norm `σ_j` of its bounded operator ({@link spectralBound}: `K_j`, or
 * `K_j − K_jᵀ` for antisymmetric blocks) is estimated by power iteration warm-started from the
 * state's vector, and `K_j` is scaled by `min(1, ρ/σ_j)`; ResNet blocks then subtract `c·I`
 * (shift `'full'`: `c = ρ`; `'norm'`: the cap is `0.95ρ` and `c_j` is the scaled norm over 0.95,
 * differentiable in `K_j`).
 * The other weights are copied. Creates tensors in the caller's scope.
 *
 * @param layer - A bound ODE layer with a `stability` setting.
 * @param params - Its controls `{ K: [M, ...], b: [M, ...] }`.
 * @param state - Its state `{ power: [M, ...features] }`.
 * @returns The effective controls and the new state.
 * @throws {@link @runge/tensor-ops!ConfigError} when the layer has no stability setting or no state.
 * @example
 * ```ts
 * const { params: effective } = stableControls(model.layers[1], params.ode_1, state.ode_1);
 * ```
 */
export function stableControls(
  layer: Layer,
  params: TensorTree,
  state: TensorTree | undefined,
): { params: TensorTree; state: TensorTree; norms: number[] } {
  const s = layer.config as unknown as StableBlock;
  if (!s.stability) {
    throw new ConfigError(`${layer.name}: the block has no stability setting`);
  }
  const power = (state as { power?: tf.Tensor } | undefined)?.power;
  if (!power) {
    throw new ConfigError(
      `${layer.name}: a stable ODE block needs its state { power }; pass the state returned by init() (and by the previous apply in training)`,
    );
  }
  const bound = spectralBound({ ...s, ...s.stability });
  const { K, ...rest } = params as { K: tf.Tensor } & Record<string, TensorTree>;
  const M = K.shape[0] as number;
  const featureShape = layer.inputShape;
  const sliceShape = K.shape.slice(1);
  const kernels: tf.Tensor[] = [];
  const vectors: tf.Tensor[] = [];
  const norms: number[] = [];
  const identity = bound.shift > 0 ? identityKernel(sliceShape) : null;
  const followNorm = identity !== null && s.stability.shift === 'norm';
  // A fixed shift is the same for every slice; one that follows the norm is made per slice.
  const fixedShift = identity !== null && !followNorm ? tf.mul(identity, bound.shift) : null;
  // With the shift following the norm, ‖K̂‖ ≤ 0.95ρ so that c = ‖K̂‖/0.95 stays ≤ ρ.
  const cap = followNorm ? NORM_ESTIMATE_ROOM * bound.limit : bound.limit;
  for (let j = 0; j < M; j++) {
    const Kj = tf.squeeze(tf.slice(K, [j], [1]), [0]);
    const v0 = tf.slice(power, [j], [1]);
    const { sigma, v } = sliceNorm(bound.operator, Kj, v0, featureShape, s.stability.iterations);
    norms.push(sigma.dataSync()[0] as number);
    const scale = tf.minimum(1, tf.div(cap, tf.add(sigma, 1e-30)));
    let effective = tf.mul(Kj, scale);
    if (fixedShift) effective = tf.sub(effective, fixedShift);
    else if (followNorm && identity) {
      const c = tf.div(tf.mul(sigma, scale), NORM_ESTIMATE_ROOM);
      effective = tf.sub(effective, tf.mul(identity, c));
    }
    kernels.push(effective);
    vectors.push(v);
  }
  return {
    // The other weights are copied, so the result is owned by the caller as a whole.
    params: {
      ...(treeMap((leaf) => tf.clone(leaf), rest as TensorTree) as object),
      K: tf.stack(kernels),
    } as TensorTree,
    state: { power: tf.concat(vectors) },
    norms,
  };
}

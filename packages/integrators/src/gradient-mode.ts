// Gradient modes of a solve: their names, their values (a mode with its own settings) and the rule that ties them to methods.
import { assertNumber, ValueError } from '@runge/tensor-ops';

/**
 * The names of the gradient modes, in the order the documentation lists them.
 *
 * @example
 * ```ts
 * GRADIENT_MODES.includes('adjoint'); // true
 * ```
 */
export const GRADIENT_MODES = Object.freeze([
  'backprop',
  'checkpoint',
  'adjoint',
  'reversible',
] as const);

/** A name of {@link GRADIENT_MODES}. */
export type GradientModeName = (typeof GRADIENT_MODES)[number];

/**
 * A gradient mode as a value, carrying the settings that belong to that mode only:
 * - `{ mode: 'backprop' }`: differentiate through every step (the exact gradient of the discrete
 *   solution; memory grows with the number of steps `N`);
 * - `{ mode: 'checkpoint', every? }`: store every `k`-th state (default `k = ⌈√N⌉`), recompute the
 *   others during the backward pass (the same gradient; memory like `N/k + k`);
 * - `{ mode: 'adjoint' }`: solve the continuous adjoint ODE `λ' = −(∂f/∂y)ᵀ λ` backwards (memory
 *   independent of `N`; an approximation of the discrete gradient that improves with the step,
 *   except for leapfrog, whose adjoint solved with leapfrog is the discrete gradient itself);
 * - `{ mode: 'reversible' }`: for exactly invertible schemes (leapfrog), reconstruct the states
 *   backwards instead of storing them (the backprop gradient; memory independent of `N`).
 *
 * In JSON configurations the same object is written as is, e.g. `{ "mode": "checkpoint", "every": 4 }`.
 */
export type GradientSpec =
  | { readonly mode: 'backprop' }
  | { readonly mode: 'checkpoint'; readonly every?: number }
  | { readonly mode: 'adjoint' }
  | { readonly mode: 'reversible' };

/**
 * How gradients of a solution reach `y0` and the parameters: a mode name (the mode with its
 * defaults) or a {@link GradientSpec} value such as `checkpoint({ every: 4 })`.
 *
 * For every mode but `'backprop'`, gradients flow to `y0` and to `params`/`controls` only; tensors
 * captured in `f`'s closure are treated as constants.
 */
export type GradientMode = GradientModeName | GradientSpec;

/**
 * The checkpointing gradient mode with its setting: store every `every`-th state of the forward
 * pass and recompute the others in the backward pass. The gradient equals backprop's; memory
 * grows like `N/k + k` for `N` steps (default `k = ⌈√N⌉`, adaptive solves keep `k ≈ √N`).
 *
 * @param options - `every`: the spacing `k ≥ 1` of stored states; default `⌈√N⌉`.
 * @returns The mode value for `solve`'s `gradient` option (and ODE block configs).
 * @throws {@link @runge/tensor-ops!ValueError} when `every` is not a positive integer.
 * @example
 * ```ts
 * solve({ f, y0, steps: 64, gradient: checkpoint({ every: 8 }) });
 * ```
 */
export function checkpoint(options: { readonly every?: number } = {}): GradientSpec {
  if (options.every === undefined) return { mode: 'checkpoint' };
  return {
    mode: 'checkpoint',
    every: assertNumber(options.every, 'checkpoint every', { integer: true, min: 1 }),
  };
}

/**
 * Reads a gradient mode (a name or a {@link GradientSpec} object) and checks it against the
 * method: `'reversible'` needs the exactly invertible leapfrog scheme.
 *
 * @param value - The mode as given (`undefined` means `'backprop'`).
 * @param method - The name of the method it will run with.
 * @param name - How to name the value in messages; default `'gradient'`.
 * @returns The mode as a value.
 * @throws {@link @runge/tensor-ops!ValueError} for an unknown mode, unknown keys, a bad `every`,
 *   or `'reversible'` with a method other than leapfrog.
 * @example
 * ```ts
 * resolveGradient('checkpoint', 'rk4'); // { mode: 'checkpoint' }
 * resolveGradient({ mode: 'checkpoint', every: 4 }, 'euler'); // { mode: 'checkpoint', every: 4 }
 * resolveGradient('reversible', 'euler'); // throws: reversible needs leapfrog
 * ```
 */
export function resolveGradient(value: unknown, method: string, name = 'gradient'): GradientSpec {
  const spec = readGradient(value, name);
  if (spec.mode === 'reversible' && method !== 'leapfrog') {
    throw new ValueError(
      `${name}: 'reversible' needs an exactly invertible scheme, method 'leapfrog' with partitioned (Hamiltonian) dynamics (got '${method}'); with Runge–Kutta methods use 'checkpoint' (the same gradient as backprop, memory O(√N)) or 'adjoint'`,
    );
  }
  return spec;
}

function readGradient(value: unknown, name: string): GradientSpec {
  const modes = GRADIENT_MODES.map((m) => `'${m}'`).join(', ');
  if (value === undefined) return { mode: 'backprop' };
  if (typeof value === 'string') {
    if (!(GRADIENT_MODES as readonly string[]).includes(value)) {
      throw new ValueError(`${name}: unknown mode '${value}'; expected one of ${modes}`);
    }
    return { mode: value as GradientModeName };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValueError(
      `${name}: expected a mode name (${modes}) or an object such as { mode: 'checkpoint', every: 4 }, got ${JSON.stringify(value)}`,
    );
  }
  const o = value as Record<string, unknown>;
  if (o.mode === undefined) {
    throw new ValueError(`${name}.mode: missing; give one of ${modes}`);
  }
  const mode = readGradient(o.mode, `${name}.mode`).mode;
  const allowed = mode === 'checkpoint' ? ['mode', 'every'] : ['mode'];
  const extra = Object.keys(o).filter((k) => !allowed.includes(k));
  if (extra.length > 0) {
    throw new ValueError(
      `${name}: ${extra.map((k) => `'${k}'`).join(', ')} do${extra.length === 1 ? 'es' : ''} not apply to mode '${mode}'${mode === 'checkpoint' ? '' : " ('every' belongs to 'checkpoint')"}; allowed keys: ${allowed.join(', ')}`,
    );
  }
  if (mode === 'checkpoint') {
    return o.every === undefined
      ? { mode }
      : { mode, every: assertNumber(o.every, `${name}.every`, { integer: true, min: 1 }) };
  }
  return { mode };
}

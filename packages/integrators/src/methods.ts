import { ValueError } from '@runge/tensor-ops';
import { DOPRI5, FIXED_STEP_TABLEAUX, validateTableau } from './tableaux.js';
import type { ButcherTableau, Method } from './types.js';

/**
 * The names `solve` accepts for `method` (a {@link ButcherTableau} object is accepted too).
 *
 * @example
 * ```ts
 * METHOD_NAMES.includes('rk4'); // true
 * ```
 */
export const METHOD_NAMES = Object.freeze([
  'euler',
  'midpoint',
  'heun',
  'rk4',
  'dopri5',
  'leapfrog',
] as const);

/** A name of {@link METHOD_NAMES}. */
export type MethodName = (typeof METHOD_NAMES)[number];

/** A method after validation: an explicit RK tableau or leapfrog. */
export type ResolvedMethod =
  | {
      readonly kind: 'rk';
      readonly name: string;
      readonly order: number;
      readonly tableau: ButcherTableau;
      /** Whether the tableau has an embedded pair (adaptive unless steps/dt are given). */
      readonly embedded: boolean;
    }
  | { readonly kind: 'leapfrog'; readonly name: 'leapfrog'; readonly order: 2 };

/**
 * Resolves a method name or a user's tableau (validated with {@link validateTableau}).
 *
 * @throws {@link @runge/tensor-ops!ValueError} listing the allowed names for an unknown one.
 */
export function resolveMethod(method: unknown, name = 'method'): ResolvedMethod {
  if (typeof method === 'string') {
    if (method === 'leapfrog') return { kind: 'leapfrog', name: 'leapfrog', order: 2 };
    if (method === 'dopri5') {
      return { kind: 'rk', name: 'dopri5', order: 5, tableau: DOPRI5, embedded: true };
    }
    const tableau = (FIXED_STEP_TABLEAUX as Record<string, ButcherTableau | undefined>)[method];
    if (tableau !== undefined) {
      return { kind: 'rk', name: method, order: tableau.order, tableau, embedded: false };
    }
    throw new ValueError(
      `${name}: unknown '${method}'; expected one of ${METHOD_NAMES.map((m) => `'${m}'`).join(', ')}, or a ButcherTableau object`,
    );
  }
  const tableau = validateTableau(method, name);
  return {
    kind: 'rk',
    name: tableau.name,
    order: tableau.order,
    tableau,
    embedded: tableau.bHat !== undefined,
  };
}

/**
 * The classical order of a method (the slope of log(error) against log(h)).
 *
 * @param method - A method name or tableau.
 * @returns `p` such that the global error is `O(h^p)`.
 * @throws {@link @runge/tensor-ops!ValueError} for an unknown method.
 * @example
 * ```ts
 * methodOrder('rk4'); // 4
 * methodOrder('leapfrog'); // 2
 * ```
 */
export function methodOrder(method: Method): number {
  return resolveMethod(method).order;
}

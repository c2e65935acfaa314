// The parameter declarations of the recurrent cells: input and recurrent weights and biases, per gate.

import type { ParamInfo } from '../layer.js';
import { weightInit } from './init.js';

/** The input weight `[d, k·n]` (Glorot for one gate, fans `d` and `n`). */
export function inputWeight<K extends string>(
  path: K,
  d: number,
  n: number,
  gates: number,
): ParamInfo & { readonly path: K } {
  return { path, shape: [d, gates * n], role: 'dense', init: weightInit('glorot', d, n) };
}

/** A recurrent weight `[n, k·n]`: `N(0, 1/n)` entries, so `h U` keeps the scale of `h`. */
export function recurrentWeight<K extends string>(
  path: K,
  n: number,
  gates: number,
): ParamInfo & { readonly path: K } {
  return {
    path,
    shape: [n, gates * n],
    role: 'dense',
    init: { kind: 'normal', std: 1 / Math.sqrt(n) },
  };
}

/** A bias `[k·n]` of zeros. */
export function cellBias<K extends string>(
  path: K,
  n: number,
  gates: number,
): ParamInfo & { readonly path: K } {
  return { path, shape: [gates * n], role: 'bias', init: { kind: 'constant', value: 0 } };
}

/**
 * The weights of a cell whose `k` gates each see `x W_g + h U_g + b_g`: the gates side by side in
 * the columns of `W: [d, k·n]` (Glorot), `U: [n, k·n]` (`N(0, 1/n)`) and `b: [k·n]` (zeros).
 */
export function gateWeights(
  d: number,
  n: number,
  gates: number,
): [
  ParamInfo & { readonly path: 'W' },
  ParamInfo & { readonly path: 'U' },
  ParamInfo & { readonly path: 'b' },
] {
  return [inputWeight('W', d, n, gates), recurrentWeight('U', n, gates), cellBias('b', n, gates)];
}

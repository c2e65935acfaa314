import {
  assertNumber,
  assertOneOf,
  Rng,
  type TensorTree,
  treeFlatten,
  ValueError,
} from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { checkDerivative } from './internal/state.js';
import { gradientsOf } from './internal/vjp.js';
import type { Complex } from './stability-function.js';
import type { Dynamics } from './types.js';

/** Options of {@link jacobianSpectrum}. */
export interface JacobianSpectrumOptions {
  /**
   * `'exact'` (default): build `J` with one vector–Jacobian product per row and take all its
   * eigenvalues (small states); `'power'`: block power (subspace) iteration for the `k` eigenvalues
   * of largest modulus; `'arnoldi'`: Arnoldi's method (Krylov subspace of dimension `krylov`) for
   * the `k` Ritz values of largest modulus. The iterative methods are matrix-free.
   */
  readonly method?: 'exact' | 'power' | 'arnoldi';
  /** How many eigenvalues (largest modulus first) the iterative methods return; default 6. */
  readonly k?: number;
  /** `'arnoldi'`: dimension of the Krylov subspace; default `min(n, max(2k + 20, 40))`. */
  readonly krylov?: number;
  /** `'power'`: iterations; default 300. */
  readonly iterations?: number;
  /** Seed of the random start vectors; default 0. */
  readonly seed?: number;
}

/** The (estimated) spectrum of the Jacobian of the dynamics. */
export interface JacobianSpectrum {
  /** Eigenvalues, largest modulus first (all `n` for `'exact'`, `k` otherwise). */
  readonly eigenvalues: Complex[];
  /** `max |λ|` over the returned eigenvalues. */
  readonly spectralRadius: number;
  /** `max Re λ` over the returned eigenvalues (> 0: locally unstable; < 0: contracting). */
  readonly maxRealPart: number;
  /** The state dimension `n` (all entries of all leaves, batch included). */
  readonly dimension: number;
  readonly method: 'exact' | 'power' | 'arnoldi';
}

/**
 * `v ↦ Jᵀ v` for the Jacobian `J = ∂f/∂y` at `(t, y, θ)`, one taped evaluation of `f` per product,
 * on flat float64 vectors (the state's leaves concatenated in canonical order). `Jᵀ` has the
 * same eigenvalues as `J`, so the iterative methods work with these exact products.
 */
function vjpOperator<Y extends TensorTree, P extends TensorTree>(
  f: Dynamics<Y, P>,
  t: number,
  y: Y,
  params: P,
): { n: number; apply: (v: Float64Array) => Float64Array } {
  const { leaves, unflatten } = treeFlatten(y);
  const n = leaves.reduce((acc, x) => acc + x.size, 0);
  const apply = (v: Float64Array): Float64Array => {
    const g = tf.tidy(() => {
      let offset = 0;
      const w = leaves.map((leaf) => {
        const part = tf.tensor(
          Float32Array.from(v.subarray(offset, offset + leaf.size)),
          leaf.shape,
          'float32',
        );
        offset += leaf.size;
        return part;
      });
      const { value, grads } = gradientsOf(() => {
        const out = checkDerivative(
          treeFlatten(f(t, unflatten(leaves), params)).leaves,
          leaves,
          'f',
        );
        const parts = out.map((o, i) => tf.sum(tf.mul(o, w[i] as tf.Tensor)));
        return (parts.length === 1 ? parts[0] : tf.addN(parts)) as tf.Scalar;
      }, leaves);
      value.dispose();
      return tf.concat(grads.map((x) => tf.reshape(x, [-1])));
    });
    const out = Float64Array.from(g.dataSync());
    g.dispose();
    return out;
  };
  return { n, apply };
}

/**
 * The Jacobian `J = ∂f/∂y` of the dynamics at `(t, y, θ)` as a dense `n × n` matrix over the
 * flattened state (all entries of all leaves in canonical order, batch included), built row by
 * row from `n` vector–Jacobian products: row `i` is `e_iᵀ J`. For `f = σ(K y + b)` it is
 * `diag(σ'(K y + b)) K` (block diagonal over a batch).
 *
 * @param f - The dynamics.
 * @param t - The time.
 * @param y - The state (kept small: `n` products are needed).
 * @param params - The parameters passed to `f`.
 * @returns `J` as rows of numbers.
 * @throws {@link @runge/tensor-ops!ValueError} when the state has more than 4096 entries (use an iterative estimate).
 * @example
 * ```ts
 * const J = jacobian((t, y, { K }) => tf.tanh(tf.matMul(y, K, false, true)), 0, y, { K });
 * ```
 */
export function jacobian<Y extends TensorTree, P extends TensorTree = TensorTree>(
  f: Dynamics<Y, P>,
  t: number,
  y: Y,
  params: P = {} as P,
): number[][] {
  const op = vjpOperator(f, t, y, params);
  if (op.n > 4096) {
    throw new ValueError(
      `jacobian: the state has ${op.n} entries; a dense Jacobian needs as many gradient evaluations. Use jacobianSpectrum with method 'arnoldi' or 'power'`,
    );
  }
  const rows: number[][] = [];
  const e = new Float64Array(op.n);
  for (let i = 0; i < op.n; i++) {
    e.fill(0);
    e[i] = 1;
    rows.push(Array.from(op.apply(e)));
  }
  return rows;
}

function sortByModulus(values: Complex[]): Complex[] {
  return values.sort(
    (a, b) => Math.hypot(b.re, b.im) - Math.hypot(a.re, a.im) || b.re - a.re || b.im - a.im,
  );
}

function eigenvaluesOf(m: number[][]): Complex[] {
  const evd = new EigenvalueDecomposition(new Matrix(m));
  return evd.realEigenvalues.map((re, i) => ({ re, im: evd.imaginaryEigenvalues[i] as number }));
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

/** Orthonormalises `w` against `basis` (Gram–Schmidt, applied twice); returns the coefficients. */
function orthogonalise(w: Float64Array, basis: readonly Float64Array[]): number[] {
  const coeffs = new Array<number>(basis.length).fill(0);
  for (let pass = 0; pass < 2; pass++) {
    basis.forEach((v, j) => {
      const c = dot(v, w);
      coeffs[j] = (coeffs[j] as number) + c;
      for (let i = 0; i < w.length; i++) w[i] = (w[i] as number) - c * (v[i] as number);
    });
  }
  return coeffs;
}

function randomVector(n: number, rng: Rng): Float64Array {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = rng.nextNormal();
  return v;
}

function summarise(
  eigenvalues: Complex[],
  n: number,
  method: JacobianSpectrum['method'],
): JacobianSpectrum {
  const sorted = sortByModulus(eigenvalues);
  return {
    eigenvalues: sorted,
    spectralRadius: sorted.reduce((m, z) => Math.max(m, Math.hypot(z.re, z.im)), 0),
    maxRealPart: sorted.reduce((m, z) => Math.max(m, z.re), Number.NEGATIVE_INFINITY),
    dimension: n,
    method,
  };
}

/**
 * Eigenvalues of the Jacobian `J = ∂f/∂y` of the dynamics at `(t, y, θ)` — the stability
 * diagnostic (docs: /math/stability#jacobians): `Re λ > 0` grows perturbations, `Re λ < 0` contracts them,
 * `Re λ = 0` keeps their energy, and a step `h` is stable when every `hλ` lies in the method's
 * stability region (see {@link maxStableStep}). `'exact'` builds `J` with `n` vector–Jacobian
 * products and eigen-decomposes it (ml-matrix); `'power'` (block power iteration with
 * Rayleigh–Ritz) and `'arnoldi'` (Arnoldi with full reorthogonalisation, Ritz values of the
 * Hessenberg matrix) estimate the `k` eigenvalues of largest modulus from products with `Jᵀ`
 * (which has the same eigenvalues), for states too large for a dense `J`.
 *
 * @param f - The dynamics.
 * @param t - The time.
 * @param y - The state (a batch is one big state: its Jacobian is block diagonal).
 * @param params - The parameters passed to `f`.
 * @param options - `method`, `k`, `krylov`, `iterations`, `seed`.
 * @returns Eigenvalues (largest modulus first), spectral radius, largest real part.
 * @throws {@link @runge/tensor-ops!ValueError} for invalid options or an `'exact'` request on a state above 4096 entries.
 * @example
 * ```ts
 * const { maxRealPart, spectralRadius } = jacobianSpectrum(f, 0, Y, params);
 * const h = maxStableStep('euler', jacobianSpectrum(f, 0, Y, params).eigenvalues);
 * ```
 */
export function jacobianSpectrum<Y extends TensorTree, P extends TensorTree = TensorTree>(
  f: Dynamics<Y, P>,
  t: number,
  y: Y,
  params: P = {} as P,
  options: JacobianSpectrumOptions = {},
): JacobianSpectrum {
  const method = assertOneOf(
    options.method ?? 'exact',
    ['exact', 'power', 'arnoldi'] as const,
    'method',
  );
  const k = assertNumber(options.k ?? 6, 'k', { integer: true, min: 1 });
  const seed = assertNumber(options.seed ?? 0, 'seed', { integer: true });
  if (method === 'exact') {
    const J = jacobian(f, t, y, params);
    return summarise(eigenvaluesOf(J), J.length, 'exact');
  }
  const op = vjpOperator(f, t, y, params);
  const n = op.n;
  const rng = Rng.fromSeed(seed);
  if (method === 'arnoldi') {
    const m = assertNumber(options.krylov ?? Math.min(n, Math.max(2 * k + 20, 40)), 'krylov', {
      integer: true,
      min: 1,
      max: n,
    });
    const basis: Float64Array[] = [];
    const v0 = randomVector(n, rng);
    const norm0 = Math.sqrt(dot(v0, v0));
    basis.push(v0.map((x) => x / norm0));
    const H: number[][] = Array.from({ length: m }, () => new Array<number>(m).fill(0));
    let size = m;
    for (let j = 0; j < m; j++) {
      const w = op.apply(basis[j] as Float64Array);
      const scale = Math.sqrt(dot(w, w));
      const coeffs = orthogonalise(w, basis);
      coeffs.forEach((c, i) => {
        (H[i] as number[])[j] = c;
      });
      const beta = Math.sqrt(dot(w, w));
      if (j + 1 === m) break;
      if (beta <= 1e-12 * Math.max(scale, 1e-300)) {
        // An invariant subspace: its Ritz values are exact eigenvalues.
        size = j + 1;
        break;
      }
      (H[j + 1] as number[])[j] = beta;
      basis.push(w.map((x) => x / beta));
    }
    const Hm = H.slice(0, size).map((row) => row.slice(0, size));
    return summarise(sortByModulus(eigenvaluesOf(Hm)).slice(0, k), n, 'arnoldi');
  }
  const p = Math.min(n, Math.max(k, 2));
  const iterations = assertNumber(options.iterations ?? 300, 'iterations', {
    integer: true,
    min: 1,
  });
  let V: Float64Array[] = [];
  for (let j = 0; j < p; j++) {
    const v = randomVector(n, rng);
    orthogonalise(v, V);
    const nv = Math.sqrt(dot(v, v));
    V.push(v.map((x) => x / nv));
  }
  let ritz: Complex[] = [];
  for (let it = 0; it < iterations; it++) {
    const W = V.map((v) => op.apply(v));
    const B = V.map((vi) => W.map((wj) => dot(vi, wj)));
    const next = sortByModulus(eigenvaluesOf(B));
    const change =
      ritz.length === next.length
        ? Math.max(
            ...next.map((z, i) =>
              Math.hypot(z.re - (ritz[i] as Complex).re, z.im - (ritz[i] as Complex).im),
            ),
          )
        : Number.POSITIVE_INFINITY;
    ritz = next;
    const scale = Math.max(1e-300, ...next.map((z) => Math.hypot(z.re, z.im)));
    const Q: Float64Array[] = [];
    for (const w of W) {
      orthogonalise(w, Q);
      const nw = Math.sqrt(dot(w, w));
      Q.push(nw > 0 ? w.map((x) => x / nw) : randomVector(n, rng));
    }
    V = Q;
    if (change <= 1e-10 * scale) break;
  }
  return summarise(ritz.slice(0, k), n, 'power');
}

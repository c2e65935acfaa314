// The recurrent cells' steps written out by hand in plain float64 arrays (column-vector
// formulas, index by index), for the tests to compare against.

/** Plain parameters of a cell: matrices as nested arrays, biases as arrays. */
export interface PlainParams {
  readonly [key: string]: number[][] | number[];
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** `Σ_k x_k M[k][col]`. */
function dot(x: readonly number[], M: number[][], col: number): number {
  let s = 0;
  for (let k = 0; k < x.length; k++) s += (x[k] as number) * (M[k]?.[col] as number);
  return s;
}

/** One step of `cell` for one example, from the formulas in the cells' documentation. */
export function referenceStep(
  cell: string,
  p: PlainParams,
  x: readonly number[],
  state: readonly number[][],
  settings: { epsilon?: number; gamma?: number } = {},
): number[][] {
  const h = state[0] as number[];
  const n = h.length;
  const W = p.W as number[][];
  const b = p.b as number[];
  const idx = Array.from({ length: n }, (_, j) => j);
  if (cell === 'rnn') {
    const U = p.U as number[][];
    return [idx.map((j) => Math.tanh(dot(x, W, j) + dot(h, U, j) + (b[j] as number)))];
  }
  if (cell === 'gru') {
    const U = p.U as number[][];
    const z = idx.map((j) => sigmoid(dot(x, W, j) + dot(h, U, j) + (b[j] as number)));
    const r = idx.map((j) => sigmoid(dot(x, W, n + j) + dot(h, U, n + j) + (b[n + j] as number)));
    const rh = idx.map((j) => (r[j] as number) * (h[j] as number));
    const cand = idx.map((j) =>
      Math.tanh(dot(x, W, 2 * n + j) + dot(rh, U, 2 * n + j) + (b[2 * n + j] as number)),
    );
    return [
      idx.map(
        (j) => (1 - (z[j] as number)) * (h[j] as number) + (z[j] as number) * (cand[j] as number),
      ),
    ];
  }
  if (cell === 'lstm') {
    const U = p.U as number[][];
    const c = state[1] as number[];
    const pre = (g: number, j: number) =>
      dot(x, W, g * n + j) + dot(h, U, g * n + j) + (b[g * n + j] as number);
    const cNext = idx.map(
      (j) => sigmoid(pre(1, j)) * (c[j] as number) + sigmoid(pre(0, j)) * Math.tanh(pre(2, j)),
    );
    const hNext = idx.map((j) => sigmoid(pre(3, j)) * Math.tanh(cNext[j] as number));
    return [hNext, cNext];
  }
  // Antisymmetric cells, column form: M = W − Wᵀ − γI, (M h)_i = Σ_j M_ij h_j.
  const eps = settings.epsilon as number;
  const gamma = settings.gamma as number;
  const V = p.V as number[][];
  const Mh = idx.map((i) => {
    let s = 0;
    for (let j = 0; j < n; j++) {
      const m = (W[i]?.[j] as number) - (W[j]?.[i] as number) - (i === j ? gamma : 0);
      s += m * (h[j] as number);
    }
    return s;
  });
  if (cell === 'antisymmetric') {
    return [
      idx.map(
        (i) =>
          (h[i] as number) + eps * Math.tanh((Mh[i] as number) + dot(x, V, i) + (b[i] as number)),
      ),
    ];
  }
  const z = idx.map((i) => sigmoid((Mh[i] as number) + dot(x, V, i) + (b[i] as number)));
  return [
    idx.map(
      (i) =>
        (h[i] as number) +
        eps *
          (z[i] as number) *
          Math.tanh((Mh[i] as number) + dot(x, V, n + i) + (b[n + i] as number)),
    ),
  ];
}

/** The unrolled recurrence for one example from zeros: the hidden state after each step. */
export function referenceRun(
  cell: string,
  p: PlainParams,
  xs: readonly (readonly number[])[],
  n: number,
  settings: { epsilon?: number; gamma?: number } = {},
): number[][] {
  let state: number[][] =
    cell === 'lstm' ? [new Array(n).fill(0), new Array(n).fill(0)] : [new Array(n).fill(0)];
  const hs: number[][] = [];
  for (const x of xs) {
    state = referenceStep(cell, p, x, state, settings);
    hs.push(state[0] as number[]);
  }
  return hs;
}

// Reference computations the optimiser tests compare with: dense linear solves and SPD test matrices, in float64.

/** Solves A x = b by Gaussian elimination with partial pivoting (float64), for reference. */
export function gaussSolve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i] as number]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    [M[c], M[p]] = [M[p]!, M[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = M[r]![c]! / M[c]![c]!;
      for (let k = c; k <= n; k++) M[r]![k]! -= f * M[c]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= M[r]![k]! * x[k]!;
    x[r] = s / M[r]![r]!;
  }
  return x;
}

/** A = MᵀM + I with M_ij = sin(1 + i + 2j): a symmetric positive definite n × n matrix. */
export function spdMatrix(n: number): number[][] {
  const M = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => Math.sin(1 + i + 2 * j)),
  );
  return M.map((_, i) =>
    M.map(
      (_, j) =>
        M.reduce((s, row) => s + (row[i] as number) * (row[j] as number), 0) + (i === j ? 1 : 0),
    ),
  );
}

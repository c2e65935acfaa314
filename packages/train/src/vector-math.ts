// Dense float64 vector arithmetic for the second-order optimisers: dot products, norms and x + a·y.

/** `xᵀy`. */
export function dot(x: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] as number) * (y[i] as number);
  return s;
}

/** `‖x‖₂`. */
export function norm2(x: Float64Array): number {
  return Math.sqrt(dot(x, x));
}

/** `‖x‖∞`. */
export function normInf(x: Float64Array): number {
  let m = 0;
  for (const v of x) m = Math.max(m, Math.abs(v));
  return m;
}

/** A new vector `x + a·y`. */
export function axpy(x: Float64Array, a: number, y: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = (x[i] as number) + a * (y[i] as number);
  return out;
}

/** A new vector `a·x`. */
export function scaled(x: Float64Array, a: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = a * (x[i] as number);
  return out;
}

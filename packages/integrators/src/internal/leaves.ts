import * as tf from '@tensorflow/tfjs-core';

/** The leaves of a state or parameter tree in canonical order (see `treeFlatten`). */
export type Leaves = tf.Tensor[];

/** A linear-combination term `c · x` over leaves. */
export type Term = readonly [number, Leaves];

/**
 * Leaf-wise `y + Σ_j c_j x_j` (zero coefficients skipped). Always returns new tensors, so the
 * caller owns the result independently of `y`.
 */
export function axpy(y: Leaves, terms: readonly Term[]): Leaves {
  const used = terms.filter(([c]) => c !== 0);
  return y.map((yi, i) => {
    if (used.length === 0) return tf.clone(yi);
    // A coefficient 1 adds the leaf as it is (a stage evaluated already scaled).
    const scaled = used.map(([c, x]) =>
      c === 1 ? (x[i] as tf.Tensor) : tf.mul(x[i] as tf.Tensor, c),
    );
    return scaled.length === 1 ? tf.add(yi, scaled[0] as tf.Tensor) : tf.addN([yi, ...scaled]);
  });
}

/** Leaf-wise `Σ_j c_j x_j`, or `null` when every coefficient is zero. */
export function combine(terms: readonly Term[]): Leaves | null {
  const used = terms.filter(([c]) => c !== 0);
  const first = used[0];
  if (first === undefined) return null;
  return first[1].map((_, i) => {
    const scaled = used.map(([c, x]) => tf.mul(x[i] as tf.Tensor, c));
    return scaled.length === 1 ? (scaled[0] as tf.Tensor) : tf.addN(scaled);
  });
}

/** Leaf-wise sum of two lists of leaves. */
export function addLeaves(a: Leaves, b: Leaves): Leaves {
  return a.map((x, i) => tf.add(x, b[i] as tf.Tensor));
}

/** `Σ_leaves Σ_entries a ⊙ b` as a scalar tensor. */
export function dotLeaves(a: Leaves, b: Leaves): tf.Scalar {
  const parts = a.map((x, i) => tf.sum(tf.mul(x, b[i] as tf.Tensor)));
  if (parts.length === 0) return tf.scalar(0);
  return (parts.length === 1 ? parts[0] : tf.addN(parts)) as tf.Scalar;
}

/** Disposes every leaf not in `keep`. */
export function disposeLeaves(leaves: readonly tf.Tensor[], keep?: ReadonlySet<tf.Tensor>): void {
  for (const leaf of leaves) if (!keep?.has(leaf)) leaf.dispose();
}

/** New handles on the same data (no copy). */
export function cloneLeaves(leaves: Leaves): Leaves {
  return leaves.map((x) => tf.clone(x));
}

/**
 * `tf.tidy` for a function returning any structure of tensors (records of leaves, stage results):
 * every tensor reachable from the result is kept, the rest released.
 */
export function tidy<T>(fn: () => T): T {
  return tf.tidy(fn as unknown as () => tf.TensorContainer) as unknown as T;
}

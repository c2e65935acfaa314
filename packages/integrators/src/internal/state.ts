import {
  DTypeError,
  formatShape,
  RungeError,
  ShapeError,
  type TensorTree,
  treeFlatten,
} from '@runge/tensor-ops';
import type * as tf from '@tensorflow/tfjs-core';
import type { Leaves } from './leaves.js';

/**
 * Checks that a right-hand side returned one tensor per state leaf with the leaf's shape, and
 * returns it. `f` must map the state tree to a tree of the same structure.
 */
export function checkDerivative(out: Leaves, y: Leaves, name: string): Leaves {
  if (out.length !== y.length) {
    throw new ShapeError(
      `${name}: returned a tree with ${out.length} tensor(s) for a state with ${y.length}; the derivative must have the structure of the state`,
    );
  }
  for (let i = 0; i < out.length; i++) {
    const o = out[i] as tf.Tensor;
    const s = y[i] as tf.Tensor;
    if (o.rank !== s.rank || o.shape.some((d, k) => d !== s.shape[k])) {
      throw new ShapeError(
        `${name}: derivative leaf ${i} has shape ${formatShape(o.shape)} but the state leaf has ${formatShape(s.shape)}; return one tensor per state tensor, of the same shape`,
      );
    }
    if (o.dtype !== 'float32') {
      throw new DTypeError(
        `${name}: derivative leaf ${i} has dtype '${o.dtype}'; expected 'float32'`,
      );
    }
  }
  return out;
}

/** Where the `q` and `p` leaves of a `{ q, p }` state sit in its canonical leaf order. */
export interface Partition {
  readonly qIdx: readonly number[];
  readonly pIdx: readonly number[];
}

/** Splits flat state leaves into the `q` and `p` halves. */
export function splitLeaves(partition: Partition, leaves: Leaves): [Leaves, Leaves] {
  return [
    partition.qIdx.map((i) => leaves[i] as tf.Tensor),
    partition.pIdx.map((i) => leaves[i] as tf.Tensor),
  ];
}

/** Joins `q` and `p` halves back into flat state leaves. */
export function joinLeaves(partition: Partition, q: Leaves, p: Leaves): Leaves {
  const out: tf.Tensor[] = new Array(partition.qIdx.length + partition.pIdx.length);
  partition.qIdx.forEach((i, k) => {
    out[i] = q[k] as tf.Tensor;
  });
  partition.pIdx.forEach((i, k) => {
    out[i] = p[k] as tf.Tensor;
  });
  return out;
}

/** The partition of a `{ q, p }` tree from its leaf paths (`'q'`, `'q.0'`, `'p.K'`, ...). */
export function partitionOf(paths: readonly string[]): Partition {
  const qIdx: number[] = [];
  const pIdx: number[] = [];
  paths.forEach((path, i) => {
    if (path === 'q' || path.startsWith('q.')) qIdx.push(i);
    else pIdx.push(i);
  });
  return { qIdx, pIdx };
}

function describeTree(leaves: Leaves): string {
  return leaves.length === 1
    ? formatShape((leaves[0] as tf.Tensor).shape)
    : `{${leaves.map((l) => formatShape(l.shape)).join(', ')}}`;
}

/**
 * Calls a right-hand side and turns a failure inside TF.js (a matMul or reshape that does not fit,
 * because the state or the parameters have the wrong shape) into a {@link ShapeError} that names
 * the arguments and their shapes; Runge's own errors pass through unchanged.
 */
export function callRhs(name: string, y: Leaves, params: TensorTree, fn: () => Leaves): Leaves {
  try {
    return fn();
  } catch (error) {
    if (error instanceof RungeError) throw error;
    const paramLeaves = treeFlatten(params).leaves;
    throw new ShapeError(
      `${name} failed on the state of shape ${describeTree(y)}${paramLeaves.length > 0 ? ` with parameters of shapes ${describeTree(paramLeaves)}` : ''} (${(error as Error).message}); check that y0 has the shape ${name} expects (rank and width) and that params/controls have the shapes ${name} uses`,
      { cause: error },
    );
  }
}

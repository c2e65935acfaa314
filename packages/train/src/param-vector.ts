// A parameter tree as one flat vector: the tree ↔ Float64Array maps the second-order optimisers work with, and a loss of a tree as a function of that vector.
import {
  StructureError,
  type TensorTree,
  treeDispose,
  treeFlatten,
  treeLeaves,
} from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';

/** A value and its gradient at a point, both as plain numbers (float64). */
export interface VectorEvaluation {
  /** `f(x)`. */
  readonly value: number;
  /** `∇f(x)`, the same length as `x`. */
  readonly grad: Float64Array;
}

/** A differentiable function of a flat vector: `x ↦ (f(x), ∇f(x))`. */
export type VectorObjective = (x: Float64Array) => VectorEvaluation;

/** The flat-vector view of trees shaped like one tree (see {@link paramVector}). */
export interface ParamVector<P extends TensorTree> {
  /** Number of entries `n` (the sum of the leaves' sizes). */
  readonly size: number;
  /** The leaves of `tree` concatenated in tree order, as a float64 vector of length `n`. */
  toVector(tree: P): Float64Array;
  /** New float32 tensors shaped like the template, filled from `x` (the caller owns them). */
  toTree(x: Float64Array): P;
}

/**
 * The flat-vector view of parameter trees shaped like `like`: `toVector` concatenates the leaves
 * (in the order of `treeLeaves`) into one vector `x ∈ ℝⁿ`, `toTree` is its inverse. Second-order
 * methods (L-BFGS, Newton–CG, Gauss–Newton) keep their iterates and search directions as such
 * vectors in float64, while the loss and its gradient are evaluated by TF.js.
 *
 * @param like - A tree whose structure and leaf shapes the vectors stand for (not retained).
 * @returns The two maps and `n`.
 * @example
 * ```ts
 * const view = paramVector({ w: tf.zeros([2, 3]), b: tf.zeros([3]) }); // view.size = 9
 * const tree = view.toTree(new Float64Array(9).fill(1)); // { w: ones [2, 3], b: ones [3] }
 * ```
 */
export function paramVector<P extends TensorTree>(like: P): ParamVector<P> {
  const shapes = treeLeaves(like).map((t) => t.shape.slice());
  const sizes = shapes.map((s) => s.reduce((a, b) => a * b, 1));
  const size = sizes.reduce((a, b) => a + b, 0);
  const structure = like;
  return {
    size,
    toVector(tree) {
      const leaves = treeLeaves(tree);
      if (leaves.length !== shapes.length) {
        throw new StructureError(
          `paramVector: expected a tree of ${shapes.length} leaves, got ${leaves.length}; pass trees shaped like the template`,
        );
      }
      const x = new Float64Array(size);
      let offset = 0;
      leaves.forEach((leaf, i) => {
        if (leaf.size !== sizes[i]) {
          throw new StructureError(
            `paramVector: leaf ${i} has ${leaf.size} entries, the template ${sizes[i]}; pass trees shaped like the template`,
          );
        }
        x.set(leaf.dataSync(), offset);
        offset += leaf.size;
      });
      return x;
    },
    toTree(x) {
      if (x.length !== size) {
        throw new StructureError(
          `paramVector: expected a vector of length ${size}, got ${x.length}`,
        );
      }
      let offset = 0;
      const leaves = shapes.map((shape, i) => {
        const n = sizes[i] as number;
        const t = tf.tensor(Float32Array.from(x.subarray(offset, offset + n)), shape, 'float32');
        offset += n;
        return t;
      });
      return treeFlatten(structure).unflatten(leaves);
    },
  };
}

/**
 * A loss-and-gradient function of parameter trees (such as an optimiser's
 * `UpdateContext.valueAndGrad`, whose results the caller owns) as a {@link VectorObjective}:
 * both are read back as float64 and disposed.
 *
 * @param valueAndGrad - `θ ↦ (L(θ), ∇L(θ))` as new tensors.
 * @param view - The vector view of the trees.
 * @returns The objective on `ℝⁿ`.
 * @example
 * ```ts
 * const fg = treeObjective(ctx.valueAndGrad, paramVector(params));
 * ```
 */
export function treeObjective<P extends TensorTree>(
  valueAndGrad: (params: P) => { value: tf.Scalar; grads: P },
  view: ParamVector<P>,
): VectorObjective {
  return (x) => {
    const tree = view.toTree(x);
    try {
      const { value, grads } = valueAndGrad(tree);
      const v = value.dataSync()[0] as number;
      value.dispose();
      const grad = view.toVector(grads);
      treeDispose(grads);
      return { value: v, grad };
    } finally {
      treeDispose(tree);
    }
  };
}

/**
 * A scalar loss of a parameter tree as a {@link VectorObjective}: `x ↦ (L(θ(x)), ∇L(θ(x)))`, the
 * gradient by TF.js reverse-mode autodiff. Every tensor made during an evaluation is released.
 *
 * @param loss - The loss of a tree shaped like `like`, returning a scalar tensor.
 * @param view - The vector view of that tree ({@link paramVector}).
 * @returns The objective on `ℝⁿ`.
 * @example
 * ```ts
 * const view = paramVector(params);
 * const fg = vectorObjective((p) => tf.sum(tf.square(p.w)), view);
 * const { value, grad } = fg(view.toVector(params));
 * ```
 */
export function vectorObjective<P extends TensorTree>(
  loss: (params: P) => tf.Scalar,
  view: ParamVector<P>,
): VectorObjective {
  return (x) => {
    const tree = view.toTree(x);
    const { leaves, unflatten } = treeFlatten(tree);
    try {
      const { value, grads } = tf.valueAndGrads((...xs: tf.Tensor[]) => loss(unflatten(xs)))(
        leaves,
      );
      const v = value.dataSync()[0] as number;
      value.dispose();
      const grad = new Float64Array(view.size);
      let offset = 0;
      for (const g of grads) {
        grad.set(g.dataSync(), offset);
        offset += g.size;
      }
      tf.dispose(grads);
      return { value: v, grad };
    } finally {
      tf.dispose(leaves);
    }
  };
}

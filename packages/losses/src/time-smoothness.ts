import {
  assertNumber,
  formatShape,
  isTensor,
  ShapeError,
  StructureError,
  type TensorTree,
  treeLeaves,
  treeMap,
} from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { assertFloat } from './internal/checks.js';
import { floatLeaves } from './internal/tree-leaves.js';

/**
 * Smoothness in time of the per-step weights `θ_0, …, θ_{N−1}` of a network read as a
 * discretised ODE (step size h): `Σ_{j=0}^{N−2} ‖θ_{j+1} − θ_j‖² / h`, i.e.
 * `h Σ_j ‖(θ_{j+1} − θ_j)/h‖²`, the discrete H¹ seminorm of `θ(t)`. Penalising it makes the
 * weights a smooth function of time, so the network stays a consistent discretisation when the
 * number of steps changes (multigrid in depth). A constant stack gives 0.
 *
 * @param stack - Either one float32 tensor with the step on axis 0, `[N, ...]`, or a list of
 *   `N` parameter trees (tensors or trees of tensors) with the same structure and shapes.
 * @param h - The step size h > 0.
 * @returns A scalar tensor (0 when N = 1).
 * @throws `ValueError` for h ≤ 0, an empty list, or a stack that is not a tensor/list.
 * @throws `DTypeError` for float tensors other than float32.
 * @throws `ShapeError` for a scalar stack, or per-step leaves whose shapes differ.
 * @throws `StructureError` when the per-step trees differ in structure.
 * @example
 * ```ts
 * timeSmoothness(tf.tensor2d([[0, 0], [1, 0], [1, 1]]), 0.5); // (1 + 1) / 0.5 = 4
 * timeSmoothness(blocks.map((b) => b.K), 1 / blocks.length);
 * ```
 */
export function timeSmoothness(stack: tf.Tensor | readonly TensorTree[], h: number): tf.Scalar {
  assertNumber(h, 'h', { min: 0, exclusiveMin: true });
  if (isTensor(stack)) {
    assertFloat(stack, 'stack', 1);
    const n = stack.shape[0] as number;
    return tf.tidy(() => {
      if (n < 2) return tf.scalar(0);
      const rest = stack.shape.slice(1);
      const next = tf.slice(stack, [1, ...rest.map(() => 0)], [n - 1, ...rest]);
      const prev = tf.slice(stack, [0, ...rest.map(() => 0)], [n - 1, ...rest]);
      return tf.div(tf.sum(tf.square(tf.sub(next, prev))), h) as tf.Scalar;
    });
  }
  if (!Array.isArray(stack)) {
    throw new StructureError(
      `stack: expected a tensor [N, ...] or a list of parameter trees, got ${stack === null ? 'null' : typeof stack}`,
    );
  }
  const steps = stack as readonly TensorTree[];
  if (steps.length === 0) {
    throw new StructureError('stack: expected at least one step, got an empty list');
  }
  steps.forEach((step, j) => {
    floatLeaves(step, `stack[${j}]`);
  });
  return tf.tidy(() => {
    const terms: tf.Tensor[] = [];
    for (let j = 0; j + 1 < steps.length; j++) {
      const diffs = treeMap(
        (b, a) => {
          const prev = a as tf.Tensor;
          if (b.rank !== prev.rank || b.shape.some((d, i) => d !== prev.shape[i])) {
            throw new ShapeError(
              `stack[${j + 1}]: a leaf has shape ${formatShape(b.shape)} but the same leaf of stack[${j}] has ${formatShape(prev.shape)}`,
            );
          }
          return tf.sum(tf.square(tf.sub(b, prev)));
        },
        steps[j + 1] as TensorTree,
        steps[j] as TensorTree,
      );
      terms.push(...treeLeaves(diffs));
    }
    if (terms.length === 0) return tf.scalar(0);
    return tf.div(terms.length === 1 ? (terms[0] as tf.Tensor) : tf.addN(terms), h) as tf.Scalar;
  });
}

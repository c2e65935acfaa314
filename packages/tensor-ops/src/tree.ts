import * as tf from '@tensorflow/tfjs-core';
import { StructureError } from './errors.js';
import { isTensor } from './validate.js';

/**
 * A tree whose leaves are `T`: a leaf, a list of trees, or a record of named trees.
 * Parameters, optimiser states and ODE states in Runge are trees of tensors.
 *
 * @example
 * ```ts
 * const params: TensorTree = { open: { K, b }, blocks: [{ K: K1, b: b1 }, { K: K2, b: b2 }] };
 * ```
 */
export type Tree<T> = T | readonly Tree<T>[] | { readonly [key: string]: Tree<T> };

/** A {@link Tree} of tensors (parameters, gradients, states). */
export type TensorTree = Tree<tf.Tensor>;

function isList(node: TensorTree): node is readonly TensorTree[] {
  return Array.isArray(node);
}

function isRecord(node: unknown): node is { readonly [key: string]: TensorTree } {
  return typeof node === 'object' && node !== null && !Array.isArray(node) && !isTensor(node);
}

function describe(node: unknown): string {
  if (isTensor(node)) return 'a tensor';
  if (Array.isArray(node)) return `a list of ${node.length}`;
  if (isRecord(node)) return `a record with keys {${Object.keys(node).sort().join(', ')}}`;
  return node === null ? 'null' : typeof node;
}

function childPath(path: string, key: string | number): string {
  return path === '' ? String(key) : `${path}.${key}`;
}

/** Sorted keys: the canonical order of a record's children in every traversal. */
function keysOf(node: { readonly [key: string]: TensorTree }): string[] {
  return Object.keys(node).sort();
}

function walk(
  node: TensorTree,
  path: string,
  visit: (leaf: tf.Tensor, path: string) => void,
): void {
  if (isTensor(node)) {
    visit(node, path);
  } else if (isList(node)) {
    for (const [i, child] of node.entries()) walk(child, childPath(path, i), visit);
  } else if (isRecord(node)) {
    for (const key of keysOf(node)) walk(node[key] as TensorTree, childPath(path, key), visit);
  } else {
    throw new StructureError(
      `tree${path ? ` at '${path}'` : ''}: expected a tensor, list or record, got ${describe(node)}`,
    );
  }
}

/**
 * The leaves of a tree in canonical order (lists by index, records by sorted key).
 *
 * @param tree - A tree of tensors.
 * @returns Its tensors, depth first.
 * @example
 * ```ts
 * treeLeaves({ b: tf.scalar(2), a: [tf.scalar(1)] }); // [a.0, b]
 * ```
 */
export function treeLeaves(tree: TensorTree): tf.Tensor[] {
  const leaves: tf.Tensor[] = [];
  walk(tree, '', (leaf) => leaves.push(leaf));
  return leaves;
}

/**
 * The leaves of a tree with their dotted paths (`'blocks.0.K'`), in canonical order.
 *
 * @param tree - A tree of tensors.
 * @returns `[path, tensor]` pairs.
 * @example
 * ```ts
 * treeEntries({ w: W, blocks: [{ K }] }); // [['blocks.0.K', K], ['w', W]]
 * ```
 */
export function treeEntries(tree: TensorTree): [string, tf.Tensor][] {
  const entries: [string, tf.Tensor][] = [];
  walk(tree, '', (leaf, path) => entries.push([path, leaf]));
  return entries;
}

/**
 * Splits a tree into its leaves and a function that rebuilds a tree of the same structure from
 * new leaves (in the same canonical order).
 *
 * @param tree - A tree of tensors.
 * @returns `leaves` and `unflatten(leaves)`.
 * @throws {@link StructureError} from `unflatten` when given the wrong number of leaves.
 * @example
 * ```ts
 * const { leaves, unflatten } = treeFlatten(params);
 * const doubled = unflatten(leaves.map((x) => tf.mul(x, 2)));
 * ```
 */
export function treeFlatten<T extends TensorTree>(
  tree: T,
): { leaves: tf.Tensor[]; unflatten: (leaves: readonly tf.Tensor[]) => T } {
  const leaves = treeLeaves(tree);
  const unflatten = (newLeaves: readonly tf.Tensor[]): T => {
    if (newLeaves.length !== leaves.length) {
      throw new StructureError(
        `unflatten: expected ${leaves.length} leaves, got ${newLeaves.length}`,
      );
    }
    let next = 0;
    return treeMap(() => newLeaves[next++] as tf.Tensor, tree);
  };
  return { leaves, unflatten };
}

/**
 * Applies `f` leaf by leaf to one or more trees of the same structure and returns a tree of that
 * structure. Records are matched by key, lists by index.
 *
 * @param f - Called with the corresponding leaves of every tree and the leaf's path.
 * @param tree - The tree whose structure the result takes.
 * @param others - Further trees with the same structure.
 * @returns The mapped tree.
 * @throws {@link StructureError} naming the first path where the structures differ.
 * @example
 * ```ts
 * // one SGD step: θ ← θ - η g
 * const next = treeMap((p, g) => tf.sub(p, tf.mul(g, lr)), params, grads);
 * ```
 */
export function treeMap<T extends TensorTree>(
  f: (leaf: tf.Tensor, ...others: tf.Tensor[]) => tf.Tensor,
  tree: T,
  ...others: readonly TensorTree[]
): T {
  return mapTrees((leaves) => f(...(leaves as [tf.Tensor, ...tf.Tensor[]])), tree, others);
}

/**
 * Like {@link treeMap} over a single tree, with each leaf's dotted path (`'blocks.0.K'`).
 *
 * @param f - Called with the leaf and its path.
 * @param tree - A tree of tensors.
 * @returns The mapped tree.
 * @example
 * ```ts
 * // weight decay on kernels only
 * const decayed = treeMapWithPath((x, path) => (path.endsWith('K') ? tf.mul(x, 0.99) : tf.clone(x)), params);
 * ```
 */
export function treeMapWithPath<T extends TensorTree>(
  f: (leaf: tf.Tensor, path: string) => tf.Tensor,
  tree: T,
): T {
  return mapTrees((leaves, path) => f(leaves[0] as tf.Tensor, path), tree, []);
}

function mapTrees<T extends TensorTree>(
  f: (leaves: tf.Tensor[], path: string) => tf.Tensor,
  tree: T,
  others: readonly TensorTree[],
): T {
  // Check every structure before calling f, so a mismatch creates no tensors.
  const groups: { leaves: tf.Tensor[]; path: string }[] = [];
  const check = (node: TensorTree, rest: readonly unknown[], path: string): void => {
    const where = path || '<root>';
    if (isTensor(node)) {
      rest.forEach((r, i) => {
        if (!isTensor(r))
          throw new StructureError(
            `tree ${i + 2} at '${where}': expected a tensor, got ${describe(r)}`,
          );
      });
      groups.push({ leaves: [node, ...(rest as tf.Tensor[])], path });
    } else if (isList(node)) {
      rest.forEach((r, i) => {
        if (!Array.isArray(r) || r.length !== node.length) {
          throw new StructureError(
            `tree ${i + 2} at '${where}': expected a list of ${node.length}, got ${describe(r)}`,
          );
        }
      });
      node.forEach((child, k) => {
        check(
          child,
          rest.map((r) => (r as readonly TensorTree[])[k]),
          childPath(path, k),
        );
      });
    } else if (isRecord(node)) {
      const keys = keysOf(node);
      rest.forEach((r, i) => {
        const same =
          isRecord(r) && Object.keys(r).length === keys.length && keys.every((k) => k in r);
        if (!same) {
          throw new StructureError(
            `tree ${i + 2} at '${where}': expected a record with keys {${keys.join(', ')}}, got ${describe(r)}`,
          );
        }
      });
      for (const key of keys) {
        check(
          node[key] as TensorTree,
          rest.map((r) => (r as Record<string, TensorTree>)[key]),
          childPath(path, key),
        );
      }
    } else {
      throw new StructureError(
        `tree at '${where}': expected a tensor, list or record, got ${describe(node)}`,
      );
    }
  };
  check(tree, others, '');
  let next = 0;
  const build = (node: TensorTree): TensorTree => {
    if (isTensor(node)) {
      const group = groups[next++] as { leaves: tf.Tensor[]; path: string };
      return f(group.leaves, group.path);
    }
    if (isList(node)) return node.map(build);
    const out: Record<string, TensorTree> = {};
    for (const key of keysOf(node as Record<string, TensorTree>))
      out[key] = build((node as Record<string, TensorTree>)[key] as TensorTree);
    return out;
  };
  return build(tree) as T;
}

/**
 * `tf.tidy` for functions returning a tree: every intermediate tensor is released, the returned
 * tree's tensors are kept.
 *
 * @param fn - Synchronous work returning a tree of tensors.
 * @returns What `fn` returned.
 * @example
 * ```ts
 * const next = tidyTree(() => treeMap((p, g) => tf.sub(p, tf.mul(g, 0.1)), params, grads));
 * ```
 */
export function tidyTree<T extends TensorTree>(fn: () => T): T {
  return tf.tidy(() => fn() as unknown as tf.TensorContainer) as unknown as T;
}

/**
 * Disposes every tensor of a tree (variables included).
 *
 * @param tree - A tree of tensors; `undefined` is ignored.
 * @example
 * ```ts
 * treeDispose(oldParams);
 * ```
 */
export function treeDispose(tree: TensorTree | undefined): void {
  if (tree === undefined) return;
  for (const leaf of treeLeaves(tree)) leaf.dispose();
}

/**
 * Marks every tensor of a tree with `tf.keep`, so it survives the enclosing `tf.tidy`.
 *
 * @param tree - A tree of tensors.
 * @returns The same tree.
 * @example
 * ```ts
 * const params = tf.tidy(() => treeKeep(init()));
 * ```
 */
export function treeKeep<T extends TensorTree>(tree: T): T {
  for (const leaf of treeLeaves(tree)) tf.keep(leaf);
  return tree;
}

/**
 * Deep copy of a tree: every leaf is cloned (variables become plain tensors).
 *
 * @param tree - A tree of tensors.
 * @returns A tree of new tensors with the same values.
 * @example
 * ```ts
 * const snapshot = treeClone(params);
 * ```
 */
export function treeClone<T extends TensorTree>(tree: T): T {
  return treeMap((x) => tf.clone(x), tree);
}

/**
 * The total number of scalar entries of a tree: the parameter count of a model.
 *
 * @param tree - A tree of tensors.
 * @returns `Σ_leaves size(leaf)`.
 * @example
 * ```ts
 * treeSize({ K: tf.zeros([3, 3, 16, 16]), b: tf.zeros([16]) }); // 2320
 * ```
 */
export function treeSize(tree: TensorTree): number {
  return treeLeaves(tree).reduce((n, leaf) => n + leaf.size, 0);
}

/**
 * Leaf-wise zeros with the shapes and dtypes of a tree.
 *
 * @param tree - A tree of tensors.
 * @returns A tree of zero tensors.
 * @example
 * ```ts
 * const velocity = treeZerosLike(params); // momentum buffer
 * ```
 */
export function treeZerosLike<T extends TensorTree>(tree: T): T {
  return treeMap((x) => tf.zerosLike(x), tree);
}

/**
 * Leaf-wise `y + α x` (BLAS axpy) for trees of the same structure.
 *
 * @param alpha - The scale of `x`.
 * @param x - The tree to scale.
 * @param y - The tree to add to.
 * @returns `y + α x`, leaf by leaf.
 * @example
 * ```ts
 * const yNext = treeAxpy(h, f(t, y), y); // a forward Euler step
 * ```
 */
export function treeAxpy<T extends TensorTree>(alpha: number, x: T, y: T): T {
  return tidyTree(() =>
    treeMap(
      (xi, yi) =>
        alpha === 0 ? tf.clone(yi as tf.Tensor) : tf.add(yi as tf.Tensor, tf.mul(xi, alpha)),
      x,
      y,
    ),
  );
}

/**
 * Leaf-wise sum `a + b`.
 *
 * @param a - First tree.
 * @param b - Second tree, same structure.
 * @returns `a + b`, leaf by leaf.
 * @example
 * ```ts
 * const total = treeAdd(gradA, gradB);
 * ```
 */
export function treeAdd<T extends TensorTree>(a: T, b: T): T {
  return treeMap((x, y) => tf.add(x, y as tf.Tensor), a, b);
}

/**
 * Leaf-wise difference `a - b`.
 *
 * @param a - First tree.
 * @param b - Second tree, same structure.
 * @returns `a - b`, leaf by leaf.
 * @example
 * ```ts
 * const step = treeSub(paramsAfter, paramsBefore);
 * ```
 */
export function treeSub<T extends TensorTree>(a: T, b: T): T {
  return treeMap((x, y) => tf.sub(x, y as tf.Tensor), a, b);
}

/**
 * Leaf-wise scaling `s · a`.
 *
 * @param a - A tree.
 * @param s - The scale.
 * @returns `s a`, leaf by leaf.
 * @example
 * ```ts
 * const half = treeScale(grads, 0.5);
 * ```
 */
export function treeScale<T extends TensorTree>(a: T, s: number): T {
  return treeMap((x) => tf.mul(x, s), a);
}

/**
 * The inner product of two trees, `Σ_leaves Σ_i a_i b_i`, as a scalar tensor.
 *
 * @param a - First tree.
 * @param b - Second tree, same structure.
 * @returns A scalar tensor.
 * @example
 * ```ts
 * const directional = treeDot(grads, direction); // ⟨∇L, d⟩
 * ```
 */
export function treeDot(a: TensorTree, b: TensorTree): tf.Scalar {
  return tf.tidy(() => {
    const products: tf.Tensor[] = [];
    treeMap(
      (x, y) => {
        const p = tf.sum(tf.mul(x, y as tf.Tensor));
        products.push(p);
        return p;
      },
      a,
      b,
    );
    return products.length === 0 ? tf.scalar(0) : (tf.addN(products) as tf.Scalar);
  });
}

/**
 * The Euclidean norm of a whole tree, `sqrt(Σ_leaves ‖leaf‖²)`, as a scalar tensor (the global
 * norm used by gradient clipping).
 *
 * @param tree - A tree of tensors.
 * @returns A scalar tensor.
 * @example
 * ```ts
 * const g = treeNorm(grads).dataSync()[0];
 * ```
 */
export function treeNorm(tree: TensorTree): tf.Scalar {
  return tf.tidy(() => tf.sqrt(treeDot(tree, tree)));
}

import { assertDtype, assertTensor, type TensorTree, treeEntries } from '@runge/tensor-ops';
import type * as tf from '@tensorflow/tfjs-core';

/** The leaves of a parameter tree, each checked to be float32 (named by its path). */
export function floatLeaves(tree: TensorTree, name: string): tf.Tensor[] {
  return treeEntries(tree).map(([path, leaf]) => {
    const where = path === '' ? name : `${name}.${path}`;
    assertTensor(leaf, where);
    assertDtype(leaf, 'float32', where);
    return leaf;
  });
}

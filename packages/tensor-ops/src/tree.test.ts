import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { StructureError } from './errors.js';
import {
  type TensorTree,
  treeAxpy,
  treeClone,
  treeDispose,
  treeDot,
  treeEntries,
  treeFlatten,
  treeLeaves,
  treeMap,
  treeMapWithPath,
  treeNorm,
  treeSize,
  treeSub,
  treeZerosLike,
} from './tree.js';

function makeTree(): { K: tf.Tensor; b: tf.Tensor; blocks: { K: tf.Tensor }[] } {
  return {
    K: tf.tensor([
      [1, 2],
      [3, 4],
    ]),
    b: tf.tensor([5]),
    blocks: [{ K: tf.tensor([6, 7]) }, { K: tf.tensor([8]) }],
  };
}

describe('trees of tensors', () => {
  it('walks leaves in canonical order (lists by index, records by sorted key)', () => {
    const t = makeTree();
    expect(treeEntries(t).map(([p]) => p)).toEqual(['K', 'b', 'blocks.0.K', 'blocks.1.K']);
    expect(treeSize(t)).toBe(4 + 1 + 2 + 1);
    // insertion order does not matter
    const reordered: TensorTree = { blocks: t.blocks, b: t.b, K: t.K };
    expect(treeLeaves(reordered)).toEqual(treeLeaves(t));
    treeDispose(t);
  });

  it('flattens and rebuilds the same structure', () => {
    const t = makeTree();
    const { leaves, unflatten } = treeFlatten(t);
    const doubled = tf.tidy(() => unflatten(leaves.map((x) => tf.mul(x, 2))));
    expect(Array.from(doubled.blocks[1]!.K.dataSync())).toEqual([16]);
    expect(Array.from(doubled.K.dataSync())).toEqual([2, 4, 6, 8]);
    expect(() => unflatten(leaves.slice(1))).toThrow(StructureError);
    treeDispose(t);
    treeDispose(doubled);
  });

  it('maps several trees together and reports where structures differ', () => {
    const a = makeTree();
    const b = makeTree();
    const diff = treeSub(a, b);
    expect(
      tf.tidy(() => treeLeaves(diff).every((x) => tf.max(tf.abs(x)).dataSync()[0] === 0)),
    ).toBe(true);
    const missing = { K: a.K, b: a.b, blocks: [a.blocks[0]!] };
    expect(() => treeMap((x) => tf.clone(x), a, missing)).toThrow(
      "tree 2 at 'blocks': expected a list of 2, got a list of 1",
    );
    expect(() => treeMap((x) => tf.clone(x), a, { ...a, c: a.b })).toThrow(StructureError);
    const paths: string[] = [];
    const cloned = treeMapWithPath((x, path) => {
      paths.push(path);
      return tf.clone(x);
    }, a);
    expect(paths.sort()).toEqual(['K', 'b', 'blocks.0.K', 'blocks.1.K']);
    treeDispose([a, b, diff, cloned] as unknown as TensorTree);
  });

  it('computes axpy, inner products and the global norm', () => {
    const x = makeTree();
    const y = treeClone(x);
    const z = treeAxpy(-1, x, y); // y - x = 0
    expect(tf.tidy(() => treeNorm(z).dataSync()[0])).toBe(0);
    // ‖x‖² = 1+4+9+16+25+36+49+64 = 204
    const dot = treeDot(x, x);
    expect(dot.dataSync()[0]).toBe(204);
    const norm = treeNorm(x);
    expect(norm.dataSync()[0]).toBeCloseTo(Math.sqrt(204), 5);
    const zeros = treeZerosLike(x);
    expect(tf.tidy(() => treeDot(zeros, x).dataSync()[0])).toBe(0);
    tf.dispose([dot, norm]);
    treeDispose([x, y, z, zeros] as unknown as TensorTree);
  });

  it('leaves no tensors behind in its reductions', () => {
    const x = makeTree();
    const before = tf.memory().numTensors;
    tf.dispose([treeDot(x, x), treeNorm(x)]);
    expect(tf.memory().numTensors).toBe(before);
    treeDispose(x);
  });
});

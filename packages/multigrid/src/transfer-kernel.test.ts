import { Rng } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { galerkinCoarsen, galerkinRefine } from './galerkin.js';
import { rediscretize } from './rediscretize.js';
import { type TransferMethod, transferKernel } from './transfer-kernel.js';

function maxAbs(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number);
}

describe('transferKernel', () => {
  const single: Record<TransferMethod, (k: tf.Tensor4D, coarsen: boolean) => tf.Tensor4D> = {
    naive: (k) => tf.clone(k),
    galerkin: (k, coarsen) => (coarsen ? galerkinCoarsen(k) : galerkinRefine(k)),
    rediscretize: (k, coarsen) => rediscretize(k, { from: 1, to: coarsen ? 2 : 0.5 }),
  };

  it.each([
    ['naive', 'coarsen'],
    ['galerkin', 'coarsen'],
    ['galerkin', 'refine'],
    ['rediscretize', 'coarsen'],
    ['rediscretize', 'refine'],
  ] as const)(
    '%s (%s) moves every slice of a control stack like a single kernel',
    (method, direction) => {
      const stack = Rng.fromSeed(11).normal([3, 3, 3, 2, 4]);
      const moved = transferKernel(stack, { method, direction });
      expect(moved.shape).toEqual(stack.shape);
      for (let j = 0; j < 3; j++) {
        const slice = tf.tidy(() => tf.squeeze(tf.slice(stack, [j], [1]), [0]) as tf.Tensor4D);
        const expected = single[method](slice, direction === 'coarsen');
        const got = tf.tidy(() => tf.squeeze(tf.slice(moved, [j], [1]), [0]));
        expect(maxAbs(got, expected)).toBeLessThan(1e-5);
        tf.dispose([slice, expected, got]);
      }
      tf.dispose([stack, moved]);
    },
  );

  it('keeps 1×1 kernels (order-0 operators) under rediscretisation and rejects them for Galerkin', () => {
    const k = tf.tensor4d([0.5, -1.5], [1, 1, 1, 2]);
    const moved = transferKernel(k, { method: 'rediscretize', direction: 'coarsen' });
    expect(Array.from(moved.dataSync())).toEqual([0.5, -1.5]);
    expect(() =>
      transferKernel(k, { method: 'galerkin', direction: 'refine', name: 'conv.K' }),
    ).toThrow(/conv\.K: 'galerkin' moves 3×3 kernels only, got 1×1/);
    tf.dispose([k, moved]);
  });

  it('validates rank, method and direction', () => {
    const k = tf.zeros([3, 3, 1]);
    expect(() => transferKernel(k, { method: 'naive', direction: 'coarsen' })).toThrow(
      /expected a kernel \[kh, kw, in, out\] or a stack \[M, kh, kw, in, out\], got \[3, 3, 1\]/,
    );
    const k4 = tf.zeros([3, 3, 1, 1]);
    expect(() =>
      transferKernel(k4, { method: 'spectral' as TransferMethod, direction: 'coarsen' }),
    ).toThrow(/method/);
    expect(() =>
      transferKernel(k4, { method: 'naive', direction: 'sideways' as 'coarsen' }),
    ).toThrow(/direction/);
    tf.dispose([k, k4]);
  });
});

import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { type ConvPadding, conv, convTranspose } from './conv-operator.js';
import { DTypeError, ShapeError, ValueError } from './errors.js';
import { Rng } from './rng.js';

function inner(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.sum(tf.mul(a, b)).dataSync()[0] as number);
}

function norm(a: tf.Tensor): number {
  return Math.sqrt(inner(a, a));
}

interface Case {
  readonly batch: number;
  readonly size: readonly [number, number];
  readonly kernel: readonly [number, number];
  readonly cin: number;
  readonly cout: number;
  readonly stride: number | [number, number];
  readonly padding: ConvPadding;
}

const cases: Case[] = [
  { batch: 1, size: [5, 5], kernel: [3, 3], cin: 1, cout: 1, stride: 1, padding: 'same' },
  { batch: 2, size: [7, 6], kernel: [3, 3], cin: 3, cout: 2, stride: 1, padding: 'valid' },
  { batch: 1, size: [7, 7], kernel: [3, 3], cin: 2, cout: 4, stride: 2, padding: 'same' },
  { batch: 3, size: [8, 9], kernel: [3, 3], cin: 1, cout: 3, stride: 2, padding: 'same' },
  { batch: 2, size: [9, 7], kernel: [3, 2], cin: 2, cout: 2, stride: 2, padding: 'valid' },
  { batch: 1, size: [6, 6], kernel: [5, 5], cin: 3, cout: 1, stride: [2, 1], padding: 'same' },
  { batch: 2, size: [5, 7], kernel: [3, 3], cin: 2, cout: 3, stride: 1, padding: 1 },
  {
    batch: 1,
    size: [6, 5],
    kernel: [3, 3],
    cin: 2,
    cout: 2,
    stride: 2,
    padding: [
      [0, 0],
      [2, 0],
      [1, 1],
      [0, 0],
    ],
  },
];

function label(c: Case): string {
  return `${c.batch}×${c.size.join('×')}×${c.cin} → ${c.cout}, kernel ${c.kernel.join('×')}, stride ${JSON.stringify(c.stride)}, padding ${JSON.stringify(c.padding)}`;
}

describe.each(['cpu', 'wasm'] as const)('conv operator on %s', (backend) => {
  it.each(cases.map((c) => [label(c), c] as const))(
    'the adjoint identity ⟨K x, y⟩ = ⟨x, Kᵀ y⟩ holds: %s',
    async (_name, c) => {
      await initBackend({ backend });
      const rng = Rng.fromSeed(7);
      const x = rng.normal([c.batch, ...c.size, c.cin]) as tf.Tensor4D;
      const kernel = rng.normal([...c.kernel, c.cin, c.cout]) as tf.Tensor4D;
      const options = { stride: c.stride, padding: c.padding };
      const Kx = conv(x, kernel, options);
      const y = rng.normal(Kx.shape) as tf.Tensor4D;
      const KTy = convTranspose(y, kernel, { ...options, inputShape: c.size });
      expect(KTy.shape).toEqual(x.shape);
      const lhs = inner(Kx, y);
      const rhs = inner(x, KTy);
      // Both sides are sums of the same products in a different order: float32 round-off
      // relative to the Cauchy–Schwarz bound ‖K x‖‖y‖.
      expect(Math.abs(lhs - rhs)).toBeLessThan(1e-4 * norm(Kx) * norm(y));
      tf.dispose([x, kernel, Kx, y, KTy]);
    },
  );

  it('the adjoint of a rank-3 input matches the batched one', async () => {
    await initBackend({ backend });
    const rng = Rng.fromSeed(3);
    const kernel = rng.normal([3, 3, 2, 3]) as tf.Tensor4D;
    const y = rng.normal([4, 4, 3]) as tf.Tensor3D;
    const y4 = tf.expandDims(y, 0) as tf.Tensor4D;
    const a = convTranspose(y, kernel, { inputShape: [7, 7, 2], stride: 2 });
    const b = convTranspose(y4, kernel, { inputShape: [1, 7, 7, 2], stride: 2 });
    expect(a.shape).toEqual([7, 7, 2]);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, tf.squeeze(b, [0])))).dataSync()[0]);
    expect(diff).toBe(0);
    tf.dispose([kernel, y, y4, a, b]);
  });

  it('with a 1×1 identity kernel and stride 1 both operators are the identity', async () => {
    await initBackend({ backend });
    const rng = Rng.fromSeed(4);
    const x = rng.normal([2, 3, 4, 2]) as tf.Tensor4D;
    const eye = tf.tidy(() => tf.reshape(tf.eye(2), [1, 1, 2, 2])) as tf.Tensor4D;
    const Kx = conv(x, eye);
    const KTx = convTranspose(x, eye, { inputShape: [3, 4] });
    const d1 = tf.tidy(() => tf.max(tf.abs(tf.sub(Kx, x))).dataSync()[0]);
    const d2 = tf.tidy(() => tf.max(tf.abs(tf.sub(KTx, x))).dataSync()[0]);
    expect(d1).toBe(0);
    expect(d2).toBe(0);
    tf.dispose([x, eye, Kx, KTx]);
  });
});

describe('conv operator validation', () => {
  it('names the argument, the expected and the actual shape', () => {
    const x = tf.zeros([1, 5, 5, 2]) as tf.Tensor4D;
    const kernel = tf.zeros([3, 3, 2, 4]) as tf.Tensor4D;
    const y = tf.zeros([1, 3, 3, 4]) as tf.Tensor4D;
    const wrongChannels = tf.zeros([1, 3, 3, 5]) as tf.Tensor4D;
    const flat = tf.zeros([3, 3]);
    const ints = tf.zeros([1, 3, 3, 4], 'int32') as tf.Tensor4D;

    expect(() => convTranspose(flat as tf.Tensor3D, kernel, { inputShape: [5, 5] })).toThrow(
      'convTranspose: y: expected rank 3 or 4, got rank 2 with shape [3, 3]',
    );
    expect(() => convTranspose(y, flat as tf.Tensor4D, { inputShape: [5, 5], stride: 2 })).toThrow(
      'convTranspose: kernel: expected rank 4, got rank 2 with shape [3, 3]',
    );
    expect(() => convTranspose(wrongChannels, kernel, { inputShape: [5, 5], stride: 2 })).toThrow(
      ShapeError,
    );
    expect(() => convTranspose(wrongChannels, kernel, { inputShape: [5, 5], stride: 2 })).toThrow(
      "y has 5 channels (shape [1, 3, 3, 5]) but the kernel's output channels are 4",
    );
    // stride 1 'same' would need a 3×3 input, not 5×5
    expect(() => convTranspose(y, kernel, { inputShape: [5, 5] })).toThrow(
      'maps inputShape [1, 5, 5, 2] to spatial size 5×5, but y [1, 3, 3, 4] is 3×3',
    );
    // 'valid' on 5×5 with a 3×3 kernel gives 3×3: consistent
    const ok = convTranspose(y, kernel, { inputShape: [5, 5], padding: 'valid' });
    expect(ok.shape).toEqual([1, 5, 5, 2]);
    ok.dispose();
    expect(() => convTranspose(y, kernel, { inputShape: [5, 5, 3], padding: 'valid' })).toThrow(
      'inputShape [5, 5, 3] has 3 channels but the kernel [3, 3, 2, 4] takes 2',
    );
    expect(() => convTranspose(y, kernel, { inputShape: [2, 5, 5, 2], padding: 'valid' })).toThrow(
      'inputShape [2, 5, 5, 2] has batch 2 but y [1, 3, 3, 4] has batch 1',
    );
    expect(() =>
      convTranspose(y, kernel, { inputShape: undefined as unknown as number[], stride: 2 }),
    ).toThrow(ValueError);
    expect(() => convTranspose(y, kernel, { inputShape: [5, 5], stride: 0 })).toThrow(ValueError);
    expect(() =>
      convTranspose(y, kernel, {
        inputShape: [5, 5],
        padding: [
          [1, 0],
          [0, 0],
          [0, 0],
          [0, 0],
        ],
      }),
    ).toThrow('batch and channel entries must be [0, 0]');
    expect(() => convTranspose(ints, kernel, { inputShape: [5, 5], stride: 2 })).toThrow(
      DTypeError,
    );

    const kernel3 = tf.zeros([3, 3, 3, 4]) as tf.Tensor4D;
    expect(() => conv(x, kernel3)).toThrow(
      'conv: x has 2 channels (shape [1, 5, 5, 2]) but kernel expects 3',
    );
    const tiny = tf.zeros([1, 2, 2, 2]) as tf.Tensor4D;
    expect(() => conv(tiny, kernel, { padding: 'valid' })).toThrow('smaller than the 3×3 kernel');
    expect(() => conv(x, kernel, { padding: 'full' as unknown as 'same' })).toThrow(ValueError);
    tf.dispose([x, kernel, kernel3, y, wrongChannels, flat, ints, tiny]);
  });
});

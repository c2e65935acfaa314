// The element-wise, reduction, pooling and relu-gradient kernels against TF.js's cpu kernels on
// every instruction set the loops are built for (baseline, AVX2/FMA, AVX-512), and the one-pass
// relu gradient in place of TF.js's step-and-multiply.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { expectNativeMatchesCpu, requireNative, values } from '../test/compare.js';
import { loadNativeAddon, RELU_GRAD_KERNEL, reluGradient } from './index.js';
import { broadcastSpan } from './kernels/binary.js';

const t = (shape: number[], seed: number) => ({
  values: values(
    shape.reduce((a, b) => a * b, 1),
    seed,
  ),
  shape,
});

/** The three builds of the loops, as registerNativeBackend's switches select them. */
const MODES = [
  { name: 'baseline', simd: false, avx512: false },
  { name: 'avx2', simd: true, avx512: false },
  { name: 'avx512', simd: true, avx512: true },
] as const;

/** The loops a mode must give on this CPU (a CPU without an instruction set falls back). */
function expected(mode: (typeof MODES)[number]): string {
  const status = loadNativeAddon();
  if (!status.ok) throw new Error(status.reason);
  const { cpuHasAvx2Fma, cpuHasAvx512 } = status.addon.info();
  if (!mode.simd || !cpuHasAvx2Fma) return 'baseline';
  return mode.avx512 && cpuHasAvx512 ? 'avx512' : 'avx2';
}

afterAll(() => requireNative(2));

const ops = { add: tf.add, sub: tf.sub, mul: tf.mul, div: tf.div } as const;

/** Shapes of binary operands: odd sizes, size 1, every repeat the native kernel takes, and sizes over one chunk (split over both threads). */
const PAIRS: Array<[string, number[], number[]]> = [
  ['size 1', [1], [1]],
  ['odd same shape', [3, 5, 7], [3, 5, 7]],
  ['odd length, tail of every vector width', [37], [37]],
  ['bias of 16 channels', [2, 5, 3, 16], [16]],
  ['bias of 3 channels', [4, 7, 3], [3]],
  ['bias of 17 channels with leading ones', [3, 5, 17], [1, 1, 17]],
  ['scalar right', [9, 11], []],
  ['scalar left', [], [9, 11]],
  ['repeated left operand', [5, 3], [4, 5, 3]],
  ['column right', [6, 10], [6, 1]],
  ['column left', [6, 1], [6, 10]],
  ['column of a rank-3 operand', [2, 3, 4], [2, 3, 1]],
  ['channels of NCHW, repeated and stretched', [1, 3, 1, 1], [2, 3, 4, 5]],
  ['middle axis of 1 between kept axes', [3, 1, 5], [3, 1, 5]],
  ['kept axes apart (cpu fallback)', [3, 1, 5], [3, 4, 5]],
  ['general broadcast (cpu fallback)', [3, 1], [1, 4]],
  ['large same shape', [33, 1031], [33, 1031]],
  ['large with a repeat of 3', [40001, 3], [3]],
  ['large scalar', [], [70001]],
  ['large column of 3', [40001, 3], [40001, 1]],
];

for (const mode of MODES) {
  describe(`native loops built for ${mode.name} match the cpu backend`, () => {
    it('select the build this CPU allows', () => {
      const info = requireNative(2, mode.simd, mode.avx512);
      expect(info.elementwise).toBe(expected(mode));
    });

    for (const [label, sa, sb] of PAIRS) {
      it(`add, sub, mul, div: ${label}`, async () => {
        requireNative(2, mode.simd, mode.avx512);
        for (const [name, op] of Object.entries(ops)) {
          await expectNativeMatchesCpu(
            [t(sa, 1), t(sb, 2)],
            (a, b) => op(a as tf.Tensor, b as tf.Tensor),
            `${name} ${label}`,
          );
        }
      });
    }

    it('relu, step and relu gradient over odd, unit and large sizes, NaN kept', async () => {
      requireNative(2, mode.simd, mode.avx512);
      for (const shape of [[1], [37], [3, 5, 7], [70001]]) {
        const x = t(shape, 3);
        x.values[0] = Number.NaN;
        if (x.values.length > 20) x.values[19] = 0;
        await expectNativeMatchesCpu(
          [x, t(shape, 4)],
          (a, dy) => [
            tf.relu(a as tf.Tensor),
            tf.step(a as tf.Tensor, 0.25),
            reluGradient(dy as tf.Tensor, a as tf.Tensor),
          ],
          `relu ${shape}`,
        );
      }
    });

    const sums: Array<[number[], number[]]> = [
      [[1], [0]],
      [[37], [0]],
      [[5, 7, 3], [0]],
      [
        [5, 7, 3],
        [0, 1],
      ],
      [
        [5, 7, 3],
        [1, 2],
      ],
      [[4, 17], [1]],
      [[33, 1031], [0]],
      [[33, 1031], [1]],
      [[1000, 17], [0]],
      [
        [64, 28, 28, 16],
        [0, 1, 2],
      ],
      [[70001, 1], [0]],
    ];
    for (const [shape, axes] of sums) {
      it(`sum of [${shape}] over [${axes}]`, async () => {
        requireNative(2, mode.simd, mode.avx512);
        await expectNativeMatchesCpu([t(shape, 5)], (a) => tf.sum(a as tf.Tensor, axes), 'sum');
      });
    }

    const pools: Array<[number[], number, number, 'same' | 'valid']> = [
      [[2, 28, 28, 16], 2, 2, 'valid'],
      [[1, 7, 5, 3], 3, 1, 'same'],
      [[3, 7, 5, 1], 2, 2, 'same'],
      [[1, 6, 6, 17], 3, 2, 'valid'],
    ];
    for (const [shape, size, stride, pad] of pools) {
      it(`average pool of [${shape}], ${size}x${size}, stride ${stride}, ${pad}, and its gradient`, async () => {
        requireNative(2, mode.simd, mode.avx512);
        await expectNativeMatchesCpu(
          [t(shape, 6)],
          (a) => {
            const pool = (x: tf.Tensor) => tf.avgPool(x as tf.Tensor4D, size, stride, pad);
            const f = (x: tf.Tensor) => tf.sum(tf.mul(pool(x), pool(x)));
            return [pool(a as tf.Tensor), tf.grad(f)(a as tf.Tensor)];
          },
          'avgPool',
        );
      });
    }
  });
}

describe("relu's gradient is one kernel on the native backend", () => {
  it('gives dy where x > 0, 0 · dy elsewhere (signed zero kept) and NaN where x is NaN', async () => {
    requireNative(2);
    await tf.setBackend('native');
    const got = tf.tidy(() => {
      const x = tf.tensor1d([-2, 0, 3, Number.NaN, -1, 0.5]);
      const dy = tf.tensor1d([5, 6, 7, 8, -9, -10]);
      return Array.from(reluGradient(dy, x).dataSync());
    });
    await tf.setBackend('cpu');
    expect(got).toEqual([0, 0, 7, Number.NaN, -0, -10]);
  });

  it("replaces TF.js's step, cast and multiply in tf.grad of relu", async () => {
    requireNative(2);
    await tf.setBackend('native');
    const x = tf.tensor1d([-1, 2, -3, 4]);
    const { kernelNames, result } = await tf.profile(() => tf.grad((a) => tf.sum(tf.relu(a)))(x));
    const grad = Array.from((result as tf.Tensor).dataSync());
    tf.dispose([x, result as tf.Tensor]);
    await tf.setBackend('cpu');
    expect(grad).toEqual([0, 1, 0, 1]);
    expect(kernelNames).toContain(RELU_GRAD_KERNEL);
    expect(kernelNames).not.toContain('Step');
  });

  it('matches the cpu backend in a gradient of a gradient', async () => {
    requireNative(2);
    // d/dx sum(w · d/dx sum(relu(x)²)) = d/dx sum(w · 2·relu(x)) = 2·w·step(x)
    await expectNativeMatchesCpu(
      [t([3, 5, 7], 7), t([3, 5, 7], 8)],
      (x, w) => {
        const inner = (a: tf.Tensor) => tf.grad((b: tf.Tensor) => tf.sum(tf.square(tf.relu(b))))(a);
        return tf.grad((a: tf.Tensor) => tf.sum(tf.mul(w as tf.Tensor, inner(a))))(x as tf.Tensor);
      },
      'second order',
    );
  });

  it('computes the two-pass form on a backend without the kernel', async () => {
    requireNative(2);
    expect(tf.getBackend()).toBe('cpu');
    const got = tf.tidy(() =>
      Array.from(reluGradient(tf.tensor1d([1, 2, 3]), tf.tensor1d([-1, 0, 1])).dataSync()),
    );
    expect(got).toEqual([0, 0, 3]);
  });
});

describe('the broadcasts the native binary kernel takes', () => {
  it('gives the span of each value of the smaller operand, or null for the cpu kernel', () => {
    expect(broadcastSpan([16], [2, 5, 3, 16])).toBe(1);
    expect(broadcastSpan([], [9, 11])).toBe(1);
    expect(broadcastSpan([1, 1, 17], [3, 5, 17])).toBe(1);
    expect(broadcastSpan([6, 1], [6, 10])).toBe(10);
    expect(broadcastSpan([2, 3, 1], [2, 3, 4])).toBe(4);
    expect(broadcastSpan([1, 3, 1, 1], [2, 3, 4, 5])).toBe(4 * 5);
    expect(broadcastSpan([3, 1, 5], [3, 1, 5])).toBe(1);
    expect(broadcastSpan([3, 1, 5], [3, 4, 5])).toBeNull();
    expect(broadcastSpan([2, 5], [3, 5])).toBeNull();
  });
});

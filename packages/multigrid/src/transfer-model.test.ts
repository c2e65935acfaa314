import { buildModel, type ModelConfig, type ModelParams, w1Config } from '@runge/architectures';
import { Rng, restrict, type TensorTree, treeDispose } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { TransferMethod } from './transfer-kernel.js';
import { transferModel } from './transfer-model.js';

const METHODS: readonly TransferMethod[] = ['naive', 'galerkin', 'rediscretize'];

/** A W1-like model with few channels on 8×8 images (two controls, three classes). */
function smallW1(input: [number, number, number] = [8, 8, 1]): ModelConfig {
  return w1Config({ channels: 2, steps: 2, classes: 3, input });
}

function values(t: tf.Tensor): number[] {
  return Array.from(t.dataSync());
}

function expectClose(actual: tf.Tensor, expected: readonly number[], tol: number): void {
  const got = values(actual);
  expect(got.length).toBe(expected.length);
  got.forEach((v, i) => {
    expect(Math.abs(v - (expected[i] as number))).toBeLessThanOrEqual(tol);
  });
}

/** The 3×3 kernel a ⊗ b (a along y, b along x) on every (in, out) pair of a [3, 3, cin, cout]. */
function tensorProduct(a: readonly number[], b: readonly number[], cin: number, cout: number) {
  const out: number[] = [];
  for (let y = 0; y < 3; y++)
    for (let x = 0; x < 3; x++)
      for (let i = 0; i < cin * cout; i++) out.push((a[y] as number) * (b[x] as number));
  return out;
}

// Stencils along one axis. Identity and second difference on mesh h; their 1-D Galerkin
// coarsenings with R = [¼, ½, ¼], P = [½, 1, ½] (coarse J on fine 2J), worked out by hand:
// R·δ·P = [⅛, ¾, ⅛] and R·[1, −2, 1]·P = [1, −2, 1]/4; rediscretising [1, −2, 1] (which is
// h²·∂² on mesh h) on mesh 2h gives h²·[1, −2, 1]/(2h)² = [1, −2, 1]/4.
const IDENTITY = [0, 1, 0];
const SECOND = [1, -2, 1];
const GALERKIN_IDENTITY = [1 / 8, 3 / 4, 1 / 8];
const SECOND_COARSE = SECOND.map((v) => v / 4);

function withKernels(params: ModelParams, conv: tf.Tensor, stack: tf.Tensor): ModelParams {
  const old = [
    (params.conv_0 as { K: tf.Tensor }).K,
    (params.ode_1 as { K: tf.Tensor }).K,
  ] as const;
  const next = {
    ...params,
    conv_0: { ...(params.conv_0 as Record<string, tf.Tensor>), K: conv },
    ode_1: { ...(params.ode_1 as Record<string, tf.Tensor>), K: stack },
  };
  tf.dispose([...old]);
  return next;
}

describe('transferModel: structure', () => {
  it.each(
    METHODS.flatMap((method) => [
      [method, 'coarsen', [4, 4]],
      [method, 'refine', [16, 16]],
      [method, 'refine', [15, 15]],
    ]) as [TransferMethod, string, [number, number]][],
  )(
    '%s, %s to %j: passes checkVariables of the target and runs at the new size',
    (method, _dir, to) => {
      const config = smallW1();
      const { params, state } = buildModel(config).init(3);
      const moved = transferModel({ config, params, state }, { to, method });
      expect(moved.config.input).toEqual([...to, 1]);
      expect(moved.config.layers).toEqual(buildModel(config).config.layers);
      const target = buildModel(moved.config);
      expect(() => target.checkVariables(moved)).not.toThrow();
      const x = Rng.fromSeed(1).uniform([2, to[0], to[1], 1]);
      const { y, state: next } = target.apply(moved.params, x, { state: moved.state });
      expect(y.shape).toEqual([2, 3]);
      expect(values(y).every(Number.isFinite)).toBe(true);
      // biases are carried over unchanged
      expectClose(
        (moved.params.dense_4 as { b: tf.Tensor }).b,
        values((params.dense_4 as { b: tf.Tensor }).b),
        0,
      );
      tf.dispose([x, y]);
      treeDispose(next as TensorTree);
      treeDispose(moved.params as TensorTree);
      treeDispose(params as TensorTree);
    },
  );

  it('accepts factor 0.5 and 2 and leaves its input untouched', () => {
    const config = smallW1();
    const { params } = buildModel(config).init(4);
    const before = values((params.ode_1 as { K: tf.Tensor }).K);
    const half = transferModel({ config, params }, { factor: 0.5, method: 'galerkin' });
    const twice = transferModel({ config, params }, { factor: 2, method: 'galerkin' });
    expect(half.config.input).toEqual([4, 4, 1]);
    expect(twice.config.input).toEqual([16, 16, 1]);
    expect(values((params.ode_1 as { K: tf.Tensor }).K)).toEqual(before);
    treeDispose([half.params, twice.params, params] as TensorTree);
  });

  it('carries batch-norm parameters and statistics over', () => {
    const config: ModelConfig = {
      input: [6, 6, 1],
      layers: [
        { type: 'conv', channels: 2 },
        { type: 'batchnorm' },
        { type: 'flatten' },
        { type: 'dense', units: 2 },
      ],
    };
    const { params, state } = buildModel(config).init(2);
    const moved = transferModel({ config, params, state }, { to: [3, 3], method: 'rediscretize' });
    const bn = moved.state.batchnorm_1 as { mean: tf.Tensor; variance: tf.Tensor };
    expectClose(bn.variance, [1, 1], 0);
    expect(() => buildModel(moved.config).checkVariables(moved)).not.toThrow();
    treeDispose([moved.params, moved.state, params, state] as TensorTree);
  });
});

describe('transferModel: spectral normalisation', () => {
  it('keeps a power-iteration vector whose shape stays and draws a new one where the input size changes', () => {
    const config: ModelConfig = {
      input: [8, 8, 1],
      layers: [
        { type: 'conv', channels: 2, spectralNorm: true },
        { type: 'flatten' },
        { type: 'dense', units: 3, spectralNorm: true },
        { type: 'dense', units: 2, spectralNorm: true },
      ],
    };
    const { params, state } = buildModel(config).init(5);
    const moved = transferModel({ config, params, state }, { to: [4, 4], method: 'rediscretize' });
    const u = (s: unknown, layer: string) => (s as Record<string, { u: tf.Tensor }>)[layer]?.u;
    expect(u(moved.state, 'conv_0')?.shape).toEqual([4, 4, 1]);
    expect(u(moved.state, 'dense_2')?.shape).toEqual([32]);
    expect(values(u(moved.state, 'dense_3') as tf.Tensor)).toEqual(
      values(u(state, 'dense_3') as tf.Tensor),
    );
    expect(() => buildModel(moved.config).checkVariables(moved)).not.toThrow();
    treeDispose([moved.params, moved.state, params, state] as TensorTree);
  });
});

describe('transferModel: kernels of known stencils', () => {
  // conv_0.K = I ⊗ D² (second difference in x), ode_1.K slice j = (j + 1)·(I ⊗ D²)
  const coarsened: Record<TransferMethod, [readonly number[], readonly number[]]> = {
    naive: [IDENTITY, SECOND],
    galerkin: [GALERKIN_IDENTITY, SECOND_COARSE],
    rediscretize: [IDENTITY, SECOND_COARSE],
  };

  it.each(METHODS)('%s: coarsening gives the expected stencils', (method) => {
    const config = smallW1();
    const init = buildModel(config).init(5);
    const conv = tf.tensor4d(tensorProduct(IDENTITY, SECOND, 1, 2), [3, 3, 1, 2]);
    const slice = tensorProduct(IDENTITY, SECOND, 2, 2);
    const stack = tf.tensor([...slice, ...slice.map((v) => 2 * v)], [2, 3, 3, 2, 2]);
    const params = withKernels(init.params, conv, stack);
    const moved = transferModel({ config, params }, { to: [4, 4], method });
    const [a, b] = coarsened[method];
    const expected = tensorProduct(a, b, 2, 2);
    expectClose((moved.params.conv_0 as { K: tf.Tensor }).K, tensorProduct(a, b, 1, 2), 1e-6);
    expectClose(
      (moved.params.ode_1 as { K: tf.Tensor }).K,
      [...expected, ...expected.map((v) => 2 * v)],
      1e-6,
    );
    treeDispose([moved.params, params] as TensorTree);
  });

  // refining inverts the coarsening: the coarse stencils above go back to I ⊗ D²
  const refined: Record<TransferMethod, [readonly number[], readonly number[], readonly number[]]> =
    {
      naive: [IDENTITY, SECOND, SECOND],
      galerkin: [GALERKIN_IDENTITY, SECOND_COARSE, SECOND],
      rediscretize: [IDENTITY, SECOND_COARSE, SECOND],
    };

  it.each(METHODS)('%s: refining gives the expected stencils', (method) => {
    const config = smallW1([4, 4, 1]);
    const init = buildModel(config).init(6);
    const [a, coarse, fine] = refined[method];
    const conv = tf.tensor4d(tensorProduct(a, coarse, 1, 2), [3, 3, 1, 2]);
    const slice = tensorProduct(a, coarse, 2, 2);
    const stack = tf.tensor([...slice, ...slice], [2, 3, 3, 2, 2]);
    const params = withKernels(init.params, conv, stack);
    const moved = transferModel({ config, params }, { to: [8, 8], method });
    expectClose(
      (moved.params.conv_0 as { K: tf.Tensor }).K,
      tensorProduct(IDENTITY, fine, 1, 2),
      1e-5,
    );
    treeDispose([moved.params, params] as TensorTree);
  });
});

/** A map [n, n, 1] of exp(−|x − c|²/(2s²)) on the pixel grid. */
function gaussian(n: number, c: [number, number], s: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      out.push(Math.exp(-((i - c[0]) ** 2 + (j - c[1]) ** 2) / (2 * s * s)));
  return out;
}

describe('transferModel: the classifier on the feature map', () => {
  // A linear classifier on a flattened image: y = Σ_pixels w f. For Gaussians w, f of width s
  // (fine pixels) whose centres are d apart, moving to mesh 2h with W = 4 R w and F = R f gives
  // y_H / y_h = 1 − (h²/2) ∫∇w·∇f / ∫w f + O(h⁴) = 1 − (s² − d²/4) / (2 s⁴) + O(s⁻⁴)  (h = 1);
  // see transferMapWeights.
  it.each([
    [32, 3],
    [64, 6],
  ])('keeps the output of a dense layer on a smooth %i² map to O(h²) (s = %i pixels)', (n, s) => {
    const config: ModelConfig = {
      input: [n, n, 1],
      layers: [{ type: 'flatten' }, { type: 'dense', units: 2 }],
    };
    const centre = n / 2;
    // the weights' centres, relative to the centre; the image sits at (1, −1) from it
    const shift0: [number, number] = [0, 0];
    const shift1: [number, number] = [s, -s / 2];
    const a = gaussian(n, [centre + shift0[0], centre + shift0[1]], s);
    const b = gaussian(n, [centre + shift1[0], centre + shift1[1]], s);
    const W = tf.tensor2d(
      a.flatMap((v, i) => [v, b[i] as number]),
      [n * n, 2],
    );
    const params: ModelParams = { dense_1: { W, b: tf.zeros([2]) } };
    const image = tf.tensor4d(gaussian(n, [centre + 1, centre - 1], s), [1, n, n, 1]);
    const fine = buildModel(config).apply(params, image).y;
    const moved = transferModel({ config, params }, { factor: 0.5, method: 'galerkin' });
    const coarseImage = restrict(image);
    const coarse = buildModel(moved.config).apply(moved.params, coarseImage).y;
    const [y0, y1] = values(fine);
    const [z0, z1] = values(coarse);
    const dist2 = (c: [number, number]) => (c[0] - 1) ** 2 + (c[1] + 1) ** 2;
    const predicted = (d2: number) => 1 - (s * s - d2 / 4) / (2 * s ** 4);
    // the O(h⁴) remainder (the h⁴/48 ∂⁴ terms of R and the product of the h²/4 Δ terms) is a
    // fraction of s⁻⁴; allow 0.5 s⁻⁴ besides round-off
    const tol = 0.5 / s ** 4 + 1e-5;
    expect(Math.abs((z0 as number) / (y0 as number) - predicted(dist2(shift0)))).toBeLessThan(tol);
    expect(Math.abs((z1 as number) / (y1 as number) - predicted(dist2(shift1)))).toBeLessThan(tol);
    // without the factor 4 the output would be a quarter
    expect((z0 as number) / (y0 as number)).toBeGreaterThan(0.9);
    tf.dispose([image, fine, coarseImage, coarse]);
    treeDispose([params, moved.params] as TensorTree);
  });

  it('refining the classifier is exactly the coarse classifier applied to R f', () => {
    const n = 6;
    const config: ModelConfig = {
      input: [n, n, 2],
      layers: [{ type: 'flatten' }, { type: 'dense', units: 3 }],
    };
    const rng = Rng.fromSeed(9);
    const params = buildModel(config).init(rng).params;
    const moved = transferModel({ config, params }, { to: [12, 12], method: 'naive' });
    const f = rng.normal([2, 12, 12, 2]) as tf.Tensor4D;
    const fineOut = buildModel(moved.config).apply(moved.params, f).y;
    const rf = restrict(f);
    const coarseOut = buildModel(config).apply(params, rf).y;
    expectClose(fineOut, values(coarseOut), 1e-4);
    tf.dispose([f, fineOut, rf, coarseOut]);
    treeDispose([params, moved.params] as TensorTree);
  });
});

describe('transferModel: the continuous operator is kept', () => {
  // A linear network y = ⟨w, K u⟩ with K the second difference in x ([1, −2, 1], i.e. h²∂²ₓ on
  // mesh h). Galerkin and rediscretisation keep h²∂²ₓ on mesh 2h (in fine units), so the output
  // on the restricted image is kept up to O(h²) terms; naive reuse applies (2h)²∂²ₓ = 4h²∂²ₓ and
  // multiplies the output by about 4.
  const expectedRatio: Record<TransferMethod, number> = {
    naive: 4,
    galerkin: 1,
    rediscretize: 1,
  };

  it.each(METHODS)('%s', (method) => {
    const n = 48;
    const s = 5;
    const config: ModelConfig = {
      input: [n, n, 1],
      layers: [
        { type: 'conv', channels: 1, useBias: false },
        { type: 'flatten' },
        { type: 'dense', units: 1, useBias: false },
      ],
    };
    const params: ModelParams = {
      conv_0: { K: tf.tensor4d(tensorProduct(IDENTITY, SECOND, 1, 1), [3, 3, 1, 1]) },
      dense_2: { W: tf.tensor2d(gaussian(n, [n / 2, n / 2 + 2], s), [n * n, 1]) },
    };
    const image = tf.tensor4d(gaussian(n, [n / 2 - 1, n / 2], s), [1, n, n, 1]);
    const fineOut = buildModel(config).apply(params, image).y;
    const fine = values(fineOut)[0] as number;
    const moved = transferModel({ config, params }, { factor: 0.5, method });
    const coarseImage = restrict(image);
    const out = buildModel(moved.config).apply(moved.params, coarseImage).y;
    const ratio = (values(out)[0] as number) / fine;
    // the relative error is c·(h/s)² (h = 1, s the Gaussians' width) with c of order one, from
    // R g = g + (h²/4) Δg acting on w, u and ∂²ₓu; allow c ≤ 3
    expect(Math.abs(ratio - expectedRatio[method])).toBeLessThan(
      expectedRatio[method] * 3 * (1 / s) ** 2,
    );
    tf.dispose([image, fineOut, coarseImage, out]);
    treeDispose([params, moved.params] as TensorTree);
  });
});

describe('transferModel: refining keeps the continuous operator too', () => {
  // The same network trained on mesh 2h, moved to mesh h: the coarse stencil [1, −2, 1] is
  // (2h)²∂²ₓ; Galerkin refinement and rediscretisation keep it ([4, −8, 4] on mesh h for the
  // latter), naive reuse applies h²∂²ₓ and divides the output by about 4. Compared: the fine
  // model on the image u against the coarse model on R u.
  const expectedRatio: Record<TransferMethod, number> = {
    naive: 1 / 4,
    galerkin: 1,
    rediscretize: 1,
  };

  it.each(METHODS)('%s', (method) => {
    const n = 24;
    const s = 5; // in fine pixels
    const config: ModelConfig = {
      input: [n, n, 1],
      layers: [
        { type: 'conv', channels: 1, useBias: false },
        { type: 'flatten' },
        { type: 'dense', units: 1, useBias: false },
      ],
    };
    const params: ModelParams = {
      conv_0: { K: tf.tensor4d(tensorProduct(IDENTITY, SECOND, 1, 1), [3, 3, 1, 1]) },
      dense_2: { W: tf.tensor2d(gaussian(n, [n / 2, n / 2 + 1], s / 2), [n * n, 1]) },
    };
    const image = tf.tensor4d(gaussian(2 * n, [n - 1, n], s), [1, 2 * n, 2 * n, 1]);
    const coarseImage = restrict(image);
    const coarseOut = buildModel(config).apply(params, coarseImage).y;
    const moved = transferModel({ config, params }, { factor: 2, method });
    const fineOut = buildModel(moved.config).apply(moved.params, image).y;
    const ratio = (values(fineOut)[0] as number) / (values(coarseOut)[0] as number);
    // as above: a relative error c·(h/s)² with c of order one; allow c ≤ 3
    expect(Math.abs(ratio - expectedRatio[method])).toBeLessThan(
      expectedRatio[method] * 3 * (1 / s) ** 2,
    );
    tf.dispose([image, coarseImage, coarseOut, fineOut]);
    treeDispose([params, moved.params] as TensorTree);
  });
});

describe('transferModel: errors', () => {
  it('copies the classifier of a model that pools to a fixed grid, in both directions', () => {
    const config = w1Config({ channels: 2, steps: 2, classes: 3, input: [16, 16, 1], poolTo: 4 });
    const model = buildModel(config);
    const { params, state } = model.init(3);
    const dense = (p: ModelParams) => (p as Record<string, Record<string, tf.Tensor>>).dense_4?.W;
    for (const to of [8, 32]) {
      const moved = transferModel({ config, params, state }, { to: [to, to], method: 'naive' });
      const target = buildModel(moved.config);
      // at 8×8 the pool window is 2, at 32×32 it is 8: the classifier sees 4·4·2 = 32 features
      expect(target.parameterCount).toBe(model.parameterCount);
      expect(target.layers.find((l) => l.type === 'pool')?.outputShape).toEqual([4, 4, 2]);
      expect(values(dense(moved.params) as tf.Tensor)).toEqual(values(dense(params) as tf.Tensor));
      treeDispose([moved.params, moved.state] as TensorTree);
    }
    treeDispose([params, state] as TensorTree);
  });

  it('refuses Galerkin for kernels that are not 3×3, naming the parameter', () => {
    const config: ModelConfig = {
      input: [8, 8, 1],
      layers: [
        { type: 'conv', channels: 2, kernelSize: 5 },
        { type: 'flatten' },
        { type: 'dense', units: 2 },
      ],
    };
    const { params } = buildModel(config).init(1);
    expect(() => transferModel({ config, params }, { factor: 0.5, method: 'galerkin' })).toThrow(
      /conv_0\.K: 'galerkin' moves 3×3 kernels only, got 5×5.*use method 'naive'/,
    );
    expect(() =>
      transferModel({ config, params }, { factor: 0.5, method: 'rediscretize' }),
    ).toThrow(/conv_0\.K: 'rediscretize' moves 3×3 kernels \(and 1×1 ones\) only/);
    const naive = transferModel({ config, params }, { factor: 0.5, method: 'naive' });
    expect(naive.config.input).toEqual([4, 4, 1]);
    treeDispose([params, naive.params] as TensorTree);
  });

  it('validates the target and the method', () => {
    const config = smallW1();
    const { params } = buildModel(config).init(1);
    expect(() => transferModel({ config, params }, { to: [5, 5], method: 'galerkin' })).toThrow(
      /not half or double the model's input 8×8; expected \[4, 4\] \(coarsen\) or \[16, 16\] \/ \[15, 15\]/,
    );
    expect(() =>
      transferModel({ config, params }, { to: [4, 4], factor: 0.5, method: 'galerkin' }),
    ).toThrow(/exactly one of 'to'/);
    expect(() =>
      transferModel({ config, params }, { to: [4, 4], method: 'bilinear' as TransferMethod }),
    ).toThrow(/method/);
    treeDispose(params as TensorTree);
    const toy: ModelConfig = { input: [3], layers: [{ type: 'dense', units: 2 }] };
    const v = buildModel(toy).init(1);
    expect(() =>
      transferModel({ config: toy, params: v.params }, { factor: 2, method: 'naive' }),
    ).toThrow(/not an image/);
    treeDispose(v.params as TensorTree);
  });
});

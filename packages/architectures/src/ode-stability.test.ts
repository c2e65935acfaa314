// Stable ODE blocks: the spectral bound against Jacobians built by finite differences and eigenvalues computed here, conv operators against their matrices, and training with and without the bound.
import { type TensorTree, treeDispose, treeFlatten } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { analyseStability } from './block-stability.js';
import type { ModelConfig } from './layer-config.js';
import { buildModel, type ModelParams, type ModelState } from './model.js';
import { odeBlockSystem } from './ode-block-system.js';
import { spectralBound, stableControls } from './ode-stability.js';
import { withSteps } from './with-steps.js';

type C = { re: number; im: number };
const cmul = (a: C, b: C): C => ({ re: a.re * b.re - a.im * b.im, im: a.re * b.im + a.im * b.re });
const cdiv = (a: C, b: C): C => {
  const d = b.re * b.re + b.im * b.im;
  return { re: (a.re * b.re + a.im * b.im) / d, im: (a.im * b.re - a.re * b.im) / d };
};

/** Characteristic polynomial det(λI − A) = λⁿ + c₁λⁿ⁻¹ + … + cₙ by Faddeev–LeVerrier: [1, c₁, …, cₙ]. */
function charPoly(A: number[][]): number[] {
  const n = A.length;
  const mat = (f: (i: number, j: number) => number): number[][] =>
    Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => f(i, j)));
  const mm = (X: number[][], Y: number[][]): number[][] =>
    mat((i, j) => X[i]!.reduce((s, x, k) => s + x * Y[k]![j]!, 0));
  const c = [1];
  let Mk = mat(() => 0);
  for (let k = 1; k <= n; k++) {
    const ck1 = c[k - 1]!;
    Mk = mm(A, Mk).map((row, i) => row.map((v, j) => v + (i === j ? ck1 : 0)));
    const AM = mm(A, Mk);
    c.push(-AM.reduce((s, row, i) => s + row[i]!, 0) / k);
  }
  return c;
}

/** All complex roots of a monic polynomial by the Durand–Kerner iteration. */
function roots(coeffs: number[]): C[] {
  const n = coeffs.length - 1;
  const p = (z: C): C =>
    coeffs.reduce<C>((acc, a) => ({ ...cmul(acc, z), re: cmul(acc, z).re + a }), { re: 0, im: 0 });
  let zs: C[] = Array.from({ length: n }, (_, k) => {
    const t = (2 * Math.PI * k) / n + 0.4;
    const r = 1 + Math.max(...coeffs.slice(1).map(Math.abs));
    return { re: r * Math.cos(t), im: r * Math.sin(t) };
  });
  for (let it = 0; it < 2000; it++) {
    zs = zs.map((z, i) => {
      let den: C = { re: 1, im: 0 };
      zs.forEach((w, j) => {
        if (j !== i) den = cmul(den, { re: z.re - w.re, im: z.im - w.im });
      });
      const step = cdiv(p(z), den);
      return { re: z.re - step.re, im: z.im - step.im };
    });
  }
  return zs;
}

/** Largest eigenvalue of a symmetric matrix by cyclic Jacobi rotations. */
function symmetricMaxEigenvalue(S: number[][]): number {
  const n = S.length;
  const A = S.map((row) => [...row]);
  for (let sweep = 0; sweep < 50; sweep++) {
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p]![q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (A[q]![q]! - A[p]![p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = A[k]![p]!;
          const akq = A[k]![q]!;
          A[k]![p] = c * akp - s * akq;
          A[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p]![k]!;
          const aqk = A[q]![k]!;
          A[p]![k] = c * apk - s * aqk;
          A[q]![k] = s * apk + c * aqk;
        }
      }
    }
  }
  return Math.max(...A.map((row, i) => row[i]!));
}

/** The operator norm ‖B‖ = √λmax(BᵀB) of a matrix given by its rows. */
function opNorm(B: number[][]): number {
  const n = B[0]!.length;
  const BtB = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => B.reduce((s, row) => s + row[i]! * row[j]!, 0)),
  );
  return Math.sqrt(symmetricMaxEigenvalue(BtB));
}

/** The Jacobian ∂f/∂y of a block's right-hand side at y (one example) by central differences. */
function fdJacobian(f: (y: number[]) => number[], y: number[], eps = 1e-2): number[][] {
  const n = y.length;
  const cols = y.map((_, j) => {
    const plus = [...y];
    const minus = [...y];
    plus[j]! += eps;
    minus[j]! -= eps;
    const fp = f(plus);
    const fm = f(minus);
    return fp.map((v, i) => (v - fm[i]!) / (2 * eps));
  });
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => cols[j]![i]!));
}

/** |R(z)| written out per method: Euler 1 + z, RK4 Σ zᵏ/k! (k ≤ 4); leapfrog stable exactly on [−2i, 2i]. */
function growth(method: string, z: C): number {
  if (method === 'euler') return Math.hypot(1 + z.re, z.im);
  if (method === 'rk4') {
    let term: C = { re: 1, im: 0 };
    let sum: C = { re: 1, im: 0 };
    for (let k = 1; k <= 4; k++) {
      term = cmul(term, { re: z.re / k, im: z.im / k });
      sum = { re: sum.re + term.re, im: sum.im + term.im };
    }
    return Math.hypot(sum.re, sum.im);
  }
  // leapfrog on a purely imaginary hλ = iω: |R| = 1 for |ω| ≤ 2, else the larger root of μ² − (2 − ω²)μ + 1.
  const w = Math.hypot(z.re, z.im);
  if (w <= 2) return 1;
  const b = 2 - w * w;
  return (Math.abs(b) + Math.sqrt(b * b - 4)) / 2;
}

interface Case {
  readonly title: string;
  readonly layer: Record<string, unknown>;
  readonly width: number;
  /** Factor on the drawn K that takes the free block out of its region. */
  readonly blowUp?: number;
  /** The ResNet shift rule (default 'norm'). */
  readonly shift?: 'norm' | 'full';
}

/**
 * The norm cap a bounded slice sits on once the bound is active: ρ, but 0.95ρ for a ResNet block
 * whose shift follows the norm (so that c = ‖K̂‖/0.95 ≤ ρ).
 */
function activeCap(bound: { limit: number; shift: number }, shift: unknown): number {
  return bound.shift > 0 && shift !== 'full' ? 0.95 * bound.limit : bound.limit;
}

/** The bound of a built ODE layer, from its resolved settings. */
function layerBound(s: Record<string, unknown>): ReturnType<typeof spectralBound> {
  return spectralBound({
    ...(s as Parameters<typeof spectralBound>[0]),
    ...(s.stability as { step: number; margin: number }),
  });
}

const CASES: Case[] = [
  {
    title: 'resnet, Euler',
    layer: { dynamics: 'resnet', method: 'euler', activation: 'tanh' },
    width: 4,
  },
  {
    title: "resnet, Euler, shift 'full'",
    layer: { dynamics: 'resnet', method: 'euler', activation: 'tanh' },
    width: 4,
    shift: 'full',
  },
  {
    title: 'parabolic, Euler',
    layer: { dynamics: 'parabolic', method: 'euler', activation: 'tanh' },
    width: 4,
  },
  {
    title: 'antisymmetric, RK4, no damping',
    layer: { dynamics: 'antisymmetric', method: 'rk4', activation: 'tanh' },
    width: 4,
    blowUp: 20,
  },
  {
    title: 'antisymmetric, Euler, damping 4',
    layer: { dynamics: 'antisymmetric', method: 'euler', activation: 'tanh', damping: 4 },
    width: 4,
  },
  {
    title: 'hamiltonian, leapfrog',
    layer: { dynamics: 'hamiltonian', method: 'leapfrog', activation: 'tanh' },
    width: 3,
  },
];

/** A one-block model of `width` features with weights scaled large enough to leave any region. */
function blockModel(c: Case, stable: boolean): { config: ModelConfig } {
  return {
    config: {
      name: 'block',
      input: [c.width],
      layers: [
        {
          type: 'ode',
          name: 'ode',
          steps: 4,
          ...c.layer,
          ...(stable
            ? {
                stability: {
                  mode: 'spectral-bound',
                  iterations: 60,
                  ...(c.shift ? { shift: c.shift } : {}),
                },
              }
            : {}),
        } as ModelConfig['layers'][number],
      ],
    },
  };
}

/** Every eigenvalue hλ of the block's frozen-coefficient Jacobian at a few states, by finite differences. */
function blockSpectrum(
  config: ModelConfig,
  params: TensorTree,
  state: TensorTree | undefined,
  seed: number,
): { hLambda: C[]; effective: TensorTree } {
  const model = buildModel(config);
  const layer = model.layers[0]!;
  const effective = state
    ? (tf.tidy(
        () => stableControls(layer, params, state).params as tf.TensorContainer,
      ) as TensorTree)
    : params;
  const system = odeBlockSystem(layer);
  const width = layer.inputShape[0] as number;
  const hLambda: C[] = [];
  for (const t of [0, system.T / 2]) {
    const theta = system.paramsAt(effective, t);
    for (let sample = 0; sample < 3; sample++) {
      const draw = tf.randomNormal(
        [system.partitioned ? 2 * width : width],
        0,
        0.05,
        'float32',
        seed * 10 + sample,
      );
      const y0 = Array.from(draw.dataSync());
      draw.dispose();
      const f = (y: number[]): number[] => {
        const out = tf.tidy(() => {
          const state = system.partitioned
            ? { q: tf.tensor2d([y.slice(0, width)]), p: tf.tensor2d([y.slice(width)]) }
            : tf.tensor2d([y]);
          const out = system.f(t, state, theta) as tf.Tensor | { q: tf.Tensor; p: tf.Tensor };
          const flat = out instanceof tf.Tensor ? out : tf.concat([out.q, out.p], 1);
          return flat;
        });
        const values = out.arraySync() as number[][];
        out.dispose();
        return values[0] as number[];
      };
      const J = fdJacobian(f, y0);
      for (const z of roots(charPoly(J)))
        hLambda.push({ re: system.h * z.re, im: system.h * z.im });
    }
    treeDispose(theta);
  }
  return { hLambda, effective };
}

describe('spectral bound: hλ of the bounded block against eigenvalues computed independently', () => {
  for (const c of CASES) {
    it(`${c.title}: the free weights leave the region; the bounded ones stay in it and meet ‖·‖ ≤ ρ`, () => {
      const free = blockModel(c, false).config;
      const stable = blockModel(c, true).config;
      const model = buildModel(stable);
      const { params, state } = model.init(3);
      // Blow the weights up so that the free block is far outside its region.
      const big = { ...(params.ode as Record<string, tf.Tensor>) };
      const K = big.K as tf.Tensor;
      big.K = tf.mul(K, c.blowUp ?? 6);
      K.dispose();
      const method = String(model.layers[0]!.config.method);
      const before = tf.memory().numTensors;

      const freeRun = blockSpectrum(free, big, undefined, 1);
      const freeMax = Math.max(...freeRun.hLambda.map((z) => growth(method, z)));
      expect(freeMax).toBeGreaterThan(1.05);

      const bounded = blockSpectrum(stable, big, state.ode, 1);
      const boundedMax = Math.max(...bounded.hLambda.map((z) => growth(method, z)));
      expect(boundedMax).toBeLessThanOrEqual(1 + 1e-3);

      // The mechanism: each slice's bounded operator has norm ≤ ρ (computed here by Jacobi), and
      // a ResNet slice whose weights exceed the cap uses the largest shift c = ρ.
      const s = model.layers[0]!.config as Record<string, unknown>;
      const bound = layerBound(s);
      const cap = activeCap(bound, (s.stability as { shift: string }).shift);
      const Keff = (bounded.effective as { K: tf.Tensor }).K.arraySync() as number[][][];
      for (const slice of Keff) {
        const shifted = slice.map((row, i) => row.map((v, j) => v + (i === j ? bound.shift : 0)));
        const op =
          bound.operator === 'K'
            ? shifted
            : shifted.map((row, i) => row.map((v, j) => v - (shifted[j]![i] as number)));
        const norm = opNorm(op);
        expect(norm).toBeLessThanOrEqual(cap * (1 + 1e-4));
        // The free weights were above the limit, so the bound is active: the norm sits on it.
        expect(norm).toBeGreaterThan(cap * 0.999);
      }
      treeDispose(bounded.effective);
      expect(tf.memory().numTensors).toBe(before);
      treeDispose(big as TensorTree);
      treeDispose(state as TensorTree);
    });
  }
});

describe('the ResNet shift rule', () => {
  for (const shift of ['norm', 'full'] as const) {
    it(`'${shift}': weights below the cap get c = ${shift === 'norm' ? '‖K‖/0.95' : 'ρ'} subtracted (‖K‖ by Jacobi), and hλ stays in the disk`, () => {
      const c: Case = {
        title: shift,
        layer: { dynamics: 'resnet', method: 'euler', activation: 'tanh' },
        width: 4,
        shift,
      };
      const config = blockModel(c, true).config;
      const model = buildModel(config);
      const { params, state } = model.init(3);
      const before = tf.memory().numTensors;
      const s = model.layers[0]!.config as Record<string, unknown>;
      const bound = layerBound(s);
      const K = (params.ode as { K: tf.Tensor }).K.arraySync() as number[][][];
      const { hLambda, effective } = blockSpectrum(config, params.ode as TensorTree, state.ode, 2);
      const Keff = (effective as { K: tf.Tensor }).K.arraySync() as number[][][];
      const shifts = K.map((slice, j) => {
        const norm = opNorm(slice);
        // The drawn weights are below the cap, so they are not rescaled.
        expect(norm).toBeLessThan(0.95 * bound.limit);
        const expected = shift === 'norm' ? norm / 0.95 : bound.limit;
        slice.forEach((row, a) => {
          row.forEach((v, b) => {
            expect(Keff[j]![a]![b]).toBeCloseTo(v - (a === b ? expected : 0), 3);
          });
        });
        return expected;
      });
      // 'norm' damps each slice by its own norm, well below the largest shift ρ.
      if (shift === 'norm') for (const c of shifts) expect(c).toBeLessThan(0.75 * bound.limit);
      const method = String(s.method);
      expect(Math.max(...hLambda.map((z) => growth(method, z)))).toBeLessThanOrEqual(1 + 1e-3);
      treeDispose(effective);
      expect(tf.memory().numTensors).toBe(before);
      treeDispose(params as TensorTree);
      treeDispose(state as TensorTree);
    });
  }
});

/** The matrix of a linear map on [H, W, c] feature maps, column by column. */
function convMatrix(
  apply: (v: tf.Tensor) => tf.Tensor,
  shape: [number, number, number],
): number[][] {
  const n = shape[0] * shape[1] * shape[2];
  const cols: number[][] = [];
  for (let j = 0; j < n; j++) {
    const e = new Float32Array(n);
    e[j] = 1;
    cols.push(tf.tidy(() => Array.from(apply(tf.tensor4d(e, [1, ...shape])).dataSync())));
  }
  return Array.from({ length: n }, (_, i) => cols.map((col) => col[i] as number));
}

describe('spectral bound on convolutions', () => {
  for (const dynamics of ['resnet', 'antisymmetric', 'parabolic'] as const) {
    it(`${dynamics}: the bounded operator's norm, from its matrix on a 4×4×2 map, is at most ρ`, () => {
      const config: ModelConfig = {
        name: 'conv',
        input: [4, 4, 2],
        layers: [
          {
            type: 'ode',
            name: 'ode',
            dynamics,
            steps: 4,
            controls: 2,
            activation: 'tanh',
            ...(dynamics === 'antisymmetric' ? { method: 'rk4' } : {}),
            stability: { mode: 'spectral-bound', iterations: 80 },
          } as ModelConfig['layers'][number],
        ],
      };
      const model = buildModel(config);
      const layer = model.layers[0]!;
      const { params, state } = model.init(5);
      const big = { ...(params.ode as Record<string, tf.Tensor>) };
      const K = big.K as tf.Tensor;
      big.K = tf.mul(K, 20);
      K.dispose();
      const before = tf.memory().numTensors;
      const { params: eff, state: next } = tf.tidy(() => {
        const out = stableControls(layer, big, state.ode);
        return { params: out.params, state: out.state } as tf.TensorContainer;
      }) as { params: TensorTree; state: TensorTree };
      const s = layer.config as Record<string, unknown>;
      const bound = layerBound(s);
      const Ks = tf.unstack((eff as { K: tf.Tensor }).K);
      for (const Kj of Ks) {
        // The block's own operator, K_eff + cI applied as 'same' convolution (and K − Kᵀ for antisymmetric).
        const apply = (v: tf.Tensor): tf.Tensor => {
          const Kv = tf.add(
            tf.conv2d(v as tf.Tensor4D, Kj as tf.Tensor4D, 1, 'same'),
            tf.mul(v, bound.shift),
          );
          return Kv;
        };
        let M = convMatrix(apply, [4, 4, 2]);
        if (bound.operator === 'K-KT') M = M.map((row, i) => row.map((v, j) => v - M[j]![i]!));
        const norm = opNorm(M);
        const cap = activeCap(bound, (s.stability as { shift: string }).shift);
        expect(norm).toBeLessThanOrEqual(cap * (1 + 1e-3));
        expect(norm).toBeGreaterThan(cap * 0.99);
      }
      tf.dispose(Ks);
      treeDispose(eff);
      treeDispose(next);
      expect(tf.memory().numTensors).toBe(before);
      treeDispose(big as TensorTree);
      treeDispose(state as TensorTree);
    });
  }
});

/** Plain gradient descent on ‖block(x) − 3x‖²: the map needs growth, which pulls the free block's hλ out of the region. */
function trainExpanding(
  stable: boolean,
  check: (model: ReturnType<typeof buildModel>, params: ModelParams, state: ModelState) => void,
): void {
  const config: ModelConfig = {
    name: 'grow',
    input: [4],
    layers: [
      {
        type: 'ode',
        name: 'ode',
        dynamics: 'resnet',
        steps: 4,
        activation: 'tanh',
        ...(stable ? { stability: { mode: 'spectral-bound' } } : {}),
      } as ModelConfig['layers'][number],
    ],
  };
  const model = buildModel(config);
  let { params, state } = model.init(11);
  const x = tf.randomNormal([32, 4], 0, 0.5, 'float32', 2);
  const target = tf.mul(x, 3);
  for (let step = 0; step < 40; step++) {
    const { leaves, unflatten } = treeFlatten(params as unknown as TensorTree);
    let nextState: ModelState = state;
    const g = tf.grads((...ls: tf.Tensor[]) => {
      const out = model.apply(unflatten(ls) as unknown as ModelParams, x, {
        training: true,
        state,
      });
      nextState = Object.fromEntries(
        Object.entries(out.state).map(([k, v]) => [
          k,
          { power: tf.keep((v as { power: tf.Tensor }).power) },
        ]),
      ) as ModelState;
      return tf.mean(tf.square(tf.sub(out.y, target))) as tf.Scalar;
    })(leaves);
    const next = tf.tidy(() =>
      leaves.map((leaf, i) => tf.sub(leaf, tf.mul(g[i] as tf.Tensor, 0.5))),
    );
    tf.dispose(g);
    treeDispose(params as unknown as TensorTree);
    if (nextState !== state) treeDispose(state as TensorTree);
    params = unflatten(next) as unknown as ModelParams;
    state = nextState;
    if (step % 10 === 9) check(model, params, state);
  }
  treeDispose(params as unknown as TensorTree);
  treeDispose(state as TensorTree);
  x.dispose();
  target.dispose();
}

describe('stable training', () => {
  it('fitting x ↦ 3x: free training leaves forward Euler’s region, the bounded block keeps max |R(hλ)| ≤ 1 + 1e-3 at every check', () => {
    const probe = tf.randomNormal([6, 4], 0, 0.5, 'float32', 9);
    const maxGrowth = (stable: boolean): number[] => {
      const seen: number[] = [];
      trainExpanding(stable, (model, params, state) => {
        const [block] = analyseStability(model, params, state, probe, { stepsAt: 'all' });
        seen.push(block!.summary.maxGrowth);
      });
      return seen;
    };
    const before = tf.memory().numTensors;
    const free = maxGrowth(false);
    const bounded = maxGrowth(true);
    expect(tf.memory().numTensors).toBe(before);
    expect(Math.max(...free)).toBeGreaterThan(1.05);
    for (const g of bounded) expect(g).toBeLessThanOrEqual(1 + 1e-3);
    probe.dispose();
  });

  it('withSteps keeps the bound’s step, so the same weights give the same kernels at 4N', () => {
    const config: ModelConfig = {
      name: 'n',
      input: [3],
      layers: [
        {
          type: 'ode',
          name: 'ode',
          dynamics: 'parabolic',
          steps: 2,
          stability: { mode: 'spectral-bound' },
        },
      ],
    };
    const fine = buildModel(withSteps(config, 8));
    expect((fine.layers[0]!.config.stability as { step: number }).step).toBe(0.5);
    expect(fine.layers[0]!.config.steps).toBe(8);
  });

  it('clear errors: resnet2, antisymmetric with Euler and no damping, a step below T/N, an unknown mode or shift, a shift on a block without one', () => {
    const make = (layer: Record<string, unknown>) => () =>
      buildModel({
        name: 'e',
        input: [3],
        layers: [{ type: 'ode', steps: 4, ...layer } as ModelConfig['layers'][number]],
      });
    expect(make({ dynamics: 'resnet2', stability: { mode: 'spectral-bound' } })).toThrow(/resnet2/);
    expect(make({ dynamics: 'antisymmetric', stability: { mode: 'spectral-bound' } })).toThrow(
      /damping > 0/,
    );
    expect(make({ dynamics: 'resnet', stability: { mode: 'spectral-bound', step: 0.1 } })).toThrow(
      /at least 0.25/,
    );
    expect(make({ dynamics: 'resnet', stability: { mode: 'bounded' } })).toThrow(/spectral-bound/);
    expect(
      make({ dynamics: 'parabolic', stability: { mode: 'spectral-bound', shift: 'full' } }),
    ).toThrow(/only ResNet blocks/);
    expect(
      make({ dynamics: 'resnet', stability: { mode: 'spectral-bound', shift: 'half' } }),
    ).toThrow(/norm/);
  });
});

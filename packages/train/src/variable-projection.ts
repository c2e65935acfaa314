// Variable projection for classifiers: the last linear layer is eliminated by solving its convex regularised softmax problem with Newton–CG at every outer step, and the other weights take a step on the reduced objective.
import {
  assertNumber,
  ConfigError,
  ShapeError,
  type TensorTree,
  treeDispose,
} from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { conjugateGradient } from './conjugate-gradient.js';
import { type LinePoint, strongWolfeLineSearch } from './line-search.js';
import type { Optimizer } from './optimizer.js';
import { sgd } from './sgd.js';
import { axpy, dot, norm2, scaled } from './vector-math.js';

/** Options of {@link solveSoftmaxHead}. */
export interface SoftmaxHeadOptions {
  /** Number of classes `k` (needed for integer labels; one-hot labels give it). */
  readonly classes?: number;
  /** Ridge weight `λ > 0` on `W` and `b`; default 1e-3. */
  readonly regularization?: number;
  /** Stop at `‖∇E‖ ≤ tolerance · ‖∇E(0)‖`; default 1e-5. */
  readonly tolerance?: number;
  /** Most Newton iterations; default 30. */
  readonly maxIterations?: number;
  /** Most CG iterations per Newton step; default 100. */
  readonly cgIterations?: number;
  /** A warm start: the head `W: [d, k]`, `b: [k]` (not disposed). */
  readonly initial?: { readonly W: tf.Tensor; readonly b: tf.Tensor };
}

/** Result of {@link solveSoftmaxHead}: new tensors owned by the caller. */
export interface SoftmaxHeadSolution {
  /** The weights `W*: [d, k]`. */
  readonly W: tf.Tensor2D;
  /** The bias `b*: [k]`. */
  readonly b: tf.Tensor1D;
  /** `E(W*, b*)`. */
  readonly value: number;
  /** `‖∇E(W*, b*)‖ / ‖∇E(0, 0)‖`. */
  readonly relativeGradNorm: number;
  /** Newton iterations taken. */
  readonly iterations: number;
}

/**
 * Solves the convex problem of a classifier's last linear layer for fixed features `Φ: [N, d]`:
 *
 * `min_{W, b} E = (1/N) Σ_i [logsumexp(z_i) − z_{i, y_i}] + (λ/2)(‖W‖² + ‖b‖²)`, `z_i = Φ_i W + b`,
 *
 * by Newton–CG. With `Φ̃ = [Φ 1]`, `Ŵ = [W; b]`, `P = softmax(Φ̃Ŵ)` and one-hot `Y`:
 * `∇E = Φ̃ᵀ(P − Y)/N + λŴ` and `∇²E V = Φ̃ᵀ(P ⊙ U − P ⊙ (P ⊙ U)𝟙𝟙ᵀ)/N + λV` with `U = Φ̃V`
 * (exact Hessian products, the `(diag p − p pᵀ)` of each row). `λ > 0` makes `E` strictly convex,
 * so the minimiser is unique; each Newton system is solved by CG to the forcing tolerance
 * `min(0.5, √(‖∇E‖/‖∇E(0)‖))` and the step by a strong-Wolfe line search from `α = 1`
 * (superlinear convergence). Products run as TF.js tensors (float32), the CG vectors in float64.
 *
 * docs: /guide/optimisers
 *
 * @param features - `Φ: [N, d]` (not disposed).
 * @param labels - Class indices `[N]` (int32) or one-hot rows `[N, k]`.
 * @param options - `classes`, `regularization`, `tolerance`, `maxIterations`, `cgIterations`, `initial`.
 * @returns `W*`, `b*`, the objective, the relative gradient norm and the iterations.
 * @throws {@link @runge/tensor-ops!ShapeError} for features that are not `[N, d]` or labels of another length.
 * @throws {@link @runge/tensor-ops!ConfigError} for integer labels without `classes`.
 * @example
 * ```ts
 * const { W, b, relativeGradNorm } = solveSoftmaxHead(features, labels, { classes: 10 });
 * ```
 */
export function solveSoftmaxHead(
  features: tf.Tensor,
  labels: tf.Tensor,
  options: SoftmaxHeadOptions = {},
): SoftmaxHeadSolution {
  if (features.rank !== 2) {
    throw new ShapeError(
      `solveSoftmaxHead: features must be [N, d], got [${features.shape.join(', ')}]; flatten them first`,
    );
  }
  const [N, d] = features.shape as [number, number];
  if (labels.shape[0] !== N) {
    throw new ShapeError(
      `solveSoftmaxHead: ${N} feature rows but ${labels.shape[0]} labels; pass one label per row`,
    );
  }
  const k = labels.rank === 2 ? (labels.shape[1] as number) : options.classes;
  if (k === undefined) {
    throw new ConfigError(
      'solveSoftmaxHead: integer labels need options.classes (the number of classes)',
    );
  }
  const lambda = assertNumber(options.regularization ?? 1e-3, 'regularization', {
    min: 0,
    exclusiveMin: true,
  });
  const tolerance = assertNumber(options.tolerance ?? 1e-5, 'tolerance', { min: 0 });
  const maxIterations = assertNumber(options.maxIterations ?? 30, 'maxIterations', {
    min: 0,
    integer: true,
  });
  const cgIterations = assertNumber(options.cgIterations ?? 100, 'cgIterations', {
    min: 1,
    integer: true,
  });
  const rows = d + 1;
  const [phi, Y] = tf.tidy(() => [
    tf.concat([tf.cast(features, 'float32'), tf.ones([N, 1])], 1),
    labels.rank === 2
      ? tf.cast(labels, 'float32')
      : tf.cast(tf.oneHot(tf.cast(labels, 'int32'), k as number), 'float32'),
  ]) as [tf.Tensor2D, tf.Tensor2D];
  const toMatrix = (w: Float64Array): tf.Tensor2D =>
    tf.tensor2d(Float32Array.from(w), [rows, k as number]);
  const evaluate = (w: Float64Array): { value: number; grad: Float64Array } => {
    let value = 0;
    let grad: Float64Array = new Float64Array(0);
    tf.tidy(() => {
      const W = toMatrix(w);
      const z = tf.matMul(phi, W);
      const ce = tf.mean(tf.sub(tf.logSumExp(z, 1), tf.sum(tf.mul(Y, z), 1)));
      const e = tf.add(ce, tf.mul(lambda / 2, tf.sum(tf.square(W))));
      const g = tf.add(
        tf.div(tf.matMul(phi, tf.sub(tf.softmax(z), Y), true, false), N),
        tf.mul(W, lambda),
      );
      value = e.dataSync()[0] as number;
      grad = Float64Array.from(g.dataSync());
    });
    return { value, grad };
  };
  try {
    let w: Float64Array = new Float64Array(rows * (k as number));
    const g0 = norm2(evaluate(w).grad);
    if (options.initial) {
      const { W, b } = options.initial;
      const init = tf.tidy(() => tf.concat([W, tf.reshape(b, [1, -1])], 0));
      w = Float64Array.from(init.dataSync());
      init.dispose();
    }
    let { value, grad } = evaluate(w);
    let iterations = 0;
    while (norm2(grad) > tolerance * g0 && iterations < maxIterations) {
      const P = tf.tidy(() => tf.softmax(tf.matMul(phi, toMatrix(w))));
      let cg: ReturnType<typeof conjugateGradient>;
      try {
        const hessianProduct = (v: Float64Array): Float64Array => {
          let out: Float64Array = new Float64Array(0);
          tf.tidy(() => {
            const V = toMatrix(v);
            const pu = tf.mul(P, tf.matMul(phi, V));
            const hu = tf.sub(pu, tf.mul(P, tf.sum(pu, 1, true)));
            const hv = tf.add(tf.div(tf.matMul(phi, hu, true, false), N), tf.mul(V, lambda));
            out = Float64Array.from(hv.dataSync());
          });
          return out;
        };
        const forcing = Math.min(0.5, Math.sqrt(norm2(grad) / g0));
        cg = conjugateGradient(hessianProduct, scaled(grad, -1), {
          maxIterations: cgIterations,
          tolerance: forcing,
        });
      } finally {
        P.dispose();
      }
      let direction = cg.x;
      let slope = dot(grad, direction);
      if (!(slope < 0)) {
        direction = scaled(grad, -1);
        slope = dot(grad, direction);
      }
      const here = w;
      const search = strongWolfeLineSearch(
        (step): LinePoint & { grad: Float64Array } => {
          const e = evaluate(axpy(here, step, direction));
          return { step, value: e.value, slope: dot(e.grad, direction), grad: e.grad };
        },
        { step: 0, value, slope },
      );
      const point = search.point as LinePoint & { grad?: Float64Array };
      if (point.step === 0 || point.grad === undefined) break;
      w = axpy(here, point.step, direction);
      value = point.value;
      grad = point.grad;
      iterations++;
    }
    const Wb = toMatrix(w);
    const [W, b] = tf.tidy(() => [
      tf.slice(Wb, [0, 0], [d, k as number]),
      tf.reshape(tf.slice(Wb, [d, 0], [1, k as number]), [k as number]),
    ]) as [tf.Tensor2D, tf.Tensor1D];
    Wb.dispose();
    return { W, b, value, relativeGradNorm: norm2(grad) / g0, iterations };
  } finally {
    tf.dispose([phi, Y]);
  }
}

/** Options of {@link variableProjection}. */
export interface VariableProjectionOptions {
  /** The key of the classifier head `{ W: [d, k], b: [k] }` in the parameter tree (e.g. `'dense_4'`). */
  readonly head: string;
  /** The features `Φ: [N, d]` the head sees, from the other parameters and the inputs. */
  readonly features: (params: TensorTree, x: tf.Tensor) => tf.Tensor;
  /** The head's inner problem: `regularization` (λ, default 1e-3), `tolerance`, `maxIterations`, `cgIterations`. */
  readonly inner?: Omit<SoftmaxHeadOptions, 'initial' | 'classes'>;
  /** The rule for the other weights on the reduced objective; default SGD with Nesterov momentum 0.9. */
  readonly outer?: Optimizer;
}

/**
 * Variable projection (Golub & Pereyra) for a classifier `softmax(Φ(θ; x) W + b)`: the reduced
 * objective `L̂(θ) = min_{W,b} E(W, b; Φ(θ))` is minimised over the other weights `θ` only. At
 * every update on a batch `(x, y)` the head is solved to optimality for the current features
 * ({@link solveSoftmaxHead}, warm-started from the previous head), and, since `∇_{W,b} E = 0` there,
 * `∇L̂(θ) = ∂E/∂θ` at `(θ, W*, b*)` (the envelope theorem); the `outer` rule steps `θ` along it
 * with the scheduled learning rate. The model's loss must be the regularised softmax
 * cross-entropy's data term (the classification problems' default), and the update needs the
 * batch's inputs and labels (`ctx.supervised`, which the supervised problems of `fit` provide).
 *
 * docs: /guide/optimisers
 *
 * @param options - The head's key, the feature map, the inner options and the outer rule.
 * @returns The optimiser (its state is the outer rule's state of `θ`).
 * @throws {@link @runge/tensor-ops!ConfigError} at the first update when the context has no batch or the head is missing.
 * @example
 * ```ts
 * const opt = variableProjection({ head: 'dense_4', features: (p, x) => features.apply(p, x).y });
 * ```
 */
export function variableProjection(options: VariableProjectionOptions): Optimizer {
  const outer = options.outer ?? sgd({ momentum: 0.9, nesterov: true });
  const split = (
    params: TensorTree,
  ): { rest: TensorTree; head: { W: tf.Tensor; b: tf.Tensor } } => {
    const record = params as Record<string, TensorTree>;
    const head = record[options.head] as { W?: tf.Tensor; b?: tf.Tensor } | undefined;
    if (!head?.W || !head.b) {
      throw new ConfigError(
        `variableProjection: the parameters have no head '${options.head}' with W and b; name the last dense layer (with a bias) as head`,
      );
    }
    const rest = Object.fromEntries(Object.entries(record).filter(([key]) => key !== options.head));
    return { rest, head: { W: head.W, b: head.b } };
  };
  return {
    config: { type: 'varpro', head: options.head, outer: outer.config.type },
    init(params) {
      return outer.init(split(params).rest);
    },
    update(params, _grads, state, ctx) {
      const batch = ctx.supervised;
      if (!batch) {
        throw new ConfigError(
          'variableProjection: the update needs the batch (ctx.supervised); use it with a supervised classification problem',
        );
      }
      const { rest, head } = split(params);
      const phi = tf.tidy(() => {
        const f = options.features(rest, batch.inputs);
        return tf.reshape(f, [f.shape[0] as number, -1]);
      });
      const k = head.W.shape[1] as number;
      let solved: SoftmaxHeadSolution;
      try {
        solved = solveSoftmaxHead(phi, batch.targets, {
          ...options.inner,
          classes: k,
          initial: head,
        });
      } finally {
        phi.dispose();
      }
      const withHead = {
        ...(params as Record<string, TensorTree>),
        [options.head]: { W: solved.W, b: solved.b },
      };
      const { value, grads } = ctx.valueAndGrad(withHead as typeof params);
      value.dispose();
      const gradsRest = split(grads).rest;
      const next = outer.update(rest, gradsRest, state, {
        learningRate: ctx.learningRate,
        step: ctx.step,
        loss: ctx.loss,
        valueAndGrad: () => {
          throw new ConfigError('variableProjection: the outer rule must be first-order');
        },
      });
      treeDispose(grads);
      return {
        params: {
          ...(next.params as Record<string, TensorTree>),
          [options.head]: { W: solved.W, b: solved.b },
        } as unknown as typeof params,
        state: next.state,
      };
    },
  };
}

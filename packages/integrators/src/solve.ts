// solve: integrates y' = f(t, y, θ) (or a partitioned system) with the chosen method and gradient mode.
import type { TensorTree } from '@runge/tensor-ops';
import { makeParamSource } from './controls.js';
import { solveWithCustomGradient } from './custom-gradient.js';
import { type ForwardResult, runForward } from './internal/forward.js';
import { isRecording } from './internal/vjp.js';
import { type SolveConfig, solveConfig } from './solve-config.js';
import type { PartitionedSolveOptions, SolveOptions } from './solve-options.js';
import type { SolveResult } from './types.js';

function solvePlain(cfg: SolveConfig): ForwardResult {
  const src = makeParamSource(cfg.paramSpec, cfg.paramLeaves, cfg.spec.t0, cfg.spec.t1);
  try {
    return runForward(cfg.spec, cfg.system, src, cfg.y0);
  } finally {
    src.dispose();
  }
}

/**
 * Solves `y'(t) = f(t, y, θ)` from `t0` to `t1` (default `[0, 1]`) starting at `y0`, a tensor or a
 * tree of tensors (any batch shape `f` understands), with an explicit Runge–Kutta method (default
 * `'rk4'`), adaptive Dormand–Prince 5(4) (`'dopri5'`), leapfrog for {@link PartitionedDynamics},
 * or a user's {@link ButcherTableau}. `θ` is `params` (constant) or `controls` (a
 * {@link ControlGrid} interpolated to every stage time; its size `M` is independent of the
 * number of steps). Integrating backwards (`t1 < t0`) is supported.
 *
 * Gradients (of a loss of `y`/`ys` with respect to `y0` and `params`/`controls`) follow
 * `gradient` (a mode name, or a value such as `checkpoint({ every: 4 })`): `'backprop'` differentiates through every step (exact for the discrete solution);
 * `'checkpoint'` stores every k-th state and recomputes each segment in the backward pass (the
 * same gradient, memory like N/k + k); `'adjoint'` solves the continuous adjoint ODE backwards
 * (memory independent of N, an approximation of the discrete gradient); `'reversible'`
 * (leapfrog) reconstructs the states backwards (the backprop gradient to round-off, memory
 * independent of N). Outside a gradient computation every mode runs the same forward pass.
 *
 * In the non-backprop modes the backward pass calls `f` again, so tensors `f` captures must
 * still be alive then, and receive no gradient (pass them as `params` to train them). `f` may
 * itself use `tf.grad` (e.g. a Hamiltonian from its energy) in every mode. For leapfrog,
 * `'adjoint'` gives the discrete gradient exactly (a symplectic scheme applied to the adjoint
 * system is the adjoint of the scheme).
 *
 * @param options - See {@link SolveOptions} / {@link PartitionedSolveOptions}.
 * @returns `y` (the state at `t1`), `ys` (the states at `saveAt`), `ts` and work counters; the
 * caller owns and disposes `y` and `ys`.
 * @throws {@link @runge/tensor-ops!ValueError} for invalid options (unknown method, both or neither of
 * steps/dt, params with controls, saveAt outside `[t0, t1]` or off the grid, leapfrog with a
 * non-partitioned f, `'reversible'` with an RK method, `adaptive` settings on a fixed-step solve, …).
 * @throws {@link @runge/tensor-ops!ShapeError} when `f` returns a tree shaped unlike the state, or
 * fails on the state or parameters it is given (wrong rank or width), naming their shapes.
 * @throws {@link @runge/tensor-ops!NumericalError} when an adaptive solve's step falls below `dtMin` or exceeds
 * `maxSteps`.
 * @example
 * ```ts
 * // y' = -y on [0, 1], batch of 3 scalars, 10 RK4 steps
 * const { y } = solve({ f: (t, y) => tf.neg(y), y0: tf.ones([3, 1]), steps: 10 });
 * // a ResNet trained through the continuous adjoint
 * const loss = () => tf.tidy(() => {
 *   const { y } = solve({ f: (t, Y, { K, b }) => tf.tanh(tf.add(tf.matMul(Y, K), b)),
 *     y0: X, controls: { values: { K: Ks, b: bs } }, steps: 16, gradient: 'adjoint' });
 *   return tf.mean(tf.square(tf.sub(y, target)));
 * });
 * ```
 */
export function solve<
  Q extends TensorTree,
  Pm extends TensorTree,
  P extends TensorTree = TensorTree,
>(options: PartitionedSolveOptions<Q, Pm, P>): SolveResult<{ q: Q; p: Pm }>;
export function solve<Y extends TensorTree, P extends TensorTree = TensorTree>(
  options: SolveOptions<Y, P>,
): SolveResult<Y>;
export function solve(options: SolveOptions | PartitionedSolveOptions): SolveResult {
  const cfg = solveConfig(options);
  const custom = cfg.gradient.mode !== 'backprop' && isRecording();
  const out = custom ? solveWithCustomGradient(cfg) : solvePlain(cfg);
  return {
    y: cfg.unflattenY(out.y),
    ys: out.ys.map((leaves) => cfg.unflattenY(leaves)),
    ts: cfg.spec.saveAt.slice(),
    stats: out.stats,
  };
}

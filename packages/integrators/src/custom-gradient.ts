// The custom-gradient wiring of solve: the forward pass without the tape, and a backward pass by checkpointing, the adjoint or reversal.
import { StateError } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { adjointBackward } from './adjoint.js';
import { checkpointBackward, checkpointRecorder } from './checkpoint.js';
import { makeParamSource } from './controls.js';
import type { BackwardContext, BackwardResult } from './internal/backward.js';
import { type ForwardResult, runForward } from './internal/forward.js';
import { disposeLeaves, type Leaves } from './internal/leaves.js';
import { makeStepper } from './internal/steppers.js';
import { withoutTape } from './internal/vjp.js';
import { reversibleBackward } from './reversible.js';
import type { SolveConfig } from './solve-config.js';
import type { SolveStats } from './types.js';

function flatOutputs(y: Leaves, ys: readonly Leaves[]): tf.Tensor {
  const all = [...y, ...ys.flat()];
  return tf.tidy(() => tf.concat(all.map((x) => tf.reshape(x, [-1]))));
}

/** Splits a packed 1-D tensor into `groups` copies of the state's leaves. */
function unpack(packed: tf.Tensor, shapes: readonly number[][], groups: number): Leaves[] {
  return tf.tidy(() => {
    const sizes: number[] = [];
    for (let g = 0; g < groups; g++)
      for (const s of shapes) sizes.push(s.reduce((a, b) => a * b, 1));
    const parts = sizes.length === 1 ? [packed] : tf.split(packed, sizes);
    const out: Leaves[] = [];
    for (let g = 0; g < groups; g++) {
      out.push(shapes.map((s, i) => tf.reshape(parts[g * shapes.length + i] as tf.Tensor, s)));
    }
    return out;
  });
}

function explainDisposed(error: unknown): unknown {
  // A disposed tensor shows up as "disposed" in TF.js's own checks, and as a failed lookup of its
  // data ("reading 'backend'") when a kernel runs on it.
  if (
    error instanceof Error &&
    /disposed|reading 'backend'/i.test(error.message) &&
    !(error instanceof StateError)
  ) {
    return new StateError(
      `the backward pass re-evaluates f, and a tensor it uses was probably already disposed (${error.message}). In gradient modes 'checkpoint', 'adjoint' and 'reversible', tensors that f captures from its closure must stay alive until the gradient is computed: pass them through params or controls instead (which also gives them gradients)`,
      { cause: error },
    );
  }
  return error;
}

/**
 * Runs a solve whose gradient is not backprop through the steps: the forward pass runs with the
 * tape paused, and one custom-gradient op returns the outputs, whose gradient function
 * recomputes from checkpoints, solves the adjoint ODE, or runs the scheme backwards.
 */
export function solveWithCustomGradient(cfg: SolveConfig): ForwardResult {
  const { spec, system, gradient, paramSpec } = cfg;
  const nY = cfg.y0.length;
  const nP = cfg.paramLeaves.length;
  const shapes = cfg.y0.map((x) => x.shape.slice());
  const groups = 1 + spec.saveAt.length;
  let meta:
    | { plan: ForwardResult['plan']; saveStates: number[]; stats: SolveStats; ckpt: number[] }
    | undefined;

  // The forward pass runs with the tape paused rather than inside the custom-gradient op: no step
  // is recorded either way, but this way an f that itself calls tf.grad still works.
  const forward = withoutTape(() => {
    const src = makeParamSource(paramSpec, cfg.paramLeaves, spec.t0, spec.t1);
    const recorder =
      gradient.mode === 'checkpoint' ? checkpointRecorder(spec, gradient.every) : undefined;
    let res: ForwardResult;
    try {
      res = runForward(spec, system, src, cfg.y0, recorder ?? {});
    } finally {
      src.dispose();
    }
    const checkpoints = recorder?.take() ?? new Map<number, Leaves>();
    const ckpt = [...checkpoints.keys()].sort((a, b) => a - b);
    const stored =
      gradient.mode === 'checkpoint'
        ? ckpt.flatMap((k) => checkpoints.get(k) as Leaves)
        : [...res.y, ...res.ys.flat()];
    const packed = flatOutputs(res.y, res.ys);
    const owned = [...res.y, ...res.ys.flat(), ...stored];
    return { res, ckpt, stored, packed, owned };
  });
  meta = {
    plan: forward.res.plan,
    saveStates: forward.res.saveStates,
    stats: forward.res.stats,
    ckpt: forward.ckpt,
  };

  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const xs = args.slice(0, -1) as tf.Tensor[];
    // The engine keeps its own handles on what is saved and releases them after the backward
    // pass (or when no backward pass comes), so nothing here outlives the gradient computation.
    save([...xs, ...forward.stored]);
    return {
      value: tf.clone(forward.packed),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        try {
          // Paused tape: f's own gradient computations (and ours) start fresh tapes, and the
          // outer backward pass finds its tape where it left it.
          return withoutTape(() => backward(dy, saved));
        } catch (error) {
          // TF.js frees saved tensors only after a successful backward pass.
          for (const x of saved) x.dispose();
          throw explainDisposed(error);
        }
      },
    };
  });

  const backward = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
    const m = meta as NonNullable<typeof meta>;
    const inputs = saved.slice(0, nY + nP);
    const stored = saved.slice(nY + nP);
    const cot = unpack(dy, shapes, groups);
    const src = makeParamSource(paramSpec, inputs.slice(nY), spec.t0, spec.t1);
    let result: BackwardResult | undefined;
    try {
      const ctx: BackwardContext = {
        spec,
        system,
        src,
        plan: m.plan,
        saveStates: m.saveStates,
        lambda: cot[0] as Leaves,
        dys: cot.slice(1),
      };
      if (gradient.mode === 'checkpoint') {
        const checkpoints = new Map<number, Leaves>();
        m.ckpt.forEach((k, i) => {
          checkpoints.set(k, stored.slice(i * nY, (i + 1) * nY));
        });
        result = checkpointBackward(ctx, makeStepper(spec.method, system, src), checkpoints);
      } else {
        const outputs: Leaves[] = [];
        for (let g = 0; g < groups; g++) outputs.push(stored.slice(g * nY, (g + 1) * nY));
        result =
          gradient.mode === 'adjoint'
            ? adjointBackward(ctx, outputs[0] as Leaves, outputs.slice(1))
            : reversibleBackward(
                ctx,
                makeStepper(spec.method, system, src),
                outputs[0] as Leaves,
                outputs.slice(1),
              );
      }
      const acc = result.acc;
      const gradsP = tf.tidy(() => src.assemble(acc).map((g) => tf.clone(g)));
      return [...result.gy0, ...gradsP];
    } finally {
      src.dispose();
      for (const c of cot) disposeLeaves(c);
      if (result) for (const leaves of result.acc.values()) disposeLeaves(leaves);
    }
  };

  let packed: tf.Tensor;
  try {
    packed = op(...cfg.y0, ...cfg.paramLeaves);
  } finally {
    forward.packed.dispose();
    for (const x of new Set(forward.owned)) x.dispose();
  }
  const outs = unpack(packed, shapes, groups);
  packed.dispose();
  const m = meta as unknown as NonNullable<typeof meta>;
  return {
    y: outs[0] as Leaves,
    ys: outs.slice(1),
    plan: m.plan,
    saveStates: m.saveStates,
    stats: m.stats,
  };
}

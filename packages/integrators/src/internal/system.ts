import type { TensorTree } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import type { Leaves } from './leaves.js';
import { joinLeaves, type Partition, splitLeaves } from './state.js';

/** A right-hand side over flat leaves. */
export type FlatRhs = (t: number, y: Leaves, params: TensorTree) => Leaves;

/** `c · F(t, y, θ)` over flat leaves, evaluated directly (see `withScaled`). */
export type FlatScaledRhs = (t: number, y: Leaves, params: TensorTree, c: number) => Leaves;

/** The user's dynamics, bound to flat leaves. */
export type System =
  | {
      readonly kind: 'general';
      readonly f: FlatRhs;
      readonly scaled?: FlatScaledRhs;
      /** `y + c · F(t, y, θ)` (see `withScaled`). */
      readonly residual?: FlatScaledRhs;
    }
  | {
      readonly kind: 'partitioned';
      readonly partition: Partition;
      /** `q' = dq(t, p, θ)`: the `p` leaves to the derivative of the `q` leaves. */
      readonly dq: FlatRhs;
      /** `p' = dp(t, q, θ)`: the `q` leaves to the derivative of the `p` leaves. */
      readonly dp: FlatRhs;
    };

/** `y' = F(t, y)` for any system (a partitioned one as `(q, p)' = (dq(p), dp(q))`). */
export function generalRhs(system: System): FlatRhs {
  if (system.kind === 'general') return system.f;
  const { partition, dq, dp } = system;
  return (t, y, params) => {
    const [q, p] = splitLeaves(partition, y);
    return joinLeaves(partition, dq(t, p, params), dp(t, q, params));
  };
}

type EngineClass = { nextTensorId?: unknown };

/** The id the next tensor will get (TF.js ids increase monotonically), or `null` if unknown. */
function nextTensorId(): number | null {
  const id = (tf.engine().constructor as unknown as EngineClass).nextTensorId;
  return typeof id === 'number' ? id : null;
}

/**
 * Calls `fn` and guarantees that every returned tensor was created by the call: a leaf that
 * already existed (the input state returned as its own derivative, a parameter, a constant from
 * `f`'s closure) is cloned, so the solver may dispose what `f` returned without touching
 * tensors it does not own.
 */
export function freshOutputs(fn: () => Leaves): Leaves {
  const mark = nextTensorId();
  const out = fn();
  return out.map((o) => (mark === null || o.id < mark ? tf.clone(o) : o));
}

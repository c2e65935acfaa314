// One player's update on one batch: loss and gradient, clipping, the optimiser step and decoupled weight decay.
import {
  NumericalError,
  type TensorTree,
  tidyTree,
  treeDispose,
  treeKeep,
  treeMap,
  valueAndGrad,
} from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { clipByGlobalNorm } from './clip.js';
import type { LossContext, LossOutput, Player } from './problem.js';

/** The trained variables a step reads and replaces (owned by the training loop). */
export interface TrainingVariables {
  /** Parameters by player key. */
  readonly params: Record<string, TensorTree>;
  /** Non-trainable state. */
  state: TensorTree;
  /** One optimiser state per player. */
  readonly optStates: TensorTree[];
  /** Updates taken per player. */
  readonly updates: number[];
}

/**
 * Updates player `index` on one batch: evaluates its loss and gradient with respect to its own
 * parameters (the others held fixed), stops with a clear error on a non-finite loss, clips the
 * gradient by global norm (`clipNorm`, reporting the norm as `gradNorm`), applies the optimiser
 * with the scheduled learning rate `η`, then the decoupled weight decay `θ ← (1 − ηλ) θ`, and
 * replaces the player's parameters, optimiser state and (when the loss returns one) the
 * non-trainable state in `vars`.
 *
 * @param name - Maps a metric name to its reported name (`loss`, or `critic.loss` with several players).
 * @returns The batch's metrics of this player.
 * @throws {@link @runge/tensor-ops!NumericalError} when the loss is NaN or infinite.
 */
export function playerStep<B>(
  vars: TrainingVariables,
  players: readonly Player<B>[],
  index: number,
  batch: B,
  ctx: LossContext,
  learningRate: number,
  name: (metric: string, player: number) => string,
): Record<string, number> {
  const player = players[index] as Player<B>;
  const key = player.params;
  let captured: LossOutput | null = null;
  const lossOf = (p: TensorTree, keep: boolean): tf.Scalar => {
    const out = player.loss({ ...vars.params, [key]: p }, vars.state, batch, ctx);
    if (keep) {
      captured = out;
      for (const m of Object.values(out.metrics ?? {})) tf.keep(m);
      if (out.state) treeKeep(out.state);
    }
    return out.loss;
  };
  const { value, grads } = valueAndGrad((p: TensorTree) => lossOf(p, true))(
    vars.params[key] as TensorTree,
  );
  const out = captured as LossOutput | null;
  const metricEntries = Object.entries(out?.metrics ?? {});
  const stacked = tf.tidy(() =>
    tf.stack([value, ...metricEntries.map(([, m]) => tf.reshape(m, []))]),
  );
  const values = stacked.dataSync();
  stacked.dispose();
  const lossValue = values[0] as number;
  if (!Number.isFinite(lossValue)) {
    tf.dispose([value, ...metricEntries.map(([, m]) => m)]);
    treeDispose(grads);
    if (out?.state) treeDispose(out.state);
    throw new NumericalError(
      `loss of '${key}' is ${lossValue} at epoch ${ctx.epoch}, step ${ctx.step} (learning rate ${learningRate}); ` +
        'lower the learning rate, clip gradients (clipNorm), or check the data for NaN',
    );
  }
  const metrics: Record<string, number> = { [name('loss', index)]: lossValue };
  metricEntries.forEach(([metric, m], i) => {
    metrics[name(metric, index)] = values[i + 1] as number;
    m.dispose();
  });
  let g = grads;
  if (player.clipNorm !== undefined) {
    const clipped = clipByGlobalNorm(grads, player.clipNorm);
    treeDispose(grads);
    g = clipped.grads;
    metrics[name('gradNorm', index)] = clipped.norm;
  }
  vars.updates[index] = (vars.updates[index] as number) + 1;
  const sup = player.supervision;
  const supervised = sup
    ? {
        inputs: sup.inputs(batch),
        targets: sup.targets(batch),
        outputs: (p: TensorTree) =>
          sup.outputs({ ...vars.params, [key]: p }, vars.state, sup.inputs(batch)),
        loss: sup.loss,
      }
    : undefined;
  const result = player.optimizer.update(
    vars.params[key] as TensorTree,
    g,
    vars.optStates[index] as TensorTree,
    {
      learningRate,
      step: vars.updates[index] as number,
      loss: value,
      valueAndGrad: (p) => valueAndGrad((q: TensorTree) => lossOf(q, false))(p),
      ...(supervised ? { supervised } : {}),
    },
  );
  let next = result.params;
  const decay = player.weightDecay ?? 0;
  if (decay > 0) {
    const decayed = tidyTree(() => treeMap((p) => tf.mul(p, 1 - learningRate * decay), next));
    treeDispose(next);
    next = decayed;
  }
  treeDispose(vars.params[key]);
  treeDispose(vars.optStates[index]);
  treeDispose(g);
  value.dispose();
  vars.params[key] = next;
  vars.optStates[index] = result.state;
  if (out?.state) {
    treeDispose(vars.state);
    vars.state = out.state;
  }
  return metrics;
}

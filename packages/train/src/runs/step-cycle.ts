// Training on several discretisations of the same network: the ODE blocks' steps N, 2N, … on successive batches.
import {
  type ApplyFn,
  buildModel,
  type Model,
  type ModelParams,
  scaleSteps,
} from '@runge/architectures';
import { ConfigError } from '@runge/tensor-ops';
import { OPTIMIZER_NAMES, SECOND_ORDER_OPTIMIZERS } from './optimizer-names.js';
import type { RunConfig } from './run-config.js';
import type { RunTask } from './tasks/run-task.js';

/**
 * The forward pass of each training update when the ODE blocks' steps cycle through multiples
 * of their `N`: update `s` runs every block with `cycle[s mod cycle.length] · N` steps (controls
 * and, for stable blocks, the bound's step kept, so the parameters are the same), e.g. `[1, 2]`
 * trains on `h` and `h/2` alternately. A network that fits one discretisation can be far from
 * the ODE it claims to be (its accuracy moves as `N` grows); one that must serve both is pushed
 * towards the limit `h → 0`. Evaluation keeps `N`.
 *
 * @param model - The network, with at least one ODE block unless the cycle is all ones.
 * @param cycle - Positive integer multiples (`train.stepCycle` of a run configuration).
 * @returns `step ↦ forward pass`, or undefined when every multiple is 1 (nothing changes).
 * @throws {@link @runge/tensor-ops!ConfigError} when the model has no ODE block to refine.
 * @example
 * ```ts
 * const at = stepCycleApply(model, [1, 2]);
 * at?.(0) === model.apply; // N at even updates, 2N at odd ones
 * ```
 */
export function stepCycleApply(
  model: Model,
  cycle: readonly number[],
): ((step: number) => ApplyFn<ModelParams>) | undefined {
  if (cycle.every((m) => m === 1)) return undefined;
  if (!model.layers.some((layer) => layer.type === 'ode')) {
    throw new ConfigError(
      `train.stepCycle [${cycle.join(', ')}] multiplies the steps of ODE blocks, but the model '${model.config.name ?? 'model'}' has none; remove it or use an ODE block`,
    );
  }
  const applies = cycle.map((m) =>
    m === 1 ? model.apply : buildModel(scaleSteps(model.config, m)).apply,
  );
  return (step) => applies[step % applies.length] as ApplyFn<ModelParams>;
}

/**
 * The rules of `train.stepCycle` against the rest of a run configuration, checked before any
 * data is read: the task must train through `networkOptions` (its `stepCycle` flag), the
 * optimiser must be first-order (a second-order method's curvature model or line search assumes
 * one objective across its iterations), and the preset block must have time steps.
 *
 * @param config - The resolved run configuration.
 * @param task - Its task.
 * @param name - How to name a setting in messages (the CLI adds its flag).
 * @param fail - Throws the `ConfigError` for a message.
 * @example
 * ```ts
 * checkStepCycle(config, taskOf(config), (p) => p, (m) => { throw new ConfigError(m); });
 * ```
 */
export function checkStepCycle(
  config: RunConfig,
  task: RunTask,
  name: (path: string) => string,
  fail: (message: string) => never,
): void {
  const cycle = config.train.stepCycle;
  if (cycle === undefined || cycle.every((m) => m === 1)) return;
  const setting = `${name('train.stepCycle')} ${cycle.join(',')}`;
  if (task.stepCycle !== true) {
    fail(
      `${setting} trains one network on several discretisations; the '${task.name}' task trains its networks its own way and does not take it`,
    );
  }
  const optimizer = config.train.optimizer;
  const secondOrder: readonly string[] = SECOND_ORDER_OPTIMIZERS;
  if (secondOrder.includes(optimizer)) {
    const firstOrder = OPTIMIZER_NAMES.filter((n) => !secondOrder.includes(n));
    fail(
      `${setting} changes the network from one update to the next, which ${optimizer} cannot follow (it assumes one objective across its iterations); use ${firstOrder.join(', ')}`,
    );
  }
  if (config.model.config === undefined && config.model.dynamics === 'fractal') {
    fail(`${setting} multiplies the steps of ODE blocks; a fractal block has none`);
  }
}

// The run configuration's stable-training settings (model.stability) and what they add to a preset's ODE block.

import {
  type ActivationName,
  DEFAULT_STABILITY_MARGIN,
  defaultActivation,
  defaultMethod,
  maxSlope,
  type OdeDynamicsName,
  STABILITY_MODES,
  STABILITY_SHIFTS,
} from '@runge/architectures';
import { type MethodName, stabilityExtents } from '@runge/integrators';
import { z } from 'zod';
import { runLevelCount } from './run-level-count.js';

/**
 * `model.stability` of a run configuration: stable training of the ODE block (`mode`
 * `'spectral-bound'`, see the guide on stability), its margin and power iterations, and how
 * many validation examples the per-epoch stability report analyses.
 *
 * @example
 * ```ts
 * runStabilitySchema.parse({ mode: 'spectral-bound' }); // { mode: 'spectral-bound' }
 * ```
 */
export const runStabilitySchema = z
  .strictObject({
    mode: z
      .enum(STABILITY_MODES)
      .default('none')
      .describe(
        "stable training: 'spectral-bound' keeps every hλ of the ODE block in its integrator's stability region",
      ),
    margin: z
      .number()
      .gt(0)
      .max(1)
      .optional()
      .describe('share of the stability disk or interval the bound aims at (default 0.95)'),
    iterations: z
      .int()
      .min(1)
      .optional()
      .describe('power-iteration steps per forward pass of a stable block (default 3)'),
    shift: z
      .enum(STABILITY_SHIFTS)
      .optional()
      .describe(
        "ResNet block: the shift c of K − cI follows the weights' norm ('norm', the default) or is the largest the bound allows ('full')",
      ),
    monitor: z
      .int()
      .min(0)
      .optional()
      .describe(
        'validation examples whose max |R(hλ)| per ODE block is reported every epoch (default 1 with stable training, else 0: off)',
      ),
  })
  .prefault({});

/** The resolved `model.stability` settings. */
export type RunStability = z.infer<typeof runStabilitySchema>;

/**
 * What stable training adds to a preset's ODE block (with `T = 1`, the presets' final time):
 * the block's `stability` setting and, for an antisymmetric block on a method that is unstable
 * on the whole imaginary axis (Euler, Heun, midpoint), the damping `γ = r/(hs)` (`r` the
 * method's disk times the margin, `h = 1/N`, `s` the activation's slope bound) that allows the
 * largest `‖K − Kᵀ‖` (the bound is `‖K − Kᵀ‖² ≤ 2rγ/(hs) − γ²`, largest at that `γ`).
 *
 * @param stability - The run's `model.stability`.
 * @param block - The block's dynamics, integrator (default the dynamics' own), steps and
 *   activation (default the dynamics' own).
 * @returns Layer settings to merge into the block; `{}` without stable training.
 * @example
 * ```ts
 * stableBlockSettings({ mode: 'spectral-bound' }, { dynamics: 'antisymmetric', steps: 8 });
 * // { stability: { mode: 'spectral-bound' }, damping: 7.6 } (0.95 · 1 · 8)
 * ```
 */
export function stableBlockSettings(
  stability: RunStability,
  block: {
    readonly dynamics: OdeDynamicsName;
    readonly integrator?: MethodName;
    readonly steps: number;
    readonly activation?: ActivationName;
  },
): { stability?: Record<string, unknown>; damping?: number } {
  if (stability.mode === 'none') return {};
  const setting = {
    mode: stability.mode,
    ...(stability.margin !== undefined ? { margin: stability.margin } : {}),
    ...(stability.iterations !== undefined ? { iterations: stability.iterations } : {}),
    ...(stability.shift !== undefined ? { shift: stability.shift } : {}),
  };
  const method = block.integrator ?? defaultMethod(block.dynamics);
  const extents = stabilityExtents(method);
  if (block.dynamics === 'antisymmetric' && extents.imaginary === 0) {
    const r = (stability.margin ?? DEFAULT_STABILITY_MARGIN) * extents.disk;
    const hs = maxSlope(block.activation ?? defaultActivation('antisymmetric')) / block.steps;
    return { stability: setting, damping: r / hs };
  }
  return { stability: setting };
}

/**
 * How many validation examples the per-epoch stability report analyses: `monitor` when given,
 * else 1 with stable training and 0 (no report) without, so plain runs cost what they did.
 *
 * @param stability - The run's `model.stability`.
 * @returns The number of examples (0: off).
 * @example
 * ```ts
 * monitoredExamples({ mode: 'spectral-bound' }); // 1
 * monitoredExamples({ mode: 'none', monitor: 2 }); // 2
 * ```
 */
export function monitoredExamples(stability: RunStability): number {
  return stability.monitor ?? (stability.mode === 'none' ? 0 : 1);
}

/**
 * The rules between stable training and other settings of a run: the bound applies to a
 * preset's ODE block (not a fractal block or a `model.config`, which sets `stability` on its own
 * blocks), and not to multilevel training, whose transfers between levels do not move the
 * power-iteration state (its shape follows the resolution and the number of controls).
 *
 * @param config - The resolved run configuration (`model` and `train.multilevel` are read).
 * @param name - How to name a setting in messages.
 * @param fail - Throws the configuration error with the message.
 * @example
 * ```ts
 * checkRunStability(config, (p) => p, (m) => { throw new ConfigError(m); });
 * ```
 */
export function checkRunStability(
  config: {
    readonly model: {
      readonly dynamics: string;
      readonly stability: RunStability;
      readonly config?: unknown;
    };
    readonly train: {
      readonly multilevel?: number | undefined;
      readonly multilevelEpochs?: readonly number[] | undefined;
    };
  },
  name: (path: string) => string,
  fail: (message: string) => never,
): void {
  const stability = config.model.stability;
  if (stability.mode === 'none') {
    // The bound's own settings mean nothing without the bound; saying so beats ignoring them.
    for (const key of ['margin', 'iterations', 'shift'] as const) {
      if (stability[key] !== undefined) {
        fail(
          `${name(`model.stability.${key}`)} sets the bound of stable training, which is off; add ${name('model.stability.mode')} spectral-bound or leave it out`,
        );
      }
    }
    return;
  }
  const what = `${name('model.stability')} '${stability.mode}'`;
  if (stability.shift !== undefined && config.model.dynamics !== 'resnet') {
    fail(
      `${name('model.stability.shift')} chooses the shift of a ResNet block's K − cI; a '${config.model.dynamics}' block has none, leave it out`,
    );
  }
  if (config.model.dynamics === 'fractal') {
    fail(`${what} bounds ODE blocks; a fractal block has none (choose an ODE dynamics)`);
  }
  if (config.model.config !== undefined) {
    fail(
      `${what} applies to the preset's block; in ${name('model.config')} give each ODE layer its own "stability": { "mode": "spectral-bound" }`,
    );
  }
  if (runLevelCount(config) > 1) {
    fail(
      `${what} does not combine with ${name('train.multilevel')} yet (the power-iteration state does not move between levels); train on one level`,
    );
  }
}

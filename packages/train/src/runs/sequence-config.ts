// The sequence section of the run configuration: the recurrent cell of the sequence tasks, the GBM forecasting window, and their rules.
import { CELL_NAMES, EULER_CELLS } from '@runge/architectures';
import { ConfigError } from '@runge/tensor-ops';
import { z } from 'zod';

/**
 * The settings of the sequence tasks (`sequence-mnist`, `quantile-gbm`): the recurrent cell, its
 * width, the antisymmetric cells' step `ε` and damping `γ`, and for `quantile-gbm` the window of
 * past returns and the length of the simulated paths.
 *
 * @example
 * ```ts
 * sequenceConfigSchema.parse({ cell: 'antisymmetric', epsilon: 0.2 }).units; // 64
 * ```
 */
export const sequenceConfigSchema = z
  .strictObject({
    cell: z.enum(CELL_NAMES).default('lstm').describe('recurrent cell of the sequence tasks'),
    units: z.int().min(1).default(64).describe('hidden units of the recurrent cell'),
    epsilon: z
      .number()
      .positive()
      .optional()
      .describe('step size ε of the antisymmetric cells (default 0.1)'),
    gamma: z
      .number()
      .min(0)
      .optional()
      .describe('damping γ of the antisymmetric cells (default 0.01)'),
    window: z.int().min(1).default(10).describe('quantile-gbm: past returns the model reads'),
    pathSteps: z
      .int()
      .min(2)
      .default(40)
      .describe('quantile-gbm: time steps of each simulated path'),
  })
  .prefault({});

/**
 * The gradient clipping of the sequence tasks when `train.clipNorm` is not set: the global norm
 * τ = 1 (docs: /math/sequences#clipping). Clipping also reports the gradient norm of every step,
 * averaged per epoch as `gradNorm`, so exploding gradients show in the metrics.
 *
 * @example
 * ```ts
 * SEQUENCE_CLIP_NORM; // 1
 * ```
 */
export const SEQUENCE_CLIP_NORM = 1;

/**
 * The clipping threshold of a sequence task: `train.clipNorm`, else {@link SEQUENCE_CLIP_NORM}.
 *
 * @param train - The run configuration's `train` section (`clipNorm`).
 * @returns τ.
 * @example
 * ```ts
 * sequenceClipNorm({ clipNorm: undefined }); // 1
 * ```
 */
export function sequenceClipNorm(train: { readonly clipNorm?: number | undefined }): number {
  return train.clipNorm ?? SEQUENCE_CLIP_NORM;
}

/**
 * The rules of the sequence section: `epsilon` and `gamma` belong to the antisymmetric cells.
 *
 * @param sequence - The resolved section.
 * @param ctx - `source` and `name` for messages.
 * @throws {@link @runge/tensor-ops!ConfigError} naming the setting and what to do.
 * @example
 * ```ts
 * checkSequenceConfig(config.sequence, { source: 'run.json', name: (p) => p });
 * ```
 */
export function checkSequenceConfig(
  sequence: z.infer<typeof sequenceConfigSchema>,
  ctx: { readonly source: string; readonly name: (path: string) => string },
): void {
  if (EULER_CELLS.includes(sequence.cell)) return;
  for (const key of ['epsilon', 'gamma'] as const) {
    if (sequence[key] !== undefined) {
      throw new ConfigError(
        `${ctx.source}: ${ctx.name(`sequence.${key}`)} applies to the ${EULER_CELLS.join(' and ')} cells; remove it for ${ctx.name('sequence.cell')} '${sequence.cell}'`,
      );
    }
  }
}

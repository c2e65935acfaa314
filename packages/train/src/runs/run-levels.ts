// The levels of a run: one level with every epoch, or the multilevel schedule its configuration asks for.
import { buildModel, type ModelConfig } from '@runge/architectures';
import { type MultilevelLevel, multilevelSchedule } from '@runge/multigrid';
import { ConfigError } from '@runge/tensor-ops';
import type { RunConfig } from './run-config.js';
import type { RunData } from './run-data.js';
import { runLevelCount } from './run-level-count.js';

/**
 * The levels a run trains on: one level at the data's resolution with every epoch, or, with
 * `train.multilevel` L > 1 (or `train.multilevelEpochs` of length L > 1), the standard schedule of `multilevelSchedule` (@runge/multigrid) —
 * an image pyramid (`H/2^(L−1)` … `H`), refining the depth too with `train.multilevelDepth`; for
 * feature vectors, depth levels `N/2^(L−1)` … `N`.
 *
 * @param config - The run configuration.
 * @param data - The run's data (its input shape).
 * @param model - The model at full resolution.
 * @returns The levels, coarsest first.
 * @throws {@link @runge/tensor-ops!ConfigError} for a schedule the data or model cannot follow.
 * @example
 * ```ts
 * scheduleLevels(config, data, model); // [{ resolution: 28, epochs: 12 }] for the default run
 * ```
 */
export function scheduleLevels(
  config: RunConfig,
  data: Pick<RunData, 'inputShape'>,
  model: ModelConfig,
): MultilevelLevel[] {
  const image = data.inputShape.length === 3;
  const levels = runLevelCount(config);
  if (levels <= 1) {
    return [
      {
        ...(image ? { resolution: data.inputShape[0] as number } : {}),
        epochs: config.train.epochs,
      },
    ];
  }
  const ode = buildModel(model).layers.find((l) => l.type === 'ode');
  const steps = ode?.config.steps as number | undefined;
  if (!image && steps === undefined) {
    throw new ConfigError(
      'train.multilevel: without images the levels differ in depth, and this model has no ODE block whose steps could change',
    );
  }
  return multilevelSchedule({
    ...(image ? { resolution: data.inputShape[0] as number } : {}),
    levels,
    epochs: config.train.epochs,
    ...(config.train.multilevelEpochs ? { levelEpochs: config.train.multilevelEpochs } : {}),
    ...(config.train.multilevelDepth || !image ? { steps: steps as number } : {}),
  });
}

// How many levels a run trains on, from its multilevel settings.

/**
 * How many levels a run trains on: `train.multilevel`, else the length of
 * `train.multilevelEpochs`, else 1.
 *
 * @param config - The run configuration (its `train` section).
 * @returns The number of levels `L ≥ 1`.
 * @example
 * ```ts
 * runLevelCount(resolveRunConfig({ train: { multilevelEpochs: [8, 2, 1, 1] } })); // 4
 * ```
 */
export function runLevelCount(config: {
  readonly train: {
    readonly multilevel?: number | undefined;
    readonly multilevelEpochs?: readonly number[] | undefined;
  };
}): number {
  return config.train.multilevel ?? config.train.multilevelEpochs?.length ?? 1;
}

// The data sources a run configuration can name.

/**
 * The data a run can learn from (`data.source`):
 * - `mnist`: the embedded MNIST digits of @runge/datasets (a fixed split; no download);
 * - `idx`: MNIST-format files (`train-images-idx3-ubyte[.gz]`, …) in `data.path`;
 * - `cifar10`: the CIFAR-10 binary batches in `data.path`;
 * - `spirals`, `peaks`, `ellipses`: synthetic sets drawn from the run's seed (`data.points`,
 *   `data.classes`); `peaks` gives the surface's values to a regression task;
 * - `gbm`: paths of geometric Brownian motion drawn from the run's seed: for forecasting
 *   (`quantile-gbm`: `data.points` paths of `sequence.pathSteps` steps) and for the GAN tasks
 *   (the `generative.gbm` settings).
 *
 * @example
 * ```ts
 * DATA_SOURCES.includes('spirals'); // true
 * ```
 */
export const DATA_SOURCES = Object.freeze([
  'mnist',
  'idx',
  'cifar10',
  'spirals',
  'peaks',
  'ellipses',
  'gbm',
] as const);

/** A name of {@link DATA_SOURCES}. */
export type DataSourceName = (typeof DATA_SOURCES)[number];

import { randomShift } from '@runge/datasets';
import { ConfigError, type Rng } from '@runge/tensor-ops';
import { adam, type Optimizer, type ScheduleConfig, sgd } from '@runge/train';
import type * as tf from '@tensorflow/tfjs-core';
import type { RunConfig } from './config.js';

/** The shift of `data.shift` for inputs of rank `rank` (batch included): default 2 for images. */
export function shiftOf(config: RunConfig, rank: number): number {
  const shift = config.data.shift;
  if (rank !== 4) {
    if (shift !== undefined && shift > 0) {
      throw new ConfigError(
        `data.shift applies to image data; '${config.data.source}' gives feature vectors. Remove data.shift`,
      );
    }
    return 0;
  }
  return shift ?? 2;
}

/**
 * The augmentation of training batches a run configuration asks for, if any. With
 * `fullHeight`, the shift is a physical length: images of height `H` (a coarser level of a
 * multilevel run) are shifted by up to `round(shift · H / fullHeight)` pixels.
 */
export function augmentOf(
  config: RunConfig,
  rank: number,
  fullHeight?: number,
): ((x: tf.Tensor, rng: Rng) => tf.Tensor) | undefined {
  const shift = shiftOf(config, rank);
  if (shift === 0) return undefined;
  if (fullHeight === undefined) return (x, rng) => randomShift(x as tf.Tensor4D, shift, rng);
  return (x, rng) =>
    randomShift(x as tf.Tensor4D, Math.round((shift * (x.shape[1] as number)) / fullHeight), rng);
}
/** The optimiser a run configuration names. */
export function optimizerOf(config: RunConfig): Optimizer {
  switch (config.train.optimizer) {
    case 'sgd':
      return sgd();
    case 'momentum':
      return sgd({ momentum: config.train.momentum, nesterov: true });
    case 'adam':
      return adam();
  }
}

/** The learning-rate schedule of a run configuration, over all its epochs. */
export function scheduleOf(config: RunConfig): ScheduleConfig {
  const lr = config.train.lr;
  switch (config.train.schedule) {
    case 'constant':
      return { type: 'constant', lr };
    case 'cosine':
      return { type: 'cosine', lr, final: lr / 100 };
    case 'step':
      return {
        type: 'step',
        lr,
        factor: 0.1,
        every: Math.max(1, Math.round(config.train.epochs / 3)),
      };
  }
}

import { assertNumber, assertOneOf, ConfigError } from '@runge/tensor-ops';

/**
 * A learning-rate schedule in JSON form (so runs and checkpoints can store it). Time is measured
 * in fractional epochs `e = epoch + batch / batchesPerEpoch` (0-based), `E` is the number of
 * epochs of the run.
 *
 * - `constant`: `η(e) = lr`
 * - `step`: `η(e) = lr · factor^⌊e / every⌋`
 * - `exponential`: `η(e) = lr · decay^e`
 * - `cosine`: linear warm-up from 0 over `warmup` epochs, then
 *   `η(e) = final + (lr − final) (1 + cos(π (e − warmup) / (E − warmup))) / 2`
 */
export type ScheduleConfig =
  | { readonly type: 'constant'; readonly lr: number }
  | { readonly type: 'step'; readonly lr: number; readonly factor: number; readonly every: number }
  | { readonly type: 'exponential'; readonly lr: number; readonly decay: number }
  | {
      readonly type: 'cosine';
      readonly lr: number;
      readonly final?: number;
      readonly warmup?: number;
    };

/** Where training is when the learning rate is asked for. */
export interface ScheduleTime {
  /** 0-based epoch. */
  readonly epoch: number;
  /** 0-based batch within the epoch. */
  readonly batch: number;
  /** Batches per epoch. */
  readonly batchesPerEpoch: number;
  /** Epochs of the whole run. */
  readonly epochs: number;
}

/** A learning-rate schedule: time → learning rate. */
export type Schedule = (time: ScheduleTime) => number;

/**
 * The names of the schedule types of {@link ScheduleConfig}.
 *
 * @example
 * ```ts
 * SCHEDULE_TYPES.includes('cosine'); // true
 * ```
 */
export const SCHEDULE_TYPES = Object.freeze(['constant', 'step', 'exponential', 'cosine'] as const);

/**
 * Builds a schedule from its JSON form, validating every field.
 *
 * @param config - The schedule (see {@link ScheduleConfig} for the formulas), or a number for a
 *   constant rate.
 * @returns A function of the training time.
 * @throws {@link @runge/tensor-ops!ConfigError} naming the bad field and the allowed values.
 * @example
 * ```ts
 * const lr = schedule({ type: 'cosine', lr: 0.1, warmup: 1 });
 * lr({ epoch: 0, batch: 50, batchesPerEpoch: 100, epochs: 10 }); // 0.05 (half-way through warm-up)
 * ```
 */
export function schedule(config: ScheduleConfig | number): Schedule {
  if (typeof config === 'number') return schedule({ type: 'constant', lr: config });
  const check = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      throw new ConfigError(`schedule: ${(e as Error).message}`, { cause: e });
    }
  };
  const type = check(() => assertOneOf(config?.type, SCHEDULE_TYPES, 'type'));
  const lr = check(() => assertNumber(config.lr, 'lr', { min: 0 }));
  const at = (t: ScheduleTime): number => t.epoch + t.batch / Math.max(1, t.batchesPerEpoch);
  switch (type) {
    case 'constant':
      return () => lr;
    case 'step': {
      const c = config as Extract<ScheduleConfig, { type: 'step' }>;
      const factor = check(() => assertNumber(c.factor, 'factor', { min: 0, exclusiveMin: true }));
      const every = check(() => assertNumber(c.every, 'every', { min: 0, exclusiveMin: true }));
      return (t) => lr * factor ** Math.floor(at(t) / every + 1e-9);
    }
    case 'exponential': {
      const c = config as Extract<ScheduleConfig, { type: 'exponential' }>;
      const decay = check(() => assertNumber(c.decay, 'decay', { min: 0, exclusiveMin: true }));
      return (t) => lr * decay ** at(t);
    }
    case 'cosine': {
      const c = config as Extract<ScheduleConfig, { type: 'cosine' }>;
      const final = check(() => assertNumber(c.final ?? 0, 'final', { min: 0 }));
      const warmup = check(() => assertNumber(c.warmup ?? 0, 'warmup', { min: 0 }));
      return (t) => {
        const e = at(t);
        if (e < warmup) return (lr * e) / warmup;
        const span = Math.max(t.epochs - warmup, 1e-12);
        const progress = Math.min(1, (e - warmup) / span);
        return final + ((lr - final) * (1 + Math.cos(Math.PI * progress))) / 2;
      };
    }
  }
}

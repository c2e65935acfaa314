/** Per-epoch metrics, by name (`loss`, `accuracy`, …). */
export type Metrics = Readonly<Record<string, number>>;

/** One line of the training history. */
export interface EpochRecord {
  /** 0-based epoch. */
  readonly epoch: number;
  /** Mean training metrics over the epoch's batches (per player: `loss` for one player, `critic.loss` etc. for several). */
  readonly train: Metrics;
  /** Validation metrics, if validation data was given. */
  readonly validation?: Metrics;
  /** Learning rate at the end of the epoch (first player's). */
  readonly learningRate: number;
  /** Wall time of the epoch in seconds (training and validation). */
  readonly seconds: number;
  /** Training throughput in examples per second. */
  readonly samplesPerSecond: number;
}

/**
 * Progress of {@link fit}, as events (the library never prints; apps decide how to show them).
 */
export type TrainEvent =
  | {
      readonly type: 'start';
      readonly epochs: number;
      readonly batchesPerEpoch: number;
      readonly examples: number;
      readonly resumedAt?: { readonly epoch: number; readonly batch: number };
    }
  | { readonly type: 'epoch-start'; readonly epoch: number }
  | {
      readonly type: 'step';
      readonly epoch: number;
      /** 0-based batch within the epoch. */
      readonly batch: number;
      readonly batchesPerEpoch: number;
      /** 0-based global step. */
      readonly step: number;
      /** This batch's metrics. */
      readonly metrics: Metrics;
      /** Running means over the epoch so far. */
      readonly running: Metrics;
      readonly learningRate: number;
      readonly samplesPerSecond: number;
      /** Estimated seconds until the run ends. */
      readonly etaSeconds: number;
    }
  | { readonly type: 'epoch-end'; readonly record: EpochRecord }
  | {
      readonly type: 'checkpoint';
      readonly file: string;
      readonly epoch: number;
      readonly batch: number;
      readonly bytes: number;
    }
  | {
      readonly type: 'early-stop';
      readonly epoch: number;
      readonly metric: string;
      readonly best: number;
      readonly bestEpoch: number;
    }
  | {
      readonly type: 'end';
      readonly reason: StopReason;
      readonly epochs: number;
      readonly seconds: number;
    };

/** Why training stopped. */
export type StopReason = 'completed' | 'early-stopping' | 'interrupted';

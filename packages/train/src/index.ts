// Public API of @runge/train.
export { type AdamOptions, adam } from './adam.js';
export {
  type ApplyContext,
  type ApplyFn,
  type ClassificationOptions,
  type ClassifierEvaluation,
  classification,
  evaluateClassifier,
} from './classification.js';
export { clipByGlobalNorm } from './clip.js';
export type { EpochRecord, Metrics, StopReason, TrainEvent } from './events.js';
export { type EarlyStoppingOptions, type FitOptions, type FitResult, fit } from './fit.js';
export type { Optimizer, OptimizerConfig, UpdateContext } from './optimizer.js';
export type {
  DataSource,
  LossContext,
  LossOutput,
  ParamsRecord,
  Player,
  TrainingProblem,
} from './problem.js';
export { type Schedule, type ScheduleConfig, type ScheduleTime, schedule } from './schedule.js';
export { type SgdOptions, sgd } from './sgd.js';
export { type Batch, tensorSource } from './tensor-source.js';

// Public API of @runge/train.
export { type AdamOptions, adam } from './adam.js';
export {
  type ClassificationOptions,
  type ClassifierEvaluation,
  classification,
  evaluateClassifier,
} from './classification.js';
export { clipByGlobalNorm } from './clip.js';
export {
  type ConjugateGradientOptions,
  type ConjugateGradientResult,
  conjugateGradient,
} from './conjugate-gradient.js';
export type { EarlyState } from './early-stopping.js';
export type { EpochRecord, Metrics, StopReason, TrainEvent } from './events.js';
export { fit } from './fit.js';
export {
  checkpointVariables,
  type FitCheckpointMeta,
  type FitCheckpointTrees,
} from './fit-checkpoint.js';
export type { EarlyStoppingOptions, EpochEnd, FitOptions, FitResult } from './fit-options.js';
export {
  type GaussNewtonOptions,
  type GaussNewtonProblem,
  gaussNewton,
  gaussNewtonOptimizer,
} from './gauss-newton.js';
export { type LbfgsOptions, lbfgs, lbfgsMinimize, lbfgsOptimizer } from './lbfgs.js';
export {
  type LinePoint,
  type LineSearchResult,
  type StrongWolfeOptions,
  strongWolfeLineSearch,
} from './line-search.js';
export type { IterationRecord, MinimizeResult, MinimizeStop } from './minimize-result.js';
export {
  hessianVectorProduct,
  type NewtonOptions,
  newton,
  newtonMinimize,
  newtonOptimizer,
} from './newton.js';
export type {
  Optimizer,
  OptimizerConfig,
  SupervisedUpdate,
  UpdateContext,
} from './optimizer.js';
export {
  OUTPUT_LOSSES,
  type OutputLoss,
  type OutputLossName,
  outputLoss,
} from './output-loss.js';
export {
  type ParamVector,
  paramVector,
  treeObjective,
  type VectorEvaluation,
  type VectorObjective,
  vectorObjective,
} from './param-vector.js';
export { predict } from './predict.js';
export type {
  DataSource,
  LossContext,
  LossOutput,
  ParamsRecord,
  Player,
  PlayerSupervision,
  TrainingProblem,
} from './problem.js';
export {
  evaluateRegressor,
  type RegressionOptions,
  type RegressorEvaluation,
  regression,
} from './regression.js';
export { type ApplicationConfig, applicationConfigSchema } from './runs/application-config.js';
export {
  type CoarsenedRun,
  type CoarsenRunOptions,
  coarsenRun,
} from './runs/coarsen-run.js';
export {
  type ConvergeBlock,
  type ConvergeReport,
  type ConvergeRunOptions,
  convergeRun,
} from './runs/converge-run.js';
export { evaluateRun, RUN_SPLITS, type RunSplit } from './runs/evaluate-run.js';
export { GBM_MARKET, type GbmWindows, gbmWindows } from './runs/gbm-windows.js';
export { GENERATIVE_NETWORKS, type GenerativeNetwork } from './runs/generative-networks.js';
export { noCheckpointMessage, type OpenedRun, openRun } from './runs/open-run.js';
export {
  OPTIMIZER_NAMES,
  type OptimizerName,
  SECOND_ORDER_OPTIMIZERS,
  type SecondOrderOptimizerName,
} from './runs/optimizer-names.js';
export { lineChartSpec, type SeriesPoint } from './runs/plots/line-chart.js';
export {
  encodePng,
  type ImageGridOptions,
  imageGrid,
  readPng,
  writePng,
} from './runs/plots/png.js';
export { type QuantileBandPath, quantileBandsSpec } from './runs/plots/quantile-bands-chart.js';
export { renderSvg } from './runs/plots/render-svg.js';
export { type HLambdaPoint, stabilitySpec } from './runs/plots/stability-chart.js';
export { metricSeries, writeTrainingPlots } from './runs/plots/training-plots.js';
export {
  type ResolveRunConfigOptions,
  resolveRunConfig,
} from './runs/resolve-run-config.js';
export { augmentOf, shiftOf } from './runs/run-augment.js';
export {
  defaultThreads,
  describeBackend,
  initRunBackend,
  machineCores,
} from './runs/run-backend.js';
export {
  MODEL_PRESETS,
  type RunConfig,
  type RunConfigInput,
  runConfigSchema,
} from './runs/run-config.js';
export { loadRunConfig, readConfigFile } from './runs/run-config-file.js';
export {
  describeData,
  loadRunData,
  type RunData,
  resolutionsOf,
  type TargetKind,
} from './runs/run-data.js';
export { DATA_SOURCES, type DataSourceName } from './runs/run-data-sources.js';
export {
  appendJsonLine,
  checkOutputFolder,
  cleanTempFiles,
  lockRun,
  newRunDir,
  openRunDir,
  RunDirError,
  type RunPaths,
  readJson,
  readJsonLines,
  runPaths,
  writeFileAtomic,
  writeJson,
  writeJsonLines,
} from './runs/run-dir.js';
export type { RunEpochRecord, RunEvent } from './runs/run-events.js';
export { scheduleLevels } from './runs/run-levels.js';
export {
  buildRunModel,
  describeModel,
  type ModelShapes,
  modelConfigFor,
} from './runs/run-model.js';
export { optimizerOf, scheduleOf } from './runs/run-optimizer.js';
export {
  checkpointLevel,
  type RunCheckpointConfig,
  type TrainedNetwork,
  type TrainLevelsOptions,
  type TrainLevelsResult,
  trainLevels,
} from './runs/run-pipeline.js';
export {
  type SecondOrderSettings,
  secondOrderOptimizer,
  secondOrderSchema,
} from './runs/run-second-order.js';
export type { LevelSummary, RunSummary } from './runs/run-summary.js';
export {
  type ResumeRunOptions,
  type RunResult,
  type RunTrainingOptions,
  readRunConfig,
  resumeRun,
  runTraining,
} from './runs/run-training.js';
export {
  checkSequenceConfig,
  SEQUENCE_CLIP_NORM,
  sequenceClipNorm,
  sequenceConfigSchema,
} from './runs/sequence-config.js';
export {
  type StabilityReport,
  type StabilityRunOptions,
  stabilityNotes,
  stabilityRun,
} from './runs/stability-run.js';
export { checkStepCycle, stepCycleApply } from './runs/step-cycle.js';
export {
  type FeatureModel,
  type FeatureModelOptions,
  loadFeatureModel,
} from './runs/stylize/feature-model.js';
export { builtInStylePair } from './runs/stylize/style-pair.js';
export { type StylizeOptions, type StylizeResult, stylize } from './runs/stylize/stylize.js';
export {
  type StylizeFilesOptions,
  type StylizeFilesResult,
  stylizeFiles,
} from './runs/stylize/stylize-files.js';
export { networkOptions } from './runs/tasks/network-options.js';
export { VAR_LEVELS } from './runs/tasks/quantile-gbm-task.js';
export { RUN_TASKS, taskOf } from './runs/tasks/registry.js';
export {
  evaluationRecord,
  type RunTask,
  type TaskCheckContext,
  type TaskDefaults,
  type TaskEvaluation,
  type TaskNetwork,
  type TaskNetworks,
  type TaskProblemContext,
  type TaskReport,
  type TaskReportContext,
} from './runs/tasks/run-task.js';
export { withTaskDefaults } from './runs/tasks/task-defaults.js';
export { TASK_NAMES, type TaskName } from './runs/tasks/task-names.js';
export {
  SCHEDULE_TYPES,
  type Schedule,
  type ScheduleConfig,
  type ScheduleTime,
  schedule,
} from './schedule.js';
export { type SgdOptions, sgd } from './sgd.js';
export {
  type SupervisedObjective,
  type SupervisedOptions,
  supervised,
} from './supervised.js';
export { type Batch, tensorSource } from './tensor-source.js';
export {
  type SoftmaxHeadOptions,
  type SoftmaxHeadSolution,
  solveSoftmaxHead,
  type VariableProjectionOptions,
  variableProjection,
} from './variable-projection.js';

// Public API of @runge/architectures.

export type { ActivationLayerConfig } from './activation-layer.js';
export { maxSlope } from './activation-slope.js';
export {
  ACTIVATIONS,
  type ActivationName,
  activate,
  SELU_ALPHA,
  SELU_LAMBDA,
} from './activations.js';
export {
  ANTISYMMETRIC_DEFAULTS,
  type AntisymmetricCellOptions,
  antisymmetricCell,
} from './antisymmetric-cell.js';
export {
  type AntisymmetricDynamicsOptions,
  antisymmetricDynamics,
} from './antisymmetric-dynamics.js';
export { antisymmetricRecurrence } from './antisymmetric-recurrence.js';
export { type ApplyContext, type ApplyFn, applyForward } from './apply-fn.js';
export type { BatchNormLayerConfig } from './batch-norm.js';
export {
  BLACK_SCHOLES_COEFFICIENTS,
  type BlackScholesCoefficients,
  type BlackScholesLayerConfig,
} from './black-scholes-layer.js';
export { BLOCK_NAMES, type BlockName } from './block-names.js';
export { analyseStability } from './block-stability.js';
export { CELL_NAMES, type CellName, EULER_CELLS } from './cell-names.js';
export type { ConvLayerConfig } from './conv-layer.js';
export type { DenseLayerConfig } from './dense-layer.js';
export { describeParams } from './describe-params.js';
export type { DropoutLayerConfig } from './dropout.js';
export type { FlattenLayerConfig } from './flatten-layer.js';
export type { FractalLayerConfig } from './fractal-block.js';
export { gatedAntisymmetricCell } from './gated-antisymmetric-cell.js';
export { gruCell } from './gru-cell.js';
export {
  type FeaturePartitionedDynamics,
  hamiltonianDynamics,
} from './hamiltonian-dynamics.js';
export type { InputSelectionLayerConfig } from './input-selection-layer.js';
export type { InitializerName } from './internal/init.js';
export type {
  InitSpec,
  Layer,
  LayerContext,
  LayerOutput,
  ParamInfo,
  ParamRole,
} from './layer.js';
export type { LayerConfig, ModelConfig } from './layer-config.js';
export { lstmCell } from './lstm-cell.js';
export { type CellOptions, initCell, makeCell } from './make-cell.js';
export {
  buildModel,
  LAYER_TYPES,
  type Model,
  type ModelOutput,
  type ModelParams,
  type ModelState,
  type ModelVariables,
  validateModelConfig,
} from './model.js';
export { type LoadedModel, loadModel, type SaveModelOptions, saveModel } from './model-io.js';
export {
  type HamiltonianFlowOptions,
  hamiltonianFlow,
  type OdeLayerConfig,
} from './ode-block.js';
export { type OdeBlockSystem, odeBlockSystem } from './ode-block-system.js';
export {
  checkMethod,
  defaultActivation,
  defaultMethod,
  isPartitioned,
  ODE_DYNAMICS,
  type OdeDynamicsName,
} from './ode-dynamics.js';
export {
  DEFAULT_STABILITY_MARGIN,
  DEFAULT_STABILITY_SHIFT,
  type OdeStabilityConfig,
  type OdeStabilitySettings,
  readStability,
  type SpectralBound,
  STABILITY_MODES,
  STABILITY_SHIFTS,
  type StabilityMode,
  type StabilityShift,
  spectralBound,
  stabilityStateInfos,
  stableControls,
} from './ode-stability.js';
export { parabolicDynamics } from './parabolic-dynamics.js';
export type { ParamDescription } from './param-description.js';
export type { GlobalPoolLayerConfig, PoolLayerConfig } from './pool-layer.js';
export { type ToyOptions, toyConfig, type W1Options, w1Config } from './presets.js';
export type { RecurrentCell } from './recurrent-cell.js';
export type { ReshapeLayerConfig } from './reshape-layer.js';
export {
  type DynamicsOptions,
  type FeatureDynamics,
  type KernelWeights,
  resnet2Dynamics,
  resnetDynamics,
  type TwoLayerWeights,
} from './resnet-dynamics.js';
export { type CellSizes, rnnCell } from './rnn-cell.js';
export { type RunCellOptions, type RunCellResult, runCell } from './run-cell.js';
export type { SequenceLayerConfig } from './sequence-layer.js';
export {
  type SpectralNormalized,
  spectralNormalize,
  type WeightOperator,
} from './spectral-normalization.js';
export {
  type BlockStability,
  type StabilityAnalysisOptions,
  type StepStability,
  stepsAt,
} from './stability-report.js';
export type { LayerSummary, ModelSummary } from './summary.js';
export { type UpsampleLayerConfig, upsampleNearest } from './upsample-layer.js';
export { scaleSteps, type WithStepsOptions, withSteps } from './with-steps.js';

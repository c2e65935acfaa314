// Public API of @runge/multigrid.
export { galerkinCoarsen, galerkinOperatorMatrix, galerkinRefine } from './galerkin.js';
export {
  type MultilevelLevel,
  type MultilevelPlan,
  type MultilevelPlanOptions,
  type MultilevelScheduleOptions,
  multilevelSchedule,
  type PlannedLevel,
  planMultilevel,
} from './multilevel.js';
export { type RediscretizeOptions, rediscretize } from './rediscretize.js';
export {
  type ControlTransfer,
  type ProlongDepthOptions,
  prolongDepth,
  type RestrictDepthOptions,
  restrictDepth,
} from './transfer-depth.js';
export {
  TRANSFER_METHODS,
  type TransferDirection,
  type TransferKernelOptions,
  type TransferMethod,
  transferKernel,
} from './transfer-kernel.js';
export { type TransferMapWeightsOptions, transferMapWeights } from './transfer-map-weights.js';
export {
  type ModelBundle,
  type TransferModelOptions,
  type TransferredModel,
  transferModel,
} from './transfer-model.js';

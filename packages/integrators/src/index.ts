// Public API of @runge/integrators.

export {
  type AdaptiveOptions,
  type AdaptiveSteps,
  adaptiveSteps,
} from './adaptive-steps.js';
export { amplification } from './amplification.js';
export { controlsAt } from './controls.js';
export {
  type ConvergenceStudyOptions,
  type ConvergenceStudyResult,
  convergenceStudy,
} from './convergence-study.js';
export { DEFAULT_CONTROLLER, type StepController } from './dormand-prince.js';
export {
  type CirculantLandscape,
  type CirculantLandscapeOptions,
  circulantLandscape,
  type GridAxis,
  landscapeRoughness,
} from './examples/circulant-landscape.js';
export { type ExplicitRkStepOptions, explicitRkStep } from './explicit-rk.js';
export {
  checkpoint,
  GRADIENT_MODES,
  type GradientMode,
  type GradientModeName,
  type GradientSpec,
  resolveGradient,
} from './gradient-mode.js';
export {
  type JacobianSpectrum,
  type JacobianSpectrumOptions,
  jacobian,
  jacobianSpectrum,
} from './jacobian.js';
export { type LeapfrogStepOptions, leapfrogStep } from './leapfrog.js';
export { leapfrogGrowth } from './leapfrog-growth.js';
export { METHOD_NAMES, type MethodName, methodOrder } from './methods.js';
export {
  type Box,
  chainSegments,
  regionBoundary,
  regionBox,
  type Segment,
} from './region-boundary.js';
export {
  type ResidualRhs,
  residualOf,
  type ScaledDynamics,
  type ScaledRhs,
  scaledOf,
  withScaled,
} from './scaled-dynamics.js';
export { solve } from './solve.js';
export type {
  PartitionedSolveOptions,
  SolveCommonOptions,
  SolveOptions,
  Widen,
} from './solve-options.js';
export {
  isStable,
  type MaxStableStepOptions,
  maxStableStep,
  type StabilityRegion,
  type StabilityRegionOptions,
  stabilityRegion,
} from './stability.js';
export { type StabilityExtents, stabilityExtents } from './stability-extents.js';
export { type Complex, stabilityFunction } from './stability-function.js';
export {
  combineNumbers,
  STABILITY_TOLERANCE,
  type StabilityNumbers,
  stabilityNumbers,
  ZERO_RADIUS,
} from './stability-numbers.js';
export {
  DOPRI5,
  EULER,
  FIXED_STEP_TABLEAUX,
  HEUN,
  MIDPOINT,
  orderConditionResiduals,
  RK4,
  validateTableau,
} from './tableaux.js';
export type {
  ButcherTableau,
  ControlGrid,
  Dynamics,
  FixedStepMethodName,
  Method,
  PartitionedDynamics,
  SolveResult,
  SolveStats,
} from './types.js';

// Public API of @runge/integrators.

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
} from './examples/circulant-landscape.js';
export { type ExplicitRkStepOptions, explicitRkStep } from './explicit-rk.js';
export {
  type JacobianSpectrum,
  type JacobianSpectrumOptions,
  jacobian,
  jacobianSpectrum,
} from './jacobian.js';
export { type LeapfrogStepOptions, leapfrogStep } from './leapfrog.js';
export { METHOD_NAMES, methodOrder } from './methods.js';
export {
  type PartitionedSolveOptions,
  type SolveCommonOptions,
  type SolveOptions,
  solve,
  type Widen,
} from './solve.js';
export {
  type Complex,
  isStable,
  type MaxStableStepOptions,
  maxStableStep,
  type StabilityRegion,
  type StabilityRegionOptions,
  stabilityFunction,
  stabilityRegion,
} from './stability.js';
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
  GradientMode,
  Method,
  PartitionedDynamics,
  SolveResult,
  SolveStats,
} from './types.js';
